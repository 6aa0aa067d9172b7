"""QPV, funders and dispositifs, funder reports, adultes-relais summaries (issue 12, points 6-8)."""

import io
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from altm.models import AuditEntry
from mediation.models import Intervention
from partners.models import DispositifKind
from reporting.evaluation import build_evaluation
from reporting.funders import build_funder_report, build_post_summary
from reporting.indicators import ALL, EVALUATION_CODES
from reporting.models import FunderReportNote
from tests.clock import frozen
from tests.mediation.factories import FollowUpFactory, InterventionFactory, QpvFactory, SiteFactory
from tests.partners.factories import AdultRelayPostFactory, AttributionFactory, DispositifFactory, FunderFactory
from tests.reporting.dataset import build as load_dataset

pytestmark = frozen()


def line(world, code, day, *, territory=None, count=1, women=0, men=0, unknown=0, **extra):
    return InterventionFactory(
        activity_type=world.activity(code),
        territory=territory or world.territory_a,
        date=day,
        count=count,
        women=women,
        men=men,
        unknown=unknown,
        **extra,
    )


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- QPV ------------------------------------------------------------------------------------------------------


def test_a_line_is_in_qpv_by_its_site_or_else_by_its_whole_territory(world):
    mermoz = QpvFactory(code="QP069901", name="Mermoz")
    duchere = QpvFactory(code="QP069905", name="La Duchère")
    world.site_a.qpv = mermoz
    world.site_a.save()
    world.territory_b.qpv = duchere
    world.territory_b.save()
    outside_site = SiteFactory(territory=world.territory_a, name="Bachut")
    in_site = line(world, "presence", date(2025, 3, 1), site=world.site_a, count=4, women=2)
    in_territory = line(world, "presence", date(2025, 3, 1), territory=world.territory_b, count=3, men=1)
    outside = line(world, "presence", date(2025, 3, 1), site=outside_site, count=5, unknown=2)
    no_site = line(world, "presence", date(2025, 3, 1), count=1)

    assert set(Intervention.objects.in_qpv()) == {in_site, in_territory}
    assert set(Intervention.objects.in_qpv(False)) == {outside, no_site}


def test_funder_report_splits_acts_and_people_in_qpv_and_outside(world):
    mermoz = QpvFactory(code="QP069901", name="Mermoz")
    world.site_a.qpv = mermoz
    world.site_a.save()
    funder = FunderFactory(code="ville-lyon")
    AttributionFactory(dispositif__funder=funder, territory=world.territory_a)
    line(world, "rule_reminder", date(2025, 3, 1), site=world.site_a, count=4, women=2, men=1)
    line(world, "active_listening", date(2025, 4, 1), count=6, unknown=3)
    line(world, "rule_reminder", date(2025, 3, 1), territory=world.territory_b, count=50)  # not funded

    report = build_funder_report(funder, 2025)
    rows = {row.code: row for row in report.activity.qpv_rows}
    assert (rows["QP069901"].acts, rows["QP069901"].women, rows["QP069901"].men) == (4, 2, 1)
    assert (rows[""].acts, rows[""].unknown) == (6, 3)
    assert report.activity.qpv_acts == 4
    assert report.activity.acts == 10
    assert (report.activity.women, report.activity.men, report.activity.beneficiaries) == (2, 1, 6)


# --- Funder report = evaluation on the same scope --------------------------------------------------------------


@pytest.mark.parametrize("year", [2015, 2016])
def test_funder_report_totals_equal_the_evaluation_for_the_same_scope(world, year):
    load_dataset(world)
    FollowUpFactory(person__territory=world.territory_a, started_on=date(year, 2, 1))
    funder = FunderFactory(code="etat")
    AttributionFactory(dispositif__funder=funder, territory=world.territory_a)

    report = build_funder_report(funder, year)
    evaluation = build_evaluation(year, year, territory=world.territory_a)

    values = report.activity.evaluation
    for code in EVALUATION_CODES:
        assert values.value(code, ALL, year) == evaluation.value(code, ALL, year), code
        assert values.value(code, "L8", year) == evaluation.value(code, "L8", year), code
    assert any(evaluation.value(code, ALL, year) for code in EVALUATION_CODES)
    families = dict(report.activity.families)
    assert list(families.values()) == [values[0] for values in evaluation.family_totals().values()]


