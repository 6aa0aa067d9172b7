from django.urls import path

from altm import audit_views

app_name = "altm"

urlpatterns = [
    path("", audit_views.audit_list, name="audit_list"),
    path("<int:content_type_id>/<str:object_id>/", audit_views.audit_object, name="audit_object"),
]
