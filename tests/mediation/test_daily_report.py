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
    # Tallies and entries alike, summed by activity: one row per activity however many lines.
    assert {a["activity_type__label"]: a["acts"] for a in amina["activities"]} == {
        "Écoute active": 3,
        "Rappel à la règle": 1,
        "Mise en relation": 1,
    }
    by_site = {row["site__name"]: row["acts"] for row in response.context["by_site"]}
    assert by_site == {None: 5, world.site_a.name: 2}
    # The last lines of the day, newest first, whoever recorded them.
    assert [line.activity_type.code for line in response.context["last_lines"]] == [
        "partner_meeting",
        "referral",
        "rule_reminder",
        "active_listening",
    ]
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
    # session and user (2), teams (1), by activity, by mediator, by mediator and activity, by site, last lines (5),
    # the day's report and the manager's teams (2), session save (3)
    with django_assert_num_queries(13):
        client.get(reverse("mediation:daily_report"), {"date": DAY.isoformat()})


def test_the_report_is_computed_outside_the_view(world, day_of_team_a):
    report = daily_report(world.team_a, DAY)
    assert report["totals"] == {"lines": 4, "acts": 7, "women": 3, "men": 1, "unknown": 0}
    assert [m["name"] for m in report["mediators"]] == ["Amina Benali", "Sophie Lambert"]
    assert daily_report(world.team_b, DAY)["totals"]["acts"] == 50


def test_a_busy_day_shows_figures_and_the_last_lines_with_a_link_to_all_of_them(
    client, world, django_assert_num_queries
):
    """200 lines in the day: the same queries as for one, 20 lines shown one by one, the rest one link away."""
    LineFactory.create_batch(200, activity_type__code="referral", mode="simple", note="Ligne du jour")
    client.force_login(world.manager)
    with django_assert_num_queries(13):
        response = client.get(reverse("mediation:daily_report"), {"date": DAY.isoformat()})
    html = unescape(response.content.decode())
    assert response.context["totals"]["lines"] == 200
    assert "Mise en relation : <strong>200</strong>" in html  # the mediator's figure covers every line
    assert html.count("Ligne du jour") == 20
    assert "Les 20 plus récentes sur 200" in html
    day = DAY.isoformat()
    link = f"{reverse('mediation:team_interventions')}?start={day}&end={day}&team={world.team_a.pk}"
    assert f'href="{link}" data-all-lines' in html
    listed = client.get(link)
    assert listed.context["totals"]["lines"] == 200


def test_the_page_does_not_grow_with_the_lines_of_the_day(client, world):
    client.force_login(world.manager)
    LineFactory.create_batch(25, activity_type__code="referral", mode="simple")
    few = len(client.get(reverse("mediation:daily_report"), {"date": DAY.isoformat()}).content)
    LineFactory.create_batch(175, activity_type__code="referral", mode="simple")
    many = len(client.get(reverse("mediation:daily_report"), {"date": DAY.isoformat()}).content)
    assert many - few < 100  # only the figures change (a few digits), not the number of rows
