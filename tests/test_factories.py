"""Every factory builds a valid object from its defaults alone, and lines land in a team covering their territory."""

import pytest
from django.utils import timezone

from accounts.models import Role
from mediation.models import ActivityType
from tests.accounts.factories import UserFactory
from tests.mediation import factories as mediation
from tests.partners import factories as partners
from tests.reporting import factories as reporting

FACTORIES = [
    UserFactory,
    mediation.TerritoryFactory,
    mediation.LandlordFactory,
    mediation.SiteFactory,
    mediation.TeamFactory,
    mediation.ActivityTypeFactory,
    mediation.PersonFactory,
    mediation.FollowUpFactory,
    mediation.InterventionFactory,
    mediation.RecordedInterventionFactory,
    mediation.ConflictCaseFactory,
    mediation.ConflictSessionFactory,
    mediation.TechnicalReportFactory,
    partners.PartnerOrganisationFactory,
    partners.PartnerContactFactory,
    partners.ConventionFactory,
    partners.CommitmentFactory,
    partners.AmendmentFactory,
    partners.PartnerEventFactory,
    partners.ConsentFactory,
    partners.ReferralFactory,
    partners.InformationShareFactory,
    reporting.IndicatorTargetFactory,
    mediation.QpvFactory,
    partners.FunderFactory,
    partners.DispositifFactory,
    partners.AttributionFactory,
    partners.AdultRelayPostFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_defaults_build_a_valid_object(db, factory):
    obj = factory()
    obj.full_clean()


def test_a_line_is_written_by_a_mediator_of_a_team_covering_its_territory(db):
    line = mediation.InterventionFactory()
    assert line.territory in line.team.territories.all()
    assert line.author.role == Role.MEDIATOR and line.team in line.author.teams.all()
    assert line.date < timezone.localdate()


def test_activity_types_are_fetched_not_made(db):
    count = ActivityType.objects.count()
    assert mediation.ActivityTypeFactory(code="round_table").label == "Table ronde"
    line = mediation.InterventionFactory.build(territory=mediation.TerritoryFactory(), activity_type__code="presence")
    assert line.activity_type.pk is not None
    assert ActivityType.objects.count() == count


def test_a_missing_activity_type_is_made_from_the_catalogue(db):
    ActivityType.objects.filter(code="awareness").delete()
    awareness = mediation.ActivityTypeFactory(code="awareness")
    assert (awareness.family, awareness.uses_theme, awareness.uses_landlord) == ("conflict", True, True)
