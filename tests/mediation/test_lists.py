"""Lists of lines: my entries, my team's entries; filters, totals of the filtered set, pagination, scoping."""

from datetime import date, timedelta

import factory
import pytest
from django.urls import reverse

from mediation.models import Intervention
from tests.mediation.factories import ActivityTypeFactory, RecordedInterventionFactory, TerritoryFactory


class LineFactory(RecordedInterventionFactory):
    """This module's lines: active listening on 2 November 2026 in L8, recorded by team A's mediator."""

    date = date(2026, 11, 2)
    territory = factory.SubFactory(TerritoryFactory, code="L8")
    activity_type = factory.SubFactory(ActivityTypeFactory, code="active_listening")


def bulk_lines(world, n, *, author=None):
    """n lines at once (the service is exercised elsewhere; here only the list's query count matters)."""
    author = author or world.mediator
    Intervention.objects.bulk_create(
        Intervention(
            date=date(2026, 10, 1) + timedelta(days=i % 30),
            territory=world.territory_a,
            site=world.site_a if i % 2 else None,
            author=author,
            team=world.team_a,
            activity_type=world.activity("rule_reminder" if i % 3 else "active_listening"),
            count=1 + i % 4,
            women=i % 2,
            men=1,
        )
        for i in range(n)
    )


def test_my_list_shows_only_my_lines_with_totals(client, world):
    LineFactory(count=3, women=1, men=2)
    LineFactory(activity_type__code="rule_reminder", count=2, unknown=4)
    LineFactory(author=world.manager, count=7)  # same team, another author
    LineFactory(author=world.mediator_other_team, territory=world.territory_b, count=9)
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:my_interventions"), {"periode": "all"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    assert response.context["totals"] == {"lines": 2, "acts": 5, "women": 1, "men": 2, "unknown": 4, "minutes": 0}
    assert "mediator" not in response.context["form"].fields  # it is me


def test_team_list_scoping(client, world):
    LineFactory(count=3)
    LineFactory(author=world.manager, count=7)
    LineFactory(author=world.mediator_other_team, territory=world.territory_b, count=9)
    client.force_login(world.manager)
    response = client.get(reverse("mediation:team_interventions"))
    assert response.context["totals"]["acts"] == 10  # team A only
    client.force_login(world.manager_other_team)
    assert client.get(reverse("mediation:team_interventions")).context["totals"]["acts"] == 9
    client.force_login(world.director)
    assert client.get(reverse("mediation:team_interventions")).context["totals"]["acts"] == 19
    client.force_login(world.mediator)
    assert client.get(reverse("mediation:team_interventions")).status_code == 403


def test_filters_apply_to_rows_and_totals(client, world):
    LineFactory(date=date(2026, 10, 30), count=1)
    LineFactory(date=date(2026, 11, 2), site=world.site_a, count=2)
    LineFactory(date=date(2026, 11, 3), activity_type__code="rule_reminder", count=4)
    LineFactory(author=world.manager, date=date(2026, 11, 2), count=8)
    client.force_login(world.manager)
    url = reverse("mediation:team_interventions")
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    assert client.get(url, period).context["totals"]["acts"] == 14
    assert client.get(url, {**period, "site": world.site_a.pk}).context["totals"]["acts"] == 2
    activity = world.activity("rule_reminder").pk
    assert client.get(url, {**period, "activity": activity}).context["totals"]["acts"] == 4
    assert client.get(url, {**period, "mediator": world.manager.pk}).context["totals"]["acts"] == 8
    assert client.get(url, {"territory": world.territory_a.pk}).context["totals"]["acts"] == 15


def test_bad_period_is_explained_in_french(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("mediation:team_interventions"), {"start": "2026-11-10", "end": "2026-11-01"})
    assert response.context["form"].errors["end"] == ["La fin de période précède le début."]


def test_other_team_filter_values_are_refused(client, world):
    LineFactory(author=world.mediator_other_team, territory=world.territory_b, count=9)
    client.force_login(world.manager)
    response = client.get(reverse("mediation:team_interventions"), {"territory": world.territory_b.pk})
    assert "territory" in response.context["form"].errors
    assert response.context["totals"]["acts"] == 0


def test_pagination_by_50_keeps_filters_and_totals_cover_every_page(client, world):
    bulk_lines(world, 60)
    client.force_login(world.mediator)
    url = reverse("mediation:my_interventions")
    first = client.get(url, {"start": "2026-10-01"})
    assert len(first.context["rows"]) == 50
    assert first.context["totals"]["lines"] == 60
    assert "?start=2026-10-01&amp;page=2" in first.content.decode()
    second = client.get(url, {"start": "2026-10-01", "page": 2})
    assert len(second.context["rows"]) == 10


