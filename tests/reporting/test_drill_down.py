"""Every figure of the manager dashboard, the director overview and the evaluation opens the list of its lines, and
those lines add up to the figure; the figures download as CSV (French Excel) and XLSX with the issue's columns."""

import csv
import io
import re
from datetime import date
from html import unescape

from django.urls import reverse
from openpyxl import load_workbook

from reporting.dashboard import FIGURE_COLUMNS
from tests.clock import frozen
from tests.mediation.factories import InterventionFactory, QpvFactory, SiteFactory

TODAY = date(2026, 12, 2)
pytestmark = frozen(TODAY)

LINK = re.compile(r'<a href="(/[^"]*saisies/\?[^"]+)"[^>]*>([0-9\u202f]+)</a>')


def dataset(world):
    a, b = world.territory_a, world.territory_b
    lines = [
        # This month so far (1–2 December 2026)
        ("rule_reminder", a, world.site_a, date(2026, 12, 1), 4, 1, 0),
        ("referral", a, None, date(2026, 12, 2), 2, 1, 1),
        ("moral_support", b, None, date(2026, 12, 2), 3, 0, 0),
        # The same days of November, and a later November day that must NOT be compared
        ("rule_reminder", a, world.site_a, date(2026, 11, 2), 5, 0, 0),
        ("rule_reminder", a, None, date(2026, 11, 15), 40, 0, 0),
        # The same days last year, and the rest of December 2025 (left out)
        ("conflict_real_time", a, world.site_a, date(2025, 12, 1), 7, 0, 0),
        ("conflict_real_time", a, None, date(2025, 12, 20), 70, 0, 0),
        # Earlier this year, for the year to date and the evaluation
        ("round_table", b, None, date(2026, 3, 4), 6, 2, 3),
        ("referral", b, None, date(2025, 6, 1), 9, 4, 0),
    ]
    for code, territory, site, day, count, women, men in lines:
        InterventionFactory(
            activity_type__code=code, territory=territory, site=site, date=day, count=count, women=women, men=men
        )


def figure_links(html: str) -> list[tuple[str, int]]:
    return [(unescape(url), int(text.replace("\u202f", ""))) for url, text in LINK.findall(html)]


def assert_links_add_up(client, links, measure="acts"):
    assert links
    for url, figure in links:
        totals = client.get(url).context["totals"]
        value = totals["women"] + totals["men"] + totals["unknown"] if measure == "beneficiaries" else totals[measure]
        assert value == figure, url


def test_manager_dashboard_compares_the_same_days_and_every_figure_opens_its_lines(client, world):
    dataset(world)
    client.force_login(world.manager)
    html = client.get(reverse("reporting:team_dashboard"), {"period": "month"}).content.decode()
    assert "décembre 2026 au 02/12/2026" in html
    assert (
        "comparée à novembre 2026 (du 01/11/2026 au 02/11/2026) et à décembre 2025 (du 01/12/2025 au 02/12/2025)"
        in html
    )
    board = client.get(reverse("reporting:team_dashboard"), {"period": "month"}).context["board"]
    # Territory A only (the manager's team): 6 acts this month, 5 on 1–2 November, 7 on 1–2 December 2025.
    assert (board.totals.current_total, board.totals.previous_total, board.totals.last_year_total) == (6, 5, 7)
    by_site = {figure.label: figure for figure in next(b for b in board.breakdowns if b.code == "site").figures}
    assert (by_site["Santy"].current, by_site["Santy"].previous, by_site["Santy"].last_year) == (4, 5, 7)
    activities = {f.label: f.current for f in next(b for b in board.breakdowns if b.code == "activite").figures}
    assert activities["Rappel à la règle"] == 4 and activities["Mise en relation"] == 2
    links = figure_links(html)
    assert len(links) >= 10
    assert_links_add_up(client, links)


