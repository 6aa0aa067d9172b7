import csv
import io
import subprocess
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from altm.models import AuditEntry
from mediation import services
from mediation.models import Intervention, TechnicalReport, TechnicalReportStatus
from tests.clock import frozen
from tests.mediation.factories import LandlordFactory, SiteFactory

pytestmark = frozen()

MONDAY = date(2026, 11, 16)  # week 2026-W47
WEEK = "2026-W47"


def report(world, *, site=None, place="Allée 3", reported_on=MONDAY, actor=None, territory=None, **extra):
    created, _ = services.record_technical_report(
        actor=actor or world.mediator,
        territory=territory or world.territory_a,
        site=site if site is not None else world.site_a,
        place=place,
        problem=extra.pop("problem", "Éclairage du hall hors service"),
        reported_on=reported_on,
        **extra,
    )
    return created


def test_create_page_takes_the_landlord_from_the_site_and_records_one_transmission_line(world, client):
    client.force_login(world.mediator)
    data = {
        "uuid": str(uuid.uuid4()),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "landlord": "",
        "place": "12 rue Santy, hall B",
        "equipment": "Porte de hall",
        "problem": "Porte bloquée ouverte, vitre brisée",
        "is_danger": "on",
        "reported_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("mediation:technical_create"), data)
    created = TechnicalReport.objects.get()
    assert response["Location"] == created.get_absolute_url()
    # A danger goes to the landlord (who has an address) at once: the report is transmitted that day.
    assert (created.landlord, created.team, created.status, created.is_danger, created.transmitted_on) == (
        world.landlord,
        world.team_a,
        "transmitted",
        True,
        timezone.localdate(),
    )
    client.post(reverse("mediation:technical_create"), data)  # double submit
    assert TechnicalReport.objects.count() == 1
    line = Intervention.objects.get()
    assert (line.activity_type.code, line.landlord, line.site) == ("tw_transmission", world.landlord, world.site_a)
    assert created.intervention == line


def test_a_site_without_landlord_needs_one_chosen(world):
    with pytest.raises(ValidationError) as exc:
        report(world, site=world.site_b, territory=world.territory_b, actor=world.mediator_other_team)
    assert exc.value.message_dict["landlord"] == ["Choisissez le bailleur destinataire du signalement."]
    assert Intervention.objects.count() == 0


def test_status_goes_open_transmitted_resolved_with_dates_each_audited(world, client):
    item = report(world)
    client.force_login(world.mediator)
    url = reverse("mediation:technical_detail", args=[item.pk])
    response = client.post(url, {"action": "advance", "status": "resolved", "on": "2026-11-17"})
    assert response.context["advance_form"].errors["status"] == [
        "Un signalement « Ouvert » ne peut pas passer à « Résolu »."
    ]
    response = client.post(url, {"action": "advance", "status": "transmitted", "on": "2026-11-10"})
    assert response.context["advance_form"].errors["on"] == ["La date ne peut pas précéder le constat (16/11/2026)."]
    client.post(url, {"action": "advance", "status": "transmitted", "on": "2026-11-17"})
    item.refresh_from_db()
    assert (item.status, item.transmitted_on) == ("transmitted", date(2026, 11, 17))
    client.post(url, {"action": "advance", "status": "resolved", "on": "2026-11-20"})
    item.refresh_from_db()
    assert (item.status, item.transmitted_on, item.resolved_on) == ("resolved", date(2026, 11, 17), date(2026, 11, 20))
    with pytest.raises(ValidationError):
        services.advance_technical_report(actor=world.mediator, report=item, status="transmitted", on=MONDAY)
    history = client.get(url).context["history"]
    assert [[(c["field"], c["after"]) for c in row["changes"]] for row in history] == [
        [("Statut", "Transmis au bailleur"), ("Transmis le", "17/11/2026")],
        [("Statut", "Résolu"), ("Résolu le", "20/11/2026")],
    ]
    updates = AuditEntry.objects.for_object(item).filter(action="update").order_by("id")
    assert [(e.before["status"], e.after["status"]) for e in updates] == [
        ("open", "transmitted"),
        ("transmitted", "resolved"),
    ]


def test_securing_and_intervention_are_logged_once_as_lines(world, client):
    item = report(world)
    client.force_login(world.manager)
    url = reverse("mediation:technical_detail", args=[item.pk])
    data = {"action": "line", "uuid": str(uuid.uuid4()), "code": "tw_securing", "date": "2026-11-16", "note": "Balisé"}
    client.post(url, data)
    client.post(url, data)
    client.post(url, data | {"uuid": str(uuid.uuid4()), "code": "tw_intervention"})
    codes = sorted(item.actions.values_list("activity_type__code", flat=True))
    assert codes == ["tw_intervention", "tw_securing"]
    assert Intervention.objects.count() == 3  # transmission + securing + intervention


def test_director_reads_but_cannot_change_and_other_team_gets_404(world, client):
    item = report(world)
    url = reverse("mediation:technical_detail", args=[item.pk])
    client.force_login(world.director)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "advance", "status": "transmitted", "on": "2026-11-17"}).status_code == 404
    client.force_login(world.mediator_other_team)
    assert client.get(url).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_list_shows_open_first_and_filters_by_landlord_and_status(world, client):
    other = LandlordFactory(name="LMH", full_name="Lyon Métropole Habitat")
    resolved = report(world, place="Résolu")
    services.advance_technical_report(actor=world.mediator, report=resolved, status="transmitted", on=MONDAY)
    services.advance_technical_report(actor=world.mediator, report=resolved, status="resolved", on=MONDAY)
    report(world, place="Ouvert ancien", reported_on=MONDAY - timedelta(days=20))
    transmitted = report(world, place="Transmis", landlord=other)
    services.advance_technical_report(actor=world.mediator, report=transmitted, status="transmitted", on=MONDAY)
    client.force_login(world.mediator)
    url = reverse("mediation:technical_list")
    assert [r.place for r in client.get(url).context["page"]] == ["Ouvert ancien", "Transmis", "Résolu"]
    assert [r.place for r in client.get(url, {"landlord": other.pk}).context["page"]] == ["Transmis"]
    assert [r.place for r in client.get(url, {"status": "resolved"}).context["page"]] == ["Résolu"]