def test_edit_links_only_where_allowed(client, world):
    mine = LineFactory()
    theirs = LineFactory(author=world.manager)
    client.force_login(world.manager)
    rows = {
        row["line"].pk: row["editable"] for row in client.get(reverse("mediation:team_interventions")).context["rows"]
    }
    assert rows == {mine.pk: True, theirs.pk: True}  # the manager corrects the team's lines
    client.force_login(world.director)
    rows = {
        row["line"].pk: row["editable"] for row in client.get(reverse("mediation:team_interventions")).context["rows"]
    }
    assert rows == {mine.pk: False, theirs.pk: False}


@pytest.mark.parametrize("rows", [5, 60])
def test_my_list_query_count_does_not_grow(client, world, django_assert_num_queries, rows):
    bulk_lines(world, rows)
    client.force_login(world.mediator)
    url = reverse("mediation:my_interventions")
    activity = world.activity("rule_reminder").pk
    # Session and user (2), team ids (1), the activity filter's value (1), totals (1), page rows (1), the page's
    # validated days (2 in a fresh process: the reference data's token and the recent validations; the token alone
    # once the worker holds them), the filter form's choices (territories, sites, activities: 3), session save (3).
    with django_assert_num_queries(14):
        client.get(url, {"activity": activity})


@pytest.mark.parametrize("rows", [5, 60])
def test_team_list_query_count_does_not_grow(client, world, django_assert_num_queries, rows):
    bulk_lines(world, rows)
    bulk_lines(world, rows, author=world.manager)
    client.force_login(world.manager)
    # Same as above without the activity filter, plus the mediator and the team choices.
    with django_assert_num_queries(13):
        client.get(reverse("mediation:team_interventions"))


def test_export_link_carries_the_filters_and_gives_the_same_lines(client, world):
    import csv
    import io
    from html import unescape

    LineFactory(date=date(2026, 10, 30), count=1)
    LineFactory(date=date(2026, 11, 3), activity_type__code="rule_reminder", count=4)
    LineFactory(author=world.mediator_other_team, territory=world.territory_b, date=date(2026, 11, 3), count=9)
    client.force_login(world.manager)
    html = client.get(reverse("mediation:team_interventions"), {"start": "2026-11-01", "page": "1"}).content.decode()
    start = html.index('data-export="csv"')
    href = unescape(html[html.rindex('href="', 0, start) + 6 : html.index('"', html.rindex('href="', 0, start) + 6)])
    assert "start=2026-11-01" in href and "page=" not in href
    response = client.get(href)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [(row["Activité"], row["Actes"]) for row in rows] == [("Rappel à la règle", "4")]


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("start", "hier", "Saisissez une date valide."),
        ("end", "2026-02-30", "Saisissez une date valide."),
        ("territory", "abc", "Sélectionnez un choix valide."),
        ("site", "999999", "Sélectionnez un choix valide."),
        ("activity", "x", "Sélectionnez un choix valide."),
        ("mediator", "-1", "Sélectionnez un choix valide."),
    ],
)
def test_an_unreadable_filter_is_refused_in_french_and_the_others_still_apply(client, world, name, value, message):
    LineFactory(date=date(2026, 11, 2), count=3)
    LineFactory(date=date(2026, 10, 2), count=5)
    client.force_login(world.manager)
    params = {"start": "2026-11-01", name: value} if name != "start" else {name: value, "end": "2026-10-31"}
    response = client.get(reverse("mediation:team_interventions"), params)
    assert response.status_code == 200
    errors = response.context["form"].errors[name]
    assert errors and errors[0].startswith(message)
    assert response.context["totals"]["acts"] == (5 if name == "start" else 3)
    export = client.get(reverse("mediation:intervention_export"), {**params, "format": "csv"})
    assert export.status_code == 200
    assert len(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()) == 2  # header and one line


@pytest.mark.parametrize("url_name", ["mediation:team_interventions", "mediation:my_interventions"])
def test_each_line_is_rendered_once_with_its_edit_link(client, world, url_name):
    """One rendering per line (a table whose rows become cards on a phone), not a card list plus a table."""
    bulk_lines(world, 60)
    client.force_login(world.manager if url_name == "mediation:team_interventions" else world.mediator)
    response = client.get(reverse(url_name), {"start": "2026-10-01"})
    html = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == 50
    for row in rows:
        assert html.count(f'href="{row["line"].get_absolute_url()}"') == int(row["editable"])
        assert html.count(f'data-line="{row["line"].pk}"') == 1
    if url_name == "mediation:team_interventions":
        assert all(row["editable"] for row in rows)  # the manager corrects the team's lines
        assert html.count("<tr") == 51  # the header and one row per line
        assert '<th scope="col">Médiateur</th>' in html and 'data-label="Actes"' in html
