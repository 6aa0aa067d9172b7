"""The one scoping ladder, as a table of roles × QuerySets: which team's (or organisation's) rows each role sees."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from mediation.models import Person, Team, Territory
from partners.models import Consent, Convention, InformationShare, Referral
from tests.partners.factories import make_consent, make_convention, make_person, make_referral

ROLES = ["anonymous", "mediator", "manager", "mediator_other_team", "director", "counsellor", "counsellor_other_org"]


@pytest.fixture
def rows(world):
    """Team A's person (consent, and a telephone referral with its share, to organisation A) and an anonymised one;
    team B's person; a convention."""
    person_a = make_person(world, alias="A")
    make_consent(world, person_a)
    make_referral(world, person=person_a)
    make_person(world, alias="A anonymisée", anonymised_at=timezone.now())
    make_person(world, team=world.team_b, alias="B")
    make_convention(world)


def user_of(world, role):
    return AnonymousUser() if role == "anonymous" else world.user(role)


def names(queryset, attribute):
    return sorted(str(getattr(row, attribute)) for row in queryset)


TEAM_NAMES = {"A": "Équipe Lyon 8", "B": "Équipe Lyon 9"}

# role: teams, territories, persons seen, persons workable, loggable territories
MEDIATION = {
    "anonymous": ([], [], [], [], []),
    "mediator": (["A"], ["Lyon 8"], ["A", "A anonymisée"], ["A"], ["Lyon 8"]),
    "manager": (["A"], ["Lyon 8"], ["A", "A anonymisée"], ["A"], ["Lyon 8"]),
    "mediator_other_team": (["B"], ["Lyon 9"], ["B"], ["B"], ["Lyon 9"]),
    "director": (["A", "B"], ["Lyon 8", "Lyon 9"], ["A", "A anonymisée", "B"], [], []),
    "counsellor": ([], [], [], [], []),
    "counsellor_other_org": ([], [], [], [], []),
}


@pytest.mark.parametrize("role", ROLES)
def test_mediation_scoping(world, rows, role):
    user = user_of(world, role)
    teams, territories, persons, workable, loggable = MEDIATION[role]
    assert names(Team.objects.for_user(user), "name") == [TEAM_NAMES[team] for team in teams]
    assert names(Territory.objects.for_user(user), "name") == territories
    assert names(Person.objects.for_user(user), "alias") == persons
    assert names(Person.objects.workable_by(user), "alias") == workable
    assert names(Territory.objects.loggable_by(user), "name") == loggable


# role: consents (by person), referrals (by person), shares (by person), conventions (count)
PARTNERS = {
    "anonymous": ([], [], [], 0),
    "mediator": (["A"], ["A"], ["A"], 0),
    "manager": (["A"], ["A"], ["A"], 1),
    "mediator_other_team": ([], [], [], 0),
    "director": (["A"], ["A"], ["A"], 1),
    "counsellor": ([], ["A"], ["A"], 0),
    "counsellor_other_org": ([], [], [], 0),
}


@pytest.mark.parametrize("role", ROLES)
def test_partners_scoping(world, rows, role):
    user = user_of(world, role)
    consents, referrals, shares, conventions = PARTNERS[role]
    assert [c.person.alias for c in Consent.objects.for_user(user)] == consents
    assert [r.person.alias for r in Referral.objects.for_user(user)] == referrals
    assert [s.person.alias for s in InformationShare.objects.for_user(user)] == shares
    assert Convention.objects.for_user(user).count() == conventions