def test_director_overview_figures_and_year_to_date_open_their_lines(client, world):
    dataset(world)
    client.force_login(world.director)
    html = client.get(reverse("reporting:overview")).content.decode()
    assert "au 02/12/2026" in html
    assert (
        "(du 01/01/2026 au 02/12/2026), comparé aux mêmes dates de l'an dernier (du 01/01/2025 au 02/12/2025)" in html
    )
    links = figure_links(html)
    year_links = [link for link in links if "activities=" in link[0]]
    assert year_links, "the year-to-date figures are links"
    assert_links_add_up(client, links)


def test_evaluation_figures_open_their_lines(client, world):
    dataset(world)
    client.force_login(world.director)
    html = client.get(reverse("reporting:evaluation"), {"years": "2025-2026"}).content.decode()
    assert check_evaluation_links(client, html) >= 8


def check_evaluation_links(client, html: str) -> int:
    """Open every linked figure of an evaluation page and compare its lines' sum (of the row's measure) with it."""
    rows = re.findall(r'<tr class="[^"]*" data-code="([^"]+)"[^>]*>(.*?)</tr>', html, re.S)
    checked = 0
    for code, row in rows:
        links = figure_links(row)
        if not links:
            continue
        measure = "acts"
        if code.endswith("beneficiaries"):
            measure = "beneficiaries"
        elif code.endswith(".women"):
            measure = "women"
        elif code.endswith(".men"):
            measure = "men"
        assert_links_add_up(client, links, measure)
        checked += len(links)
    return checked


def test_evaluation_marks_the_unfinished_year_and_leaves_it_out_of_the_trend(client, world):
    dataset(world)
    client.force_login(world.director)
    response = client.get(reverse("reporting:evaluation"), {"years": "2024-2026"})
    html = response.content.decode()
    assert "au 02/12/2026" in html and "2024 → 2025" in html
    assert "L'année 2026 n'est pas terminée" in html
    referrals = next(
        row
        for section in response.context["sections"]
        for row in section["rows"]
        if row.code == "partnership.referrals"
    )
    assert referrals.values == [0, 9, 2]
    assert referrals.trend is None  # 2024 → 2025 from 0: no percentage; 2026 is not compared at all