@pytest.fixture
def week_reports(world):
    """Reports of GLH around week 2026-W47, in every status, plus some that must stay out of the synthesis."""
    albert = SiteFactory(territory=world.territory_a, name="Albert Laurent", landlord=world.landlord)
    items = {
        "new_open": report(world, place="Hall A, nouveau", reported_on=MONDAY + timedelta(days=1), is_danger=True),
        "old_transmitted": report(
            world, place="Parking, ancien", site=albert, reported_on=MONDAY - timedelta(days=30)
        ),
        "resolved_in_week": report(world, place="Ascenseur, réparé", reported_on=MONDAY - timedelta(days=5)),
        "resolved_before": report(world, place="Résolu avant", reported_on=MONDAY - timedelta(days=40)),
        "after_week": report(world, place="Semaine suivante", reported_on=MONDAY + timedelta(days=8)),
        "other_team": report(
            world,
            place="Autre équipe",
            site=SiteFactory(territory=world.territory_b, name="Le Château", landlord=world.landlord),
            territory=world.territory_b,
            actor=world.mediator_other_team,
        ),
    }
    advance = services.advance_technical_report
    advance(
        actor=world.mediator, report=items["old_transmitted"], status="transmitted", on=MONDAY - timedelta(days=29)
    )
    advance(
        actor=world.mediator, report=items["resolved_in_week"], status="transmitted", on=MONDAY - timedelta(days=4)
    )
    advance(actor=world.mediator, report=items["resolved_in_week"], status="resolved", on=MONDAY + timedelta(days=2))
    advance(
        actor=world.mediator, report=items["resolved_before"], status="transmitted", on=MONDAY - timedelta(days=39)
    )
    advance(actor=world.mediator, report=items["resolved_before"], status="resolved", on=MONDAY - timedelta(days=38))
    return items


IN_WEEK = ["Hall A, nouveau", "Parking, ancien", "Ascenseur, réparé"]


def synthesis_url(world, fmt=""):
    query = f"?landlord={world.landlord.pk}&week={WEEK}" + (f"&format={fmt}" if fmt else "")
    return reverse("mediation:technical_synthesis") + query


