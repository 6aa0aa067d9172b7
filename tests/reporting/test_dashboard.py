from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mediation.models import ActivityType, ConflictCase, Intervention, TechnicalReport, Territory
from reporting.dashboard import build_dashboard, period_span

MONDAY = date(2026, 11, 16)


def line(world, code, day, count, *, team="a"):
    team_obj = world.team_a if team == "a" else world.team_b
    Intervention.objects.create(
        activity_type=ActivityType.objects.get(code=code),
        territory=world.territory_a if team == "a" else world.territory_b,
        team=team_obj,
        author=world.mediator if team == "a" else world.mediator_other_team,
        date=day,
        count=count,
    )


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
    line(world, "rule_reminder", MONDAY, 4)
    line(world, "moral_support", MONDAY + timedelta(days=2), 3)
    line(world, "rule_reminder", MONDAY - timedelta(days=3), 2)
    line(world, "rule_reminder", MONDAY, 50, team="b")  # another team: not on this manager's board
    board = build_dashboard(user=world.manager, kind="week", anchor=MONDAY, group="mediator")
    assert [row.label for row in board.rows] == ["Amina Benali"]
    row = board.rows[0]
    assert row.current == {"conflict": 4, "assistance": 3}
    assert row.cells()[0] == (4, 2) and row.cells()[2] == (3, 0)
    assert (row.current_total, row.previous_total, row.delta) == (7, 2, 5)


def test_open_items(world):
    ConflictCase.objects.create(
        title="Bruit allée 3",
        territory=world.territory_a,
        team=world.team_a,
        parties="residents",
        opened_on=date(2026, 10, 1),
        status="agreement",
        agreement_followup_on=date.today(),
    )
    TechnicalReport.objects.create(
        landlord=world.landlord,
        territory=world.territory_a,
        team=world.team_a,
        place="Allée 3, hall",
        problem="Porte de hall cassée",
        reported_on=date.today(),
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
    line(world, "rule_reminder", date.today(), 1)
    urls = [(manager, "/bilans/tableau-de-bord/?period=month"), (director, "/bilans/vue-d-ensemble/")]
    for client, url in urls:
        client.get(url)
    before = [count_queries(client, url) for client, url in urls]
    for index in range(5):
        territory = Territory.objects.create(code=f"T{index}", name=f"Secteur {index}")
        world.team_a.territories.add(territory)
        for days in range(0, 400, 20):
            Intervention.objects.create(
                activity_type=ActivityType.objects.get(code="presence"),
                territory=territory,
                team=world.team_a,
                author=world.mediator,
                date=date.today() - timedelta(days=days),
            )
    assert [count_queries(client, url) for client, url in urls] == before
