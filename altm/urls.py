from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from altm import views
from altm.models import Agency


def _admin_header() -> str:
    return _("%(agency)s · administration") % {"agency": Agency.current().short_name}


# Read on every admin page (lazy), so a new agency name shows without a restart.
admin.site.site_header = lazy(_admin_header, str)()
admin.site.site_title = lazy(lambda: Agency.current().short_name, str)()
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/modifie/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("altm.notification_urls")),
    path("compte/", include("accounts.urls")),
    path("journal/", include("altm.audit_urls")),
    path("", include("mediation.urls")),
    path("partenaires/", include("partners.urls")),
    path("bilans/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
