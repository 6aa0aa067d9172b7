from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AltmConfig(AppConfig):
    name = "altm"
    verbose_name = _("Agence")
