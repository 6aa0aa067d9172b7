"""Demo data for partner organisations. Idempotent."""

from django.db import transaction

from accounts.models import Role
from mediation.demo import demo_user
from mediation.models import Landlord, Site
from partners.models import OrganisationKind, PartnerContact, PartnerOrganisation, PartnershipType

ORGANISATIONS = [
    (
        "Mission Locale de Lyon",
        OrganisationKind.MISSION_LOCALE,
        PartnershipType.CONVENTION,
        ["Mermoz Nord", "Gerland", "La Duchère"],
    ),
    (
        "ADSEA 69 – prévention spécialisée",
        OrganisationKind.SPECIALISED_PREVENTION,
        PartnershipType.CONVENTION,
        ["Mermoz Sud", "Santy"],
    ),
    ("Centre social Mermoz", OrganisationKind.SOCIAL_CENTRE, PartnershipType.INFORMAL, ["Mermoz Nord"]),
    ("MJC Laënnec-Mermoz", OrganisationKind.MJC, PartnershipType.INFORMAL, ["Mermoz Sud"]),
    ("Collège Mermoz", OrganisationKind.SCHOOL, PartnershipType.INFORMAL, ["Collège Mermoz"]),
    ("Ville de Lyon", OrganisationKind.LOCAL_AUTHORITY, PartnershipType.SINGLE_STEERING, []),
    ("CAF du Rhône", OrganisationKind.CAF, PartnershipType.INFORMAL, []),
    ("Bibliothèque de la Duchère", OrganisationKind.OTHER, PartnershipType.INFORMAL, ["La Duchère"]),
]


@transaction.atomic
def load(stdout=None):
    for name, kind, partnership, site_names in ORGANISATIONS:
        organisation, _ = PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "partnership_type": partnership}
        )
        organisation.sites.add(*Site.objects.filter(name__in=site_names))
    for landlord in Landlord.objects.all():
        PartnerOrganisation.objects.get_or_create(
            name=landlord.full_name or landlord.name,
            defaults={"kind": OrganisationKind.LANDLORD, "landlord": landlord},
        )
    mission_locale = PartnerOrganisation.objects.get(name="Mission Locale de Lyon")
    counsellor = demo_user("conseiller.ml", "Julie", "Roche", Role.COUNSELLOR)
    PartnerContact.objects.get_or_create(
        organisation=mission_locale,
        name="Julie Roche",
        defaults={
            "position": "Conseillère en insertion",
            "user": counsellor,
            "email": "julie.roche@mission-locale.invalid",
        },
    )
    return [counsellor]