def test_a_team_site_and_dated_attribution_scope_the_report(world):
    funder = FunderFactory(code="metropole")
    dispositif = DispositifFactory(funder=funder, kind=DispositifKind.CLSPD)
    AttributionFactory(dispositif=dispositif, territory=None, team=world.team_b)
    AttributionFactory(dispositif=dispositif, territory=None, site=world.site_a, starts_on=date(2025, 7, 1))
    line(world, "rule_reminder", date(2025, 3, 1), territory=world.territory_b, count=2)  # team B: counted
    line(world, "rule_reminder", date(2025, 6, 30), site=world.site_a, count=100)  # before the site's start
    line(world, "rule_reminder", date(2025, 7, 1), site=world.site_a, count=5)  # counted
    line(world, "rule_reminder", date(2025, 8, 1), count=1000)  # territory A without the site: not funded

    report = build_funder_report(funder, 2025)
    assert report.activity.evaluation.value("conflict.rule_reminders", ALL, 2025) == 7
    # the same line attributed twice (team and site) is counted once
    AttributionFactory(dispositif=dispositif, territory=world.territory_a, starts_on=date(2025, 7, 1))
    report = build_funder_report(funder, 2025)
    assert report.activity.evaluation.value("conflict.rule_reminders", ALL, 2025) == 1007


def test_a_funder_without_anything_attributed_gets_a_short_report(world, tmp_path):
    funder = FunderFactory(code="vide", name="Fondation sans périmètre")
    line(world, "rule_reminder", date(2025, 3, 1), count=2)
    report = build_funder_report(funder, 2025)
    assert report.activity.is_empty
    client = Client()
    client.force_login(world.director)
    response = client.get("/bilans/financeurs/vide/2025/rapport.pdf")
    text = pdf_text(response.content, tmp_path)
    assert "Aucune activité enregistrée dans ce périmètre en 2025." in text
    assert "Indicateurs par secteur" not in text


def test_the_current_year_says_it_is_partial(world):
    funder = FunderFactory(code="ville")
    report = build_funder_report(funder, 2026)
    assert report.until == date(2026, 11, 26)
    assert build_funder_report(funder, 2025).until is None


# --- Page, downloads, highlights, command -----------------------------------------------------------------------


