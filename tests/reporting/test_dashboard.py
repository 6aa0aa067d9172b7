from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.dashboard import build_dashboard, period_span
from tests.clock import frozen
from tests.mediation.factories import (
    ConflictCaseFactory,
    InterventionFactory,
    TechnicalReportFactory,
    TerritoryFactory,
)

pytestmark = frozen()

MONDAY = date(2026, 11, 16)


def test_periods():
    current, previous = period_span("week", date(2026, 11, 19))
    assert (current.start, current.end) == (MONDAY, MONDAY + timedelta(days=6))
    assert (previous.start, previous.end) == (MONDAY - timedelta(days=7), MONDAY - timedelta(days=1))
    current, previous = period_span("month", date(2026, 3, 31))
    assert (current.start, current.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (previous.start, previous.end) == (date(2026, 2, 1), date(2026, 2, 28))


def test_month_spans_cross_the_year_with_french_month_names():
    current, previous = period_span("month", date(2026, 1, 15))
    assert (current.start, current.end, current.label) == (date(2026, 1, 1), date(2026, 1, 31), "janvier 2026")
    assert (previous.start, previous.end, previous.label) == (date(2025, 12, 1), date(2025, 12, 31), "décembre 2025")
    leap, _previous = period_span("month", date(2028, 2, 10))
    assert (leap.end, leap.label) == (date(2028, 2, 29), "février 2028")


def test_team_activity_compared_with_previous_week(world):
    a, b = world.territory_a, world.territory_b
    InterventionFactory(territory=a, activity_type__code="rule_reminder", date=MONDAY, count=4)
    InterventionFactory(territory=a, activity_type__code="moral_support", date=MONDAY + timedelta(days=2), count=3)
    InterventionFactory(territory=a, activity_type__code="rule_reminder", date=MONDAY - timedelta(days=3), count=2)
    # Another team: not on this manager's board.
    InterventionFactory(territory=b, activity_type__code="rule_reminder", date=MONDAY, count=50)
    board = build_dashboard(user=world.manager, kind="week", anchor=MONDAY, group="mediator")
    assert [row.label for row in board.rows] == ["Amina Benali"]
    row = board.rows[0]
    assert row.current == {"conflict": 4, "assistance": 3}
    assert row.cells()[0] == ("conflict", 4, 2) and row.cells()[2] == ("assistance", 3, 0)
    assert (row.current_total, row.previous_total, row.delta) == (7, 2, 5)


def test_open_items(world):
    ConflictCaseFactory(
        title="Bruit allée 3",
        territory=world.territory_a,
        parties="residents",
        opened_on=date(2026, 10, 1),
        status="agreement",
        agreement_followup_on=timezone.localdate(),
    )
    TechnicalReportFactory(
        landlord=world.landlord,
        territory=world.territory_a,
        place="Allée 3, hall",
        problem="Porte de hall cassée",
        reported_on=timezone.localdate(),
    )
    client = Client()
    client.force_login(world.manager)
    page = client.get("/bilans/tableau-de-bord/").content.decode()
    assert "Bruit allée 3" in page and "Allée 3, hall" in page
    client.force_login(world.manager_other_team)
    page = client.get("/bilans/tableau-de-bord/").content.decode()
    assert "Bruit allée 3" not in page and "Allée 3, hall" not in page


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_dashboard_and_overview_query_counts_do_not_grow(world):
    manager, director = Client(), Client()
    manager.force_login(world.manager)
    director.force_login(world.director)
    InterventionFactory(territory=world.territory_a, activity_type__code="rule_reminder", date=timezone.localdate())
    urls = [(manager, "/bilans/tableau-de-bord/?period=month"), (director, "/bilans/vue-d-ensemble/")]
    for client, url in urls:
        client.get(url)
    before = [count_queries(client, url) for client, url in urls]
    for index in range(5):
        territory = TerritoryFactory(code=f"T{index}", name=f"Secteur {index}")
        world.team_a.territories.add(territory)
        for days in range(0, 400, 20):
            InterventionFactory(
                activity_type__code="presence",
                territory=territory,
                team=world.team_a,
                author=world.mediator,
                date=timezone.localdate() - timedelta(days=days),
            )
    assert [count_queries(client, url) for client, url in urls] == before
