"""The landlord answers a report without an account, through a signed link bound to one landlord and one report."""

import html
from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from altm.models import AuditEntry
from mediation import services
from mediation.landlord_links import SALT, link_path, make_token
from mediation.models import TechnicalReport, TechnicalReportStatus
from tests.clock import TODAY, frozen
from tests.mediation.factories import LandlordFactory

pytestmark = frozen()


def make_report(world, *, place="Hall B, porte", reported_on=TODAY - timedelta(days=3), **extra):
    created, _ = services.record_technical_report(
        actor=world.mediator,
        territory=world.territory_a,
        site=world.site_a,
        place=place,
        problem="Porte de hall qui ne ferme plus",
        reported_on=reported_on,
        **extra,
    )
    return created


def text(response) -> str:
    return html.unescape(response.content.decode())


def entries(report):
    return AuditEntry.objects.for_object(report).order_by("at", "id")


def test_valid_link_opens_the_report_without_an_account(world, client):
    report = make_report(world)
    response = client.get(link_path(report))
    assert response.status_code == 200
    page = text(response)
    assert "Hall B, porte" in page and "Porte de hall qui ne ferme plus" in page
    assert "J'en ai pris connaissance" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert world.mediator.get_full_name() not in page  # nothing about the team


def test_acknowledge_plan_resolve_are_audited_as_the_landlord_and_shown_to_mediators(world, client):
    report = make_report(world)
    path = link_path(report)

    response = client.post(path, {"answer": "acknowledge"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.landlord_acknowledged_on == TODAY
    # The landlord heard of it: transmitted that day at the latest.
    assert report.status == TechnicalReportStatus.TRANSMITTED and report.transmitted_on == TODAY

    planned = TODAY + timedelta(days=10)
    client.post(path, {"answer": "plan", "planned_on": planned.isoformat()})
    report.refresh_from_db()
    assert report.landlord_planned_on == planned

    response = client.post(path, {"answer": "resolve", "comment": "Ferme-porte remplacé."}, follow=True)
    assert "le signalement est résolu" in text(response)
    report.refresh_from_db()
    assert report.status == TechnicalReportStatus.RESOLVED and report.resolved_on == TODAY
    assert report.landlord_comment == "Ferme-porte remplacé."

    updates = list(entries(report).filter(action="update"))
    assert [entry.actor_name for entry in updates] == ["GLH (bailleur, lien signé)"] * 3
    assert all(entry.actor_id is None for entry in updates)

    client.force_login(world.mediator)
    page = text(client.get(report.get_absolute_url()))
    assert "Réponse du bailleur" in page
    assert "Ferme-porte remplacé." in page
    assert "GLH (bailleur, lien signé)" in page


def test_replay_after_resolution_changes_nothing(world, client):
    report = make_report(world)
    path = link_path(report)
    client.post(path, {"answer": "resolve", "comment": "Réparé."})
    count = entries(report).count()
    for data in (
        {"answer": "resolve", "comment": "Encore"},
        {"answer": "plan", "planned_on": (TODAY + timedelta(days=3)).isoformat()},
        {"answer": "acknowledge"},
    ):
        response = client.post(path, data, follow=True)
        assert "déjà résolu" in text(response)
    report.refresh_from_db()
    assert report.landlord_comment == "Réparé." and report.landlord_planned_on is None
    assert entries(report).count() == count
    page = text(client.get(path))
    assert "Ce signalement est résolu depuis le" in page and "Marquer comme résolu" not in page


def test_the_service_refuses_a_resolved_report_too(world):
    report = make_report(world)
    services.answer_as_landlord(landlord=world.landlord, report=report, answer="resolve", comment="Fait.")
    with pytest.raises(services.ValidationError, match="déjà résolu"):
        services.answer_as_landlord(landlord=world.landlord, report=report, answer="acknowledge")


def test_forged_link_is_refused_in_french_and_changes_nothing(world, client):
    report = make_report(world)
    token = make_token(report)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    # A token signed with another key (someone guessing the format) is as forged as a retouched one.
    foreign = signing.dumps({"l": world.landlord.pk, "r": report.pk}, salt=SALT, key="x" * 50)
    for bad in (forged, foreign, "n-importe-quoi"):
        url = reverse("mediation:landlord_report", args=[report.pk, bad])
        assert client.get(url).status_code == 403
        response = client.post(url, {"answer": "resolve", "comment": "Fait."})
        assert response.status_code == 403
        assert "Ce lien n'est pas valide" in text(response)
    report.refresh_from_db()
    assert report.status == TechnicalReportStatus.OPEN and report.landlord_comment == ""
    assert not entries(report).filter(action="update").exists()


def test_expired_link_is_refused_after_sixty_days(world, client):
    report = make_report(world)
    path = link_path(report)
    with time_machine.travel(TODAY + timedelta(days=59), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(TODAY + timedelta(days=61), tick=False):
        response = client.post(path, {"answer": "acknowledge"})
    assert response.status_code == 410
    assert "Ce lien a expiré" in text(response) and "60 jours" in text(response)
    report.refresh_from_db()
    assert report.landlord_acknowledged_on is None


def test_link_of_another_report_is_refused(world, client):
    mine = make_report(world, place="Hall B")
    other = make_report(world, place="Parking")
    url = reverse("mediation:landlord_report", args=[other.pk, make_token(mine)])
    response = client.post(url, {"answer": "resolve", "comment": "Fait."})
    assert response.status_code == 403
    assert "émis pour un autre signalement" in text(response)
    other.refresh_from_db()
    mine.refresh_from_db()
    assert other.status == mine.status == TechnicalReportStatus.OPEN


def test_link_of_a_report_given_to_another_landlord_since_is_refused(world, client):
    report = make_report(world)
    path = link_path(report)
    TechnicalReport.objects.filter(pk=report.pk).update(landlord=LandlordFactory(name="Alliade"))
    response = client.post(path, {"answer": "acknowledge"})
    assert response.status_code == 403
    assert "confié à un autre bailleur" in text(response)


def test_bad_answers_are_explained_next_to_the_field(world, client):
    report = make_report(world)
    path = link_path(report)
    response = client.post(path, {"answer": "resolve", "comment": "   "})
    assert response.status_code == 400
    assert "Décrivez en quelques mots ce qui a été fait." in text(response)
    response = client.post(path, {"answer": "plan", "planned_on": "2026-02-30"})
    assert response.status_code == 400
    response = client.post(path, {"answer": "plan", "planned_on": (TODAY - timedelta(days=1)).isoformat()})
    assert "La date prévue ne peut pas être passée." in text(response)
    response = client.post(path, {"answer": "plan", "planned_on": "2206-01-01"})
    assert "plus de deux ans" in text(response)
    response = client.post(path, {"answer": "supprimer"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in text(response)
    report.refresh_from_db()
    assert report.status == TechnicalReportStatus.OPEN and report.landlord_acknowledged_on is None


def test_the_same_answer_twice_is_recorded_once(world, client):
    report = make_report(world)
    path = link_path(report)
    client.post(path, {"answer": "acknowledge"})
    client.post(path, {"answer": "acknowledge"})
    assert entries(report).filter(action="update").count() == 1


def test_refused_links_are_rate_limited_per_address(world, client):
    report = make_report(world)
    url = reverse("mediation:landlord_report", args=[report.pk, "faux"])
    statuses = [client.get(url).status_code for _ in range(21)]
    assert statuses[:20] == [403] * 20 and statuses[20] == 429
    # The limit is the address's: even a good link waits.
    assert client.get(link_path(report)).status_code == 200  # opening is counted apart
    assert client.get(url).status_code == 429


def test_the_public_form_keeps_csrf_protection(world):
    report = make_report(world)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(link_path(report), {"answer": "acknowledge"}).status_code == 403
    page = strict.get(link_path(report))
    token = page.cookies["csrftoken"].value
    response = strict.post(link_path(report), {"answer": "acknowledge", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_reports_day_stays_before_a_transmission_made_by_the_landlord(world, client):
    report = make_report(world, reported_on=date(2026, 11, 2))
    client.post(link_path(report), {"answer": "resolve", "comment": "Fait."})
    report.refresh_from_db()
    assert report.reported_on <= report.transmitted_on <= report.resolved_on