def test_dashboard_figures_download_as_csv_for_french_excel_and_xlsx(client, world):
    dataset(world)
    client.force_login(world.manager)
    response = client.get(reverse("reporting:team_dashboard_figures", args=["csv"]), {"period": "month"})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == FIGURE_COLUMNS
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["mission.total"][1:] == [
        "Par mission : total",
        "2026-12-01",
        "2026-12-02",
        "6",
        "2026-11-01",
        "2026-11-02",
        "5",
    ]
    assert by_code["mission.total.n-1"][5:] == ["2025-12-01", "2025-12-02", "7"]
    assert by_code["activite.rule_reminder"][4] == "4"

    client.force_login(world.director)
    response = client.get(reverse("reporting:overview_figures", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == FIGURE_COLUMNS
    year_row = next(row for row in values if row[0] == "annee.conflict.interventions")
    assert year_row[4] == 6  # the round table of March 2026
    assert "Interventions de gestion de conflits" in year_row[1]


def test_open_items_are_links_and_a_long_list_says_how_many_with_a_link_to_all(client, world):
    from tests.mediation.factories import TechnicalReportFactory

    for index in range(10):
        TechnicalReportFactory(
            landlord=world.landlord,
            territory=world.territory_a,
            place=f"Allée {index}",
            problem="Porte cassée",
            reported_on=TODAY,
        )
    client.force_login(world.manager)
    html = client.get(reverse("reporting:team_dashboard")).content.decode()
    block = html[html.index('id="open-technical"') :]
    block = block[: block.index("</div>\n    </div>")]
    assert len(re.findall(r'<a href="/[^"]*veille-technique/\d+/">', block)) == 8
    assert "8 affichés sur 10" in block and "voir tout" in block


def qpv_dataset(world):
    """Santy is in a quartier prioritaire and the whole of Lyon 9 is one: a line without a site takes its
    territory's QPV."""
    world.site_a.qpv = QpvFactory(code="QN06901M", name="Santy-Plateau")
    world.site_a.save()
    world.territory_b.qpv = QpvFactory(code="QN06902M", name="Duchère")
    world.territory_b.save()
    dataset(world)


def breakdown(board, code):
    return {figure.key: figure for figure in next(b for b in board.breakdowns if b.code == code).figures}


def test_manager_dashboard_splits_activity_in_and_outside_qpv_and_each_part_opens_its_lines(client, world):
    qpv_dataset(world)
    client.force_login(world.manager)
    response = client.get(reverse("reporting:team_dashboard"), {"period": "month"})
    qpv = breakdown(response.context["board"], "qpv")
    # Lyon 8 only: 4 acts at Santy (QPV), 2 without a site in Lyon 8 (not a QPV).
    assert (qpv["in"].current, qpv["in"].previous, qpv["in"].last_year) == (4, 5, 7)
    assert (qpv["out"].current, qpv["out"].previous, qpv["out"].last_year) == (2, 0, 0)
    html = response.content.decode()
    block = html[html.index('id="breakdown-qpv"') :]
    block = block[: block.index("</section>")]
    assert "En quartier prioritaire" in block and "Hors quartier prioritaire" in block
    links = figure_links(block)
    assert [figure for _url, figure in links] == [4, 5, 7, 2]
    assert all("qpv=" in url for url, _figure in links)
    assert_links_add_up(client, links)


def test_director_overview_splits_activity_in_and_outside_qpv(client, world):
    qpv_dataset(world)
    client.force_login(world.director)
    response = client.get(reverse("reporting:overview"), {"period": "month"})
    qpv = breakdown(response.context["board"], "qpv")
    # Every territory: Santy (4) and the line without a site in Lyon 9, a QPV territory (3); outside: 2.
    assert (qpv["in"].current, qpv["out"].current) == (7, 2)
    assert qpv["in"].current + qpv["out"].current == response.context["board"].totals.current_total
    assert_links_add_up(client, figure_links(response.content.decode()))
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("reporting:overview_figures", args=["csv"])).content.decode().lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["qpv.in"][1] == "Politique de la ville : En quartier prioritaire" and by_code["qpv.in"][4] == "7"
    assert by_code["qpv.out"][4] == "2"


def test_rows_without_a_mediator_or_a_site_open_their_lines(client, world):
    dataset(world)
    InterventionFactory(
        activity_type__code="rule_reminder",
        territory=world.territory_a,
        team=world.team_a,
        author=None,
        date=date(2026, 12, 1),
        count=8,
    )
    client.force_login(world.manager)
    response = client.get(reverse("reporting:team_dashboard"), {"period": "month"})
    html = response.content.decode()
    board = response.context["board"]
    without_site = breakdown(board, "site")["sans-site"]
    assert without_site.label == "Sans site précisé" and without_site.current == 10
    row = next(row for row in board.rows if row.key is None)
    assert row.label == "Sans médiateur" and row.current_total == 8
    urls = {url: figure for url, figure in figure_links(html)}
    site_links = [(url, figure) for url, figure in urls.items() if "site=aucun" in url]
    mediator_links = [(url, figure) for url, figure in urls.items() if "mediator=aucun" in url]
    assert (10 in [f for _u, f in site_links]) and (8 in [f for _u, f in mediator_links])
    assert_links_add_up(client, site_links + mediator_links)
    # The list says what the filter is, in French.
    page = client.get(reverse("mediation:team_interventions"), {"site": "aucun", "mediator": "aucun"})
    assert page.context["totals"]["acts"] == 8
    assert "Aucun site précisé" in page.content.decode() and "Aucun médiateur" in page.content.decode()


def test_dashboard_query_count_does_not_grow_with_sites_and_qpvs(world, django_assert_num_queries):
    from reporting.dashboard import build_dashboard

    def run():
        return build_dashboard(user=world.director, kind="month", anchor=TODAY, group="team", today=TODAY)

    qpv_dataset(world)
    # The three periods (QPV split included) in one aggregate, the trend (two roll-ups), the open-item lists.
    with django_assert_num_queries(6):
        run()
    for index in range(6):
        site = SiteFactory(territory=world.territory_b, name=f"Site {index}", qpv=QpvFactory())
        InterventionFactory(activity_type__code="referral", territory=world.territory_b, site=site, date=TODAY)
    with django_assert_num_queries(6):
        board = run()
    assert breakdown(board, "qpv")["in"].current == 13


def test_evaluation_hours_figures_open_their_lines_and_the_list_shows_the_duration(client, world):
    from reporting.models import IndicatorDefinition

    training = world.activity("training")
    hours = IndicatorDefinition.objects.create(
        code="local.training_hours", label="Heures de formation", section="other", measure="hours", in_evaluation=True
    )
    hours.activity_types.set([training])
    for day, minutes, territory in (
        (date(2025, 3, 4), 95, world.territory_a),
        (date(2025, 9, 1), 70, world.territory_b),
    ):
        InterventionFactory(activity_type=training, territory=territory, date=day, duration_minutes=minutes)
    client.force_login(world.director)
    html = client.get(reverse("reporting:evaluation"), {"years": "2025"}).content.decode()
    row = re.search(r'<tr class="[^"]*" data-code="local.training_hours"[^>]*>(.*?)</tr>', html, re.S).group(1)
    [(url, figure)] = figure_links(row)
    assert figure == 3  # 165 minutes, 2 h 45 → 3 h
    page = client.get(url)
    assert page.context["totals"]["minutes"] == 165 and round(165 / 60) == figure
    assert "2 h 45" in page.content.decode()
    territory_rows = re.findall(
        r'<tr class="territory-row" data-code="local.training_hours"[^>]*>(.*?)</tr>', html, re.S
    )
    checked = 0
    for cells in territory_rows:
        for url, figure in figure_links(cells):
            assert round(client.get(url).context["totals"]["minutes"] / 60) == figure
            checked += 1
    assert checked == 2  # 95 min → 2 h in Lyon 8, 70 min → 1 h in Lyon 9


def test_service_project_partner_and_hours_figures_open_their_lines(client, world):
    from partners.models import EventKind
    from reporting.models import ServiceProject
    from tests.partners.factories import PartnerEventFactory, make_convention

    project = ServiceProject.objects.get(start_year=2017)
    convention = make_convention(world, signed_on=date(2016, 5, 15))
    for day, kind in (
        (date(2018, 2, 1), EventKind.PRESENTATION),
        (date(2018, 6, 1), EventKind.IMMERSION),
        (date(2018, 7, 1), EventKind.MEETING),  # another indicator's kind: left out
        (date(2019, 1, 5), EventKind.PRESENTATION),  # another year
    ):
        extra = {"immersion_direction": "at_partner"} if kind == EventKind.IMMERSION else {}
        PartnerEventFactory(convention=convention, kind=kind, date=day, **extra)
    training = world.activity("training")
    InterventionFactory(
        activity_type=training, territory=world.territory_a, date=date(2018, 3, 1), duration_minutes=150
    )
    client.force_login(world.director)
    html = client.get(reverse("reporting:project_detail", args=[project.pk])).content.decode()
    links = [(unescape(url), text) for url, text in re.findall(r'<a href="([^"]+)" data-lines>([^<]+)</a>', html)]
    events = [(url, text) for url, text in links if url.startswith(reverse("partners:event_list"))]
    presentations = [(url, text) for url, text in events if "presentation" in url and "immersion" in url]
    assert sorted(text for _url, text in presentations) == ["1", "2"]
    for url, text in presentations:
        page = client.get(url)
        assert page.context["total"] == int(text) == len(page.context["page"].object_list)
        assert {event.kind for event in page.context["page"]} <= {EventKind.PRESENTATION, EventKind.IMMERSION}
    [(url, text)] = [(url, text) for url, text in links if "activities=training" in url]
    assert round(client.get(url).context["totals"]["minutes"] / 60) == 2 == int(text.split()[0])  # 2 h 30 → 2


def test_evaluation_limited_to_qpv_links_to_the_same_qpv_lines(client, world):
    qpv_dataset(world)
    client.force_login(world.director)
    for where in ("in", "out"):
        html = client.get(reverse("reporting:evaluation"), {"years": "2025-2026", "qpv": where}).content.decode()
        links = figure_links(html)
        assert links and all(f"qpv={where}" in url for url, _figure in links)
        assert check_evaluation_links(client, html) == len(links)


def test_follow_up_figures_stay_without_a_link_for_the_direction(client, world):
    from tests.mediation.factories import FollowUpFactory

    FollowUpFactory(person__territory=world.territory_a, started_on=date(2025, 2, 1), kind="young_adult")
    client.force_login(world.director)
    html = client.get(reverse("reporting:evaluation"), {"years": "2025"}).content.decode()
    row = re.search(r'<tr class="[^"]*" data-code="partnership.youth_followups"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert ">1<" in row and "<a " not in row
    assert client.get(reverse("mediation:followup_list")).status_code == 403


def test_manager_dashboard_counts_persons_followed_and_opens_the_follow_ups_behind_them(
    client, world, django_assert_num_queries
):
    from mediation.models import FollowUpKind
    from reporting.dashboard import build_dashboard
    from tests.mediation.factories import FollowUpFactory, PersonFactory

    person = PersonFactory(territory=world.territory_a, team=world.team_a)
    young = FollowUpKind.YOUNG_ADULT
    for started, ended, kind, who in (
        (date(2026, 11, 20), None, young, person),  # active on 1–2 December
        (date(2026, 6, 1), date(2026, 12, 1), young, person),  # the same person again: counted once
        (date(2026, 3, 1), date(2026, 11, 30), young, None),  # ended before 1 December: November only
        (date(2025, 11, 1), None, FollowUpKind.ISOLATED, None),  # still active, and active last year
    ):
        FollowUpFactory(
            person=who or PersonFactory(territory=world.territory_a, team=world.team_a),
            team=world.team_a,
            territory=world.territory_a,
            mediator=world.mediator,
            kind=kind,
            started_on=started,
            ended_on=ended,
        )
    FollowUpFactory(person__territory=world.territory_b, started_on=date(2026, 1, 1), kind=young)  # team B
    client.force_login(world.manager)
    response = client.get(reverse("reporting:team_dashboard"), {"period": "month"})
    followed = breakdown(response.context["board"], "suivis")
    assert (followed[young].current, followed[young].previous, followed[young].last_year) == (1, 2, 0)
    isolated = followed[FollowUpKind.ISOLATED]
    assert (isolated.current, isolated.previous, isolated.last_year) == (1, 1, 1)
    html = response.content.decode()
    block = html[html.index('id="breakdown-suivis"') :]
    block = block[: block.index("</section>")]
    links = re.findall(r'<a href="(/[^"]*suivis/\?[^"]+)"[^>]*>(\d+)</a>', block)
    assert len(links) == 5
    for url, figure in links:
        page = client.get(unescape(url))
        assert page.context["persons"] == int(figure), url
        assert "personne distincte" in page.content.decode() or "personnes distinctes" in page.content.decode()

    def run():
        return build_dashboard(
            user=world.manager, kind="month", anchor=TODAY, group="mediator", teams=[world.team_a], today=TODAY
        )

    run()  # the manager's teams are read once
    # The three periods, the follow-ups, the trend (two roll-ups), four open-item lists (referrals included).
    with django_assert_num_queries(8):
        run()
    for _index in range(5):
        FollowUpFactory(person__territory=world.territory_a, team=world.team_a, started_on=date(2026, 12, 1))
    with django_assert_num_queries(8):
        board = run()
    assert breakdown(board, "suivis")[young].current == 6
