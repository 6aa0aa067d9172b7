from django.urls import path

from altm import notification_views

app_name = "notifications"

urlpatterns = [
    path("compte/notifications/", notification_views.notification_settings, name="settings"),
    path("envois/echecs/", notification_views.failed_deliveries, name="failed"),
    path("envois/<int:pk>/renvoyer/", notification_views.retry_delivery, name="retry"),
]
