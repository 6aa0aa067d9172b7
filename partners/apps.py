from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def active_partner_names() -> list[str]:
    from partners.models import PartnerOrganisation

    return list(PartnerOrganisation.objects.filter(is_active=True).values_list("name", flat=True))


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et conventions")

    def ready(self):
        from mediation import extensions

        if active_partner_names not in extensions.PARTNER_NAME_PROVIDERS:
            extensions.PARTNER_NAME_PROVIDERS.append(active_partner_names)