def test_weekly_synthesis_html_csv_pdf_list_the_same_reports(world, client, week_reports, tmp_path):
    client.force_login(world.manager)
    response = client.get(synthesis_url(world))
    synthesis = response.context["synthesis"]
    assert sorted(row.report.place for row in synthesis.rows) == sorted(IN_WEEK)
    assert (synthesis.new_count, synthesis.pending_count, synthesis.resolved_count, synthesis.danger_count) == (
        1,
        2,
        1,
        1,
    )
    html = response.content.decode()
    assert "du lundi 16 novembre 2026 au dimanche 22 novembre 2026" in html
    for place in IN_WEEK:
        assert place in html
    for place in ("Résolu avant", "Semaine suivante", "Autre équipe"):
        assert place not in html

    response = client.get(synthesis_url(world, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["N°", "Secteur", "Site", "Lieu"]
    assert sorted(row[3] for row in rows[1:]) == sorted(IN_WEEK)
    by_place = {row[3]: row for row in rows[1:]}
    assert by_place["Ascenseur, réparé"][7:] == ["Résolu", "11/11/2026", "12/11/2026", "18/11/2026", ""]
    assert by_place["Hall A, nouveau"][6:8] == ["oui", "Ouvert"]

    response = client.get(synthesis_url(world, "pdf"))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "synthese.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())  # table cells wrap over several lines
    assert "Grand Lyon Habitat" in text and "synthèse hebdomadaire" in text
    assert "Semaine 2026-W47" in text and "Page 1 sur 1" in text
    for place in IN_WEEK:
        assert place in text
    for place in ("Résolu avant", "Semaine suivante", "Autre équipe"):
        assert place not in text


def test_status_in_a_past_week_is_the_status_at_the_end_of_that_week(world, client, week_reports):
    client.force_login(world.director)
    response = client.get(
        reverse("mediation:technical_synthesis"), {"landlord": world.landlord.pk, "week": "2026-W46"}
    )
    rows = {row.report.place: row for row in response.context["synthesis"].rows}
    assert rows["Ascenseur, réparé"].status == TechnicalReportStatus.TRANSMITTED
    assert rows["Ascenseur, réparé"].resolved_on is None
    assert "Autre équipe" not in rows  # reported after week 46


def test_director_synthesis_covers_every_team(world, client, week_reports):
    client.force_login(world.director)
    places = [row.report.place for row in client.get(synthesis_url(world)).context["synthesis"].rows]
    assert sorted(places) == sorted([*IN_WEEK, "Autre équipe"])


def test_bad_week_is_explained_in_french(world, client):
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:technical_synthesis"), {"week": "2026-W60", "format": "pdf"})
    assert response.status_code == 400
    assert "Semaine invalide : attendu AAAA-Wss, par exemple 2026-W48." in response.content.decode()


def test_without_landlord_the_page_lists_each_landlords_week(world, client, week_reports):
    client.force_login(world.manager)
    response = client.get(reverse("mediation:technical_synthesis"), {"week": WEEK})
    overview = {row["landlord"].name: row for row in response.context["overview"]}
    assert (overview["GLH"]["total"], overview["GLH"]["new"], overview["GLH"]["resolved"]) == (3, 1, 1)


def test_synthesis_and_list_query_counts_do_not_grow(world, client, django_assert_num_queries):
    client.force_login(world.manager)
    urls = [synthesis_url(world), synthesis_url(world, "csv"), reverse("mediation:technical_list")]
    for n in range(2):
        report(world, place=f"P{n}", reported_on=MONDAY)
    counts = {}
    for url in urls:
        client.get(url)
        # +1: the reports' photos, fetched in one query for the PDF (and its e-mail).
        with django_assert_num_queries(10 if "format=csv" not in url else 9, exact=False) as few:
            client.get(url)
        counts[url] = len(few.captured_queries)
    for n in range(15):
        item = report(world, place=f"Q{n}", reported_on=MONDAY + timedelta(days=n % 5))
        services.advance_technical_report(actor=world.manager, report=item, status="transmitted", on=item.reported_on)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            client.get(url)


def test_list_shows_how_long_each_report_has_been_open_and_which_are_past_their_threshold(world, client, settings):
    settings.ALTM_TECHNICAL_REMINDER_DAYS = {"danger": 7, "other": 30}
    today = timezone.localdate()
    report(world, place="Danger ancien", reported_on=today - timedelta(days=8), is_danger=True)
    report(world, place="Récent", reported_on=today - timedelta(days=1))
    solved = report(world, place="Réglé", reported_on=today - timedelta(days=12))
    services.advance_technical_report(actor=world.mediator, report=solved, status="transmitted", on=solved.reported_on)
    services.advance_technical_report(
        actor=world.mediator, report=solved, status="resolved", on=solved.reported_on + timedelta(days=5)
    )
    client.force_login(world.mediator)
    html = " ".join(client.get(reverse("mediation:technical_list")).content.decode().split())
    assert "ouvert depuis 8 jours" in html and "ouvert depuis 1 jour " in html
    assert "résolu en 5 jours" in html
    assert html.count("à relancer") == 1