def test_director_types_highlights_that_every_format_shows(world, tmp_path, django_assert_max_num_queries):
    funder = FunderFactory(code="ville-lyon", name="Ville de Lyon")
    AttributionFactory(dispositif__funder=funder, territory=world.territory_a)
    line(world, "rule_reminder", date(2025, 3, 1), count=3, women=1)
    client = Client()
    client.force_login(world.director)
    url = "/bilans/financeurs/ville-lyon/2025/"
    response = client.post(url, {"highlights": "Forum emploi-jeunes au pied des immeubles."})
    assert response.status_code == 302
    client.post(url, {"highlights": "Forum emploi-jeunes au pied des immeubles."})  # double tap: one row
    note = FunderReportNote.objects.get()
    assert note.highlights == "Forum emploi-jeunes au pied des immeubles."
    assert AuditEntry.objects.filter(object_id=str(note.pk), content_type__model="funderreportnote").count() == 1

    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert "Forum emploi-jeunes" in page.content.decode()
    pdf = client.get(url + "rapport.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "Forum emploi-jeunes" in text and "Ville de Lyon" in text and "Rappels à la règle" in text
    workbook = load_workbook(io.BytesIO(client.get(url + "rapport.xlsx").content))
    cells = [cell for row in workbook["Rapport"].iter_rows(values_only=True) for cell in row if cell is not None]
    assert "Forum emploi-jeunes au pied des immeubles." in cells
    csv = client.get(url + "rapport.csv").content.decode("utf-8")
    assert csv.startswith("\ufeffindicateur;secteur_ou_qpv;valeur")
    assert "conflict.rule_reminders;ALL;3" in csv
    html = client.get(url + "rapport.html").content.decode()
    assert "<!doctype html>" in html and "Forum emploi-jeunes" in html


def test_highlights_too_long_are_refused_with_a_french_message(world):
    funder = FunderFactory(code="ville-lyon")
    client = Client()
    client.force_login(world.director)
    response = client.post("/bilans/financeurs/ville-lyon/2025/", {"highlights": "x" * 5001})
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 5000 caractères" in response.content.decode()
    assert not FunderReportNote.objects.filter(funder=funder).exists()


def test_unknown_funder_year_or_format_is_a_404(world):
    FunderFactory(code="ville-lyon")
    client = Client()
    client.force_login(world.director)
    assert client.get("/bilans/financeurs/inconnu/2025/").status_code == 404
    assert client.get("/bilans/financeurs/ville-lyon/1999/").status_code == 404
    assert client.get("/bilans/financeurs/ville-lyon/2025/rapport.doc").status_code == 404


def test_export_funder_report_command_writes_every_format(world, tmp_path):
    funder = FunderFactory(code="anct", name="État – ANCT")
    AttributionFactory(dispositif__funder=funder, territory=world.territory_a)
    line(world, "referral", date(2025, 5, 1), count=2, women=1, men=1)
    for fmt in ("html", "pdf", "xlsx", "csv"):
        path = tmp_path / f"anct.{fmt}"
        call_command("export_funder_report", funder="anct", year=2025, fmt=fmt, output=str(path), stderr=io.StringIO())
        assert path.stat().st_size > 0
    assert "partnership.referrals;ALL;2" in (tmp_path / "anct.csv").read_text(encoding="utf-8-sig")
    assert "Mises en relation" in pdf_text((tmp_path / "anct.pdf").read_bytes(), tmp_path)
    with pytest.raises(CommandError, match="Financeur inconnu : ville. Financeurs connus : anct."):
        call_command("export_funder_report", funder="ville", year=2025, fmt="csv", output="-")


# --- Adultes-relais posts ---------------------------------------------------------------------------------------


def test_post_summary_counts_the_holders_lines_during_the_contract(world, tmp_path):
    post = AdultRelayPostFactory(
        holder=world.mediator, contract_starts_on=date(2025, 3, 1), contract_ends_on=date(2028, 2, 29)
    )
    line(world, "active_listening", date(2025, 2, 28), count=100, author=world.mediator)  # before the contract
    line(world, "active_listening", date(2025, 3, 1), count=7, women=4, author=world.mediator)
    line(world, "active_listening", date(2025, 3, 1), count=1000, territory=world.territory_b)  # someone else
    FollowUpFactory(mediator=world.mediator, person__territory=world.territory_a, started_on=date(2025, 6, 1))

    summary = build_post_summary(post, 2025)
    assert summary.window == (date(2025, 3, 1), date(2025, 12, 31))
    assert summary.activity.evaluation.value("assistance.active_listening", ALL, 2025) == 7
    assert summary.activity.evaluation.value("partnership.youth_followups", ALL, 2025) == 1
    assert summary.activity.women == 4
    assert build_post_summary(post, 2024).activity is None

    client = Client()
    client.force_login(world.director)
    page = client.get(f"/bilans/adultes-relais/{post.pk}/2025/").content.decode()
    assert post.convention_reference in page and "01/03/2025" in page
    text = pdf_text(client.get(f"/bilans/adultes-relais/{post.pk}/2025.pdf").content, tmp_path)
    assert post.qpv.name in text and post.convention_reference in text
    listing = client.get("/bilans/financeurs/").content.decode()
    assert post.convention_reference in listing


def test_the_evaluation_splits_in_qpv_and_outside_and_the_two_add_up(world):
    build_dataset_in_qpv = QpvFactory(code="QP069905", name="La Duchère")
    world.territory_b.qpv = build_dataset_in_qpv  # all of L9 is a QPV; L8 only on its site Santy
    world.territory_b.save()
    world.site_a.qpv = QpvFactory(code="QP069902", name="Santy")
    world.site_a.save()
    load_dataset(world)
    line(world, "rule_reminder", date(2015, 5, 5), site=world.site_a, count=11)
    FollowUpFactory(person__territory=world.territory_b, started_on=date(2015, 2, 1))

    whole = build_evaluation(2015, 2016)
    inside = build_evaluation(2015, 2016, qpv=True)
    outside = build_evaluation(2015, 2016, qpv=False)
    for code in EVALUATION_CODES:
        for year in (2015, 2016):
            assert inside.value(code, ALL, year) + outside.value(code, ALL, year) == whole.value(code, ALL, year)
    assert inside.value("conflict.rule_reminders", ALL, 2015) == 7 + 11  # L9's line, and the one on Santy
    assert inside.value("partnership.youth_followups", ALL, 2015) == 1
    assert inside.scope_label == "Toute l'agence · en quartier prioritaire"

    client = Client()
    client.force_login(world.director)
    page = client.get("/bilans/evaluation/?years=2015-2016&qpv=out").content.decode()
    assert "hors quartier prioritaire" in page
    export = client.get("/bilans/evaluation/export.csv?years=2015-2016&qpv=in")
    assert export["Content-Disposition"] == 'attachment; filename="evaluation-2015-2016-qpv.csv"'
    assert client.get("/bilans/evaluation/?years=2015&qpv=nimporte").status_code == 200
