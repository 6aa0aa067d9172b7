""" "Mes saisies" opens on today, grouped by day with the time of each entry; yesterday and this week one tap away."""

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from mediation import services
from tests.clock import TODAY, frozen
from tests.mediation.factories import RecordedInterventionFactory

pytestmark = frozen()  # Thursday 26 November 2026, 10:00 in Paris


def line_at(world, day, hour, minute, **extra):
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(moment):
        return RecordedInterventionFactory(
            author=world.mediator,
            date=day,
            territory=world.territory_a,
            activity_type=world.activity(extra.pop("code", "active_listening")),
            **extra,
        )


def test_opens_on_today_with_times_then_yesterday_and_this_week_one_tap_away(client, world, django_assert_num_queries):
    line_at(world, TODAY, 9, 5)
    line_at(world, TODAY, 9, 40, code="rule_reminder", count=3)
    line_at(world, TODAY - timedelta(days=1), 17, 30)
    line_at(world, TODAY - timedelta(days=3), 11, 0)  # Monday of this week
    line_at(world, TODAY - timedelta(days=10), 11, 0)  # long ago
    client.force_login(world.mediator)
    url = reverse("mediation:my_interventions")
    # Constant: session, user, teams, totals, rows, validated days, filter choices (3), session save (3).
    with django_assert_num_queries(12):
        response = client.get(url)
    html = unescape(response.content.decode())
    assert response.context["period"] == "today"
    assert [row["line"].date for row in response.context["rows"]] == [TODAY, TODAY]
    assert "Jeudi 26 novembre 2026" in html
    assert html.index("Rappel à la règle × 3") < html.index("Écoute active × 1")  # latest first
    assert ">09:40<" in html and ">09:05<" in html
    assert 'href="?periode=yesterday"' in html and 'href="?periode=week"' in html
    yesterday = client.get(url, {"periode": "yesterday"})
    assert [row["line"].date for row in yesterday.context["rows"]] == [TODAY - timedelta(days=1)]
    assert ">17:30<" in unescape(yesterday.content.decode())
    week = client.get(url, {"periode": "week"})
    assert len(week.context["rows"]) == 4
    assert "Lundi 23 novembre 2026" in unescape(week.content.decode())
    assert len(client.get(url, {"periode": "all"}).context["rows"]) == 5


def test_a_validated_day_shows_locked_lines_without_modifier(client, world):
    line_at(world, TODAY, 9, 5)
    services.validate_day(actor=world.manager, team=world.team_a, day=TODAY)
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:my_interventions"))
    assert response.context["rows"][0]["locked"] and not response.context["rows"][0]["editable"]
    assert "data-locked" in response.content.decode()
    entry = client.get(reverse("mediation:entry")).content.decode()
    assert "data-day-locked" in entry


def test_the_export_link_holds_the_period_shown(client, world):
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:my_interventions"))
    assert f"start={TODAY.isoformat()}&amp;end={TODAY.isoformat()}" in response.content.decode()


def test_explicit_filters_are_kept_and_an_unknown_period_is_ignored(client, world):
    line_at(world, TODAY - timedelta(days=10), 11, 0)
    client.force_login(world.mediator)
    url = reverse("mediation:my_interventions")
    start = (TODAY - timedelta(days=20)).isoformat()
    assert len(client.get(url, {"start": start}).context["rows"]) == 1
    response = client.get(url, {"periode": "<script>"})
    assert response.status_code == 200 and response.context["period"] == "today"
