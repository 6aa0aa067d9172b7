"""Daily team report ("compte rendu"): one team, one day, grouped by mediator and by activity, with totals."""

from datetime import date, timedelta
from html import unescape

import factory
import pytest
from django.urls import reverse

from mediation.daily import daily_report
from mediation.models import Intervention, InterventionSource
from tests.mediation.factories import ActivityTypeFactory, RecordedInterventionFactory, TerritoryFactory

DAY = date(2026, 11, 2)


class LineFactory(RecordedInterventionFactory):
    """This module's lines: active listening on DAY in L8, recorded by team A's mediator."""

    date = DAY
    territory = factory.SubFactory(TerritoryFactory, code="L8")
    activity_type = factory.SubFactory(ActivityTypeFactory, code="active_listening")


@pytest.fixture
def day_of_team_a(world):
    for _ in range(3):
        LineFactory(source=InterventionSource.TALLY, women=1)
    LineFactory(activity_type__code="rule_reminder", source=InterventionSource.TALLY)
    LineFactory(  # recorded by the referral workflow: a telephone referral only comes from there
        activity_type__code="referral",
        mode="telephone",
        partner_name="Mission Locale",
        note="Jeune de 19 ans",
        men=1,
        source=InterventionSource.REFERRAL,
    )
    LineFactory(author=world.manager, activity_type__code="partner_meeting", count=2, site=world.site_a)
    LineFactory(date=DAY - timedelta(days=1), count=40)  # the day before
    LineFactory(author=world.mediator_other_team, territory=world.territory_b, count=50)  # team B


def test_report_groups_by_activity_and_mediator_with_totals(client, world, day_of_team_a):
    client.force_login(world.manager)
    response = client.get(reverse("mediation:daily_report"), {"date": DAY.isoformat()})
    assert response.status_code == 200
    assert response.context["team"] == world.team_a  # the manager's team by default
    # The three tally taps of active listening add up on one line (count 3).
    assert response.context["totals"] == {"lines": 4, "acts": 7, "women": 3, "men": 1, "unknown": 0}
    by_activity = [(row["activity_type__label"], row["acts"]) for row in response.context["by_activity"]]
    # In the order of the families (conflict, partnership, assistance…), as on the entry page.
    assert by_activity == [
        ("Rappel à la règle", 1),
        ("Mise en relation", 1),
        ("Rencontre partenariale", 2),
        ("Écoute active", 3),
    ]
    mediators = {m["name"]: m for m in response.context["mediators"]}
    assert set(mediators) == {"Amina Benali", "Sophie Lambert"}
    amina = mediators["Amina Benali"]
    assert amina["totals"]["acts"] == 5
    assert {t["activity_type__label"]: t["acts"] for t in amina["tallies"]} == {
        "Écoute active": 3,
        "Rappel à la règle": 1,
    }
    assert [e.activity_type.code for e in amina["entries"]] == ["referral"]
    html = unescape(response.content.decode())
    assert "Compte rendu du lundi 2 novembre 2026 · Équipe Lyon 8" in html
    assert "Mise en relation × 1</strong> (Téléphonique) · Mission Locale" in html and "Jeune de 19 ans" in html
    assert "Écoute active : <strong>3</strong>" in html
    assert f"?date={(DAY - timedelta(days=1)).isoformat()}&team={world.team_a.pk}" in html
    assert f"?date={(DAY + timedelta(days=1)).isoformat()}&team={world.team_a.pk}" in html
    assert "data-print" in html


def test_another_team_is_404_for_a_manager_and_open_to_the_director(client, world, day_of_team_a):
    url = reverse("mediation:daily_report")
    client.force_login(world.manager_other_team)
    assert client.get(url, {"date": DAY.isoformat(), "team": world.team_a.pk}).status_code == 404
    assert client.get(url, {"date": DAY.isoformat(), "team": "x"}).status_code == 404
    own = client.get(url, {"date": DAY.isoformat()})
    assert own.context["team"] == world.team_b and own.context["totals"]["acts"] == 50
    client.force_login(world.director)
    response = client.get(url, {"date": DAY.isoformat(), "team": world.team_a.pk})
    assert response.status_code == 200 and response.context["totals"]["acts"] == 7


def test_an_empty_day_says_so(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("mediation:daily_report"), {"date": "2026-01-01"})
    assert "Aucune saisie pour cette équipe ce jour-là." in unescape(response.content.decode())


@pytest.mark.parametrize("value", ["hier", "2026-02-30"])
def test_an_unreadable_date_falls_back_to_today_with_a_message(client, world, value):
    client.force_login(world.manager)
    response = client.get(reverse("mediation:daily_report"), {"date": value}, follow=True)
    assert response.status_code == 200
    assert "Date illisible" in unescape(response.content.decode())


@pytest.mark.parametrize("repeat", [1, 12])
def test_query_count_does_not_grow(client, world, django_assert_num_queries, repeat):
    for _ in range(repeat):
        LineFactory(source=InterventionSource.TALLY)
        LineFactory(activity_type__code="referral", mode="simple")
        LineFactory(author=world.manager, activity_type__code="presence")
    assert Intervention.objects.count() == 1 + 2 * repeat  # the taps add up on one tally line
    client.force_login(world.manager)
    # session and user (2), teams (1), by activity, by mediator, tallies, entries (4), the day's report and the
    # manager's teams (2), session save (3)
    with django_assert_num_queries(12):
        client.get(reverse("mediation:daily_report"), {"date": DAY.isoformat()})


def test_the_report_is_computed_outside_the_view(world, day_of_team_a):
    report = daily_report(world.team_a, DAY)
    assert report["totals"] == {"lines": 4, "acts": 7, "women": 3, "men": 1, "unknown": 0}
    assert [m["name"] for m in report["mediators"]] == ["Amina Benali", "Sophie Lambert"]
    assert daily_report(world.team_b, DAY)["totals"]["acts"] == 50
