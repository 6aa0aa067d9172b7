"""A small organisation every test can stand on: two teams, one user per role."""

from dataclasses import dataclass, field

from accounts.models import Role, User
from mediation.models import ActivityType, Landlord, Site, SiteKind, Team, Territory
from partners.models import OrganisationKind, PartnerContact, PartnerOrganisation

PASSWORD = "mot-de-passe-de-test-1"


def make_user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    return user


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
    territory_a = Territory.objects.create(code="L8", name="Lyon 8")
    territory_b = Territory.objects.create(code="L9", name="Lyon 9")
    landlord = Landlord.objects.create(name="GLH", full_name="Grand Lyon Habitat", email="veille@glh.invalid")
    site_a = Site.objects.create(territory=territory_a, name="Santy", kind=SiteKind.RESIDENCE, landlord=landlord)
    site_b = Site.objects.create(territory=territory_b, name="La Duchère")
    team_a = Team.objects.create(name="Équipe Lyon 8")
    team_a.territories.add(territory_a)
    team_b = Team.objects.create(name="Équipe Lyon 9")
    team_b.territories.add(territory_b)
    mediator = make_user("mediateur", Role.MEDIATOR, first_name="Amina", last_name="Benali")
    mediator_other = make_user("mediateur.b", Role.MEDIATOR, first_name="Kévin", last_name="Petit")
    manager = make_user("manager", Role.MANAGER, first_name="Sophie", last_name="Lambert")
    manager_other = make_user("manager.b", Role.MANAGER, first_name="Nadia", last_name="Chérif")
    team_a.mediators.add(mediator)
    team_a.managers.add(manager)
    team_b.mediators.add(mediator_other)
    team_b.managers.add(manager_other)
    director = make_user("direction", Role.DIRECTOR)
    admin = make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)
    organisation = PartnerOrganisation.objects.create(
        name="Mission Locale de Lyon", kind=OrganisationKind.MISSION_LOCALE
    )
    other_organisation = PartnerOrganisation.objects.create(
        name="ADSEA 69", kind=OrganisationKind.SPECIALISED_PREVENTION
    )
    counsellor = make_user("conseiller", Role.COUNSELLOR)
    counsellor_other = make_user("conseiller.b", Role.COUNSELLOR)
    PartnerContact.objects.create(organisation=organisation, name="Julie Roche", user=counsellor)
    PartnerContact.objects.create(organisation=other_organisation, name="Paul Martin", user=counsellor_other)
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
