"""A small organisation every test can stand on: two teams, one user per role (built with the factories)."""

from dataclasses import dataclass, field

from accounts.models import Role, User
from mediation.models import ActivityType, Landlord, Site, SiteKind, Team, Territory
from partners.models import OrganisationKind, PartnerOrganisation
from tests.accounts.factories import PASSWORD, UserFactory
from tests.mediation.factories import LandlordFactory, SiteFactory, TeamFactory, TerritoryFactory
from tests.partners.factories import PartnerContactFactory, PartnerOrganisationFactory

__all__ = ["PASSWORD", "World", "build_world"]


@dataclass
class World:
    territory_a: Territory
    territory_b: Territory
    site_a: Site
    site_b: Site
    landlord: Landlord
    team_a: Team
    team_b: Team
    mediator: User
    mediator_other_team: User
    manager: User
    manager_other_team: User
    director: User
    counsellor: User
    counsellor_other_org: User
    admin: User
    organisation: PartnerOrganisation
    other_organisation: PartnerOrganisation
    extra: dict = field(default_factory=dict)

    def user(self, role_name: str) -> User | None:
        return None if role_name == "anonymous" else getattr(self, role_name)

    def activity(self, code: str) -> ActivityType:
        return ActivityType.objects.get(code=code)


def build_world() -> World:
    territory_a = TerritoryFactory(code="L8", name="Lyon 8")
    territory_b = TerritoryFactory(code="L9", name="Lyon 9")
    landlord = LandlordFactory(name="GLH", full_name="Grand Lyon Habitat", email="veille@glh.invalid")
    site_a = SiteFactory(territory=territory_a, name="Santy", kind=SiteKind.RESIDENCE, landlord=landlord)
    site_b = SiteFactory(territory=territory_b, name="La Duchère")
    mediator = UserFactory(username="mediateur", role=Role.MEDIATOR, first_name="Amina", last_name="Benali")
    mediator_other = UserFactory(username="mediateur.b", role=Role.MEDIATOR, first_name="Kévin", last_name="Petit")
    manager = UserFactory(username="manager", role=Role.MANAGER, first_name="Sophie", last_name="Lambert")
    manager_other = UserFactory(username="manager.b", role=Role.MANAGER, first_name="Nadia", last_name="Chérif")
    team_a = TeamFactory(name="Équipe Lyon 8", territories=[territory_a], mediators=[mediator], managers=[manager])
    team_b = TeamFactory(
        name="Équipe Lyon 9", territories=[territory_b], mediators=[mediator_other], managers=[manager_other]
    )
    director = UserFactory(username="direction", role=Role.DIRECTOR)
    admin = UserFactory(username="admin", admin=True)
    organisation = PartnerOrganisationFactory(name="Mission Locale de Lyon", kind=OrganisationKind.MISSION_LOCALE)
    other_organisation = PartnerOrganisationFactory(name="ADSEA 69", kind=OrganisationKind.SPECIALISED_PREVENTION)
    counsellor = PartnerContactFactory(organisation=organisation, name="Julie Roche", user__username="conseiller").user
    counsellor_other = PartnerContactFactory(
        organisation=other_organisation, name="Paul Martin", user__username="conseiller.b"
    ).user
    return World(
        territory_a=territory_a,
        territory_b=territory_b,
        site_a=site_a,
        site_b=site_b,
        landlord=landlord,
        team_a=team_a,
        team_b=team_b,
        mediator=mediator,
        mediator_other_team=mediator_other,
        manager=manager,
        manager_other_team=manager_other,
        director=director,
        counsellor=counsellor,
        counsellor_other_org=counsellor_other,
        admin=admin,
        organisation=organisation,
        other_organisation=other_organisation,
    )
