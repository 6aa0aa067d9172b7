from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("double-authentification/", views.two_factor_verify, name="two_factor_verify"),
    path("double-authentification/activation/", views.two_factor_setup, name="two_factor_setup"),
    path("double-authentification/codes-de-secours/", views.backup_codes, name="backup_codes"),
]
