from datetime import date

import pytest

from partners.models import EventKind, ImmersionDirection
from reporting import indicators
from reporting.evaluation import build_evaluation
from reporting.indicators import ALL, EVALUATION_CODES, Period
from tests.mediation.factories import InterventionFactory, TerritoryFactory
from tests.partners.factories import ConventionFactory, PartnerEventFactory
from tests.reporting import dataset

ISSUE_CODES = {
    "conflict.interventions",
    "conflict.round_tables",
    "conflict.real_time",
    "conflict.deferred",
    "conflict.rule_reminders",
    "conflict.awareness",
    "conflict.resident_consultations",
    "conflict.liaison_sheets",
    "partnership.referrals",
    "partnership.referral_beneficiaries",
    "partnership.referral_beneficiaries.women",
    "partnership.referral_beneficiaries.men",
    "partnership.project_facilitations",
    "partnership.project_facilitation_beneficiaries",
    "partnership.youth_followups",
    "assistance.isolated_followups",
    "assistance.physical_help",
    "assistance.moral_support",
    "assistance.administrative_help",
    "assistance.active_listening",
    "technical_watch.transmissions",
    "technical_watch.securings",
    "technical_watch.interventions",
    "technical_watch.total",
}


def test_the_evaluation_has_exactly_the_codes_of_the_issue():
    assert set(EVALUATION_CODES) == ISSUE_CODES
    assert len(EVALUATION_CODES) == len(ISSUE_CODES)


@pytest.mark.parametrize("code", sorted(dataset.EXPECTED))
def test_every_indicator_on_a_known_dataset(code, world):
    dataset.build(world)
    report = build_evaluation(2015, 2016)
    got = {
        (territory, year): report.value(code, territory, year)
        for territory in ("L8", "L9", ALL)
        for year in (2015, 2016)
    }
    expected = {key: dataset.EXPECTED[code].get(key, 0) for key in got}
    assert got == expected


def test_every_evaluation_code_is_checked_by_the_dataset():
    assert set(dataset.EXPECTED) == set(EVALUATION_CODES)


def test_one_territory_only(world):
    dataset.build(world)
    report = build_evaluation(2015, 2016, territory=world.territory_b)
    assert report.value("conflict.interventions", "L9", 2015) == 2
    assert report.value("conflict.interventions", ALL, 2015) == 2
    assert report.value("partnership.youth_followups", ALL, 2016) == 1
    assert report.territories == [("L9", "Lyon 9")]


def test_breakdowns_by_team_mediator_and_month(world):
    dataset.build(world)
    table = indicators.compute(
        ["conflict.interventions", "partnership.referral_beneficiaries"],
        period=Period(date(2015, 1, 1), date(2015, 12, 31)),
        by=("mediator", "month"),
    )
    assert table.get("conflict.interventions", world.mediator.pk, 2) == 3  # real time, February
    assert table.get("conflict.interventions", world.mediator_other_team.pk, 7) == 2
    assert table.get("partnership.referral_beneficiaries", world.mediator.pk, 9) == 4
    by_team = indicators.compute(["conflict.interventions"], period=Period.year(2015), by=("team",))
    assert by_team.get("conflict.interventions", world.team_a.pk) == 15
    assert by_team.get("conflict.interventions", world.team_b.pk) == 2


def test_follow_ups_refuse_a_breakdown_they_do_not_support(world):
    with pytest.raises(ValueError):
        indicators.compute(["partnership.youth_followups"], period=Period.year(2015), by=("mediator",))


def test_project_only_codes_and_training_hours(world):
    for minutes in (90, 150):
        InterventionFactory(
            activity_type__code="training",
            territory=world.territory_a,
            date=date(2016, 3, 1),
            duration_minutes=minutes,
            women=2,
            men=1,
        )
    table = indicators.compute(
        ["presence.training_hours", "presence.training_beneficiaries"], period=Period.year(2016), by=("year",)
    )
    assert table.get("presence.training_hours", 2016) == 4
    assert table.get("presence.training_beneficiaries", 2016) == 6


def test_evaluation_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    """One aggregate over interventions, two for follow-ups, three reference lookups; never one per cell."""
    dataset.build(world)
    with django_assert_num_queries(6):
        build_evaluation(2015, 2016)
    for index in range(6):
        TerritoryFactory(code=f"T{index}", name=f"Secteur {index}")
    with django_assert_num_queries(6):
        report = build_evaluation(2010, 2019)
    assert len(report.territories) == 8 and len(report.years) == 10


def test_partner_record_indicators(world):
    convention = ConventionFactory(organisation=world.organisation, title="C", signed_on=date(2018, 3, 1))
    ConventionFactory(organisation=world.other_organisation, title="D", signed_on=date(2019, 3, 1))
    ConventionFactory(organisation=world.other_organisation, title="Projet", signed_on=None)  # not signed
    PartnerEventFactory(convention=convention, kind=EventKind.PRESENTATION, date=date(2018, 4, 1))
    PartnerEventFactory(
        convention=convention,
        kind=EventKind.IMMERSION,
        immersion_direction=ImmersionDirection.AT_AGENCY,
        date=date(2019, 5, 1),
    )
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(2019, 6, 1), site=world.site_a)
    table = indicators.compute(
        ["partners.conventions_signed", "partners.presentations_immersions", "partners.meetings"],
        period=Period(date(2017, 1, 1), date(2019, 12, 31)),
        by=("year",),
    )
    assert [table.get("partners.conventions_signed", y) for y in (2017, 2018, 2019)] == [0, 1, 1]
    assert [table.get("partners.presentations_immersions", y) for y in (2017, 2018, 2019)] == [0, 1, 1]
    assert table.get("partners.meetings", 2019) == 1
    with pytest.raises(ValueError):
        indicators.compute(["partners.meetings"], period=Period.year(2019), by=("territory",))
