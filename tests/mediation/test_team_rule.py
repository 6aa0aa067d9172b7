"""One rule says which team owns a line, a case or a person (`mediation.rules.choose_team`); every path uses it."""

from datetime import date

import pytest

from mediation import rules, services
from mediation.interchange import COLUMNS, Table, import_interventions
from mediation.models import Intervention, ReferralMode, Team
from partners.services import record_incoming_referral


@pytest.mark.parametrize(
    ("covering", "expected"),
    [
        ([], None),
        ([(1, False)], 1),  # the territory's only team
        ([(1, False), (2, True)], 2),  # the user's own team first
        ([(1, True), (2, True)], 1),  # several of the user's teams: the first by name
        ([(1, False), (2, False)], None),  # several teams, none the user's: nobody can tell
    ],
)
def test_choose_team(covering, expected):
    assert rules.choose_team(covering) == expected


@pytest.fixture
def shared_territory(world):
    """Lyon 8 covered by two teams; the mediator works in the second by name."""
    earlier = Team.objects.create(name="Équipe A (renfort)")
    earlier.territories.add(world.territory_a)
    return earlier


def import_row(world, mediator: str, territory: str) -> Table:
    row = {name: "" for name in COLUMNS} | {"date": "2026-03-04", "territory": territory, "activity": "presence"}
    row["mediator"] = mediator
    return Table(headers=list(COLUMNS), rows=[(2, [row[name] for name in COLUMNS])])


def test_an_entry_goes_to_the_mediators_team(world, shared_territory):
    presence = world.activity("presence")
    line, _created = services.record_intervention(
        actor=world.mediator, date=date(2026, 3, 4), territory=world.territory_a, activity_type=presence
    )
    assert line.team == world.team_a


def test_an_import_row_goes_to_the_mediators_team_or_to_the_only_team(world, shared_territory):
    import_interventions(actor=world.admin, table=import_row(world, "mediateur", "L8"))
    import_interventions(actor=world.admin, table=import_row(world, "", "L9"))
    report = import_interventions(actor=world.admin, table=import_row(world, "", "L8"))
    assert report.without_team == 1
    assert [line.team for line in Intervention.objects.order_by("id")] == [world.team_a, world.team_b, None]


def test_a_partners_referral_goes_to_the_only_team_and_is_refused_when_two_could_take_it(world, shared_territory):
    referral, _created = record_incoming_referral(
        actor=world.counsellor,
        organisation=world.organisation,
        date=date(2026, 3, 4),
        mode=ReferralMode.TELEPHONE,
        territory=world.territory_b,
        alias="Yanis",
        person_agreed=True,
    )
    assert referral.team == world.team_b and referral.person.team == world.team_b
    with pytest.raises(services.ValidationError) as excinfo:
        record_incoming_referral(
            actor=world.counsellor,
            organisation=world.organisation,
            date=date(2026, 3, 4),
            mode=ReferralMode.TELEPHONE,
            territory=world.territory_a,
            alias="Inès",
            person_agreed=True,
        )
    assert "territory" in excinfo.value.message_dict
