from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from mediation import extensions


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et conventions")

    def ready(self):
        # Models can only be imported once the app registry is ready, hence this import here (Django's way).
        from partners.models import active_partner_names

        if active_partner_names not in extensions.PARTNER_NAME_PROVIDERS:
            extensions.PARTNER_NAME_PROVIDERS.append(active_partner_names)
