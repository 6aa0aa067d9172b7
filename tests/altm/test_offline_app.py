"""The installable app on the server side: service worker and manifest, the pages marked for offline use, and the
outbox's replayed form posts answered in JSON (saved once, refused with French messages, session expired)."""

import json
import uuid
from datetime import date

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from altm.outbox import errors_in_page
from mediation import services
from mediation.models import ConflictParties, ConflictSession, FollowUpKind, TechnicalReport
from partners.models import Referral
from tests.clock import TODAY, frozen
from tests.partners.factories import make_person

OUTBOX = {"HTTP_X_ALTM_OUTBOX": "1", "HTTP_ACCEPT": "application/json"}


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_service_worker_is_served_from_the_root_with_its_headers(client, world):
    response = client.get(reverse("service_worker"))
    assert reverse("service_worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    assert "worker-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    config = json.loads(body.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    for name in ("mediation:entry", "mediation:tally", "mediation:my_interventions", "mediation:followup_list"):
        assert reverse(name) in config["pages"]
    assert reverse("mediation:technical_create") in config["pages"]
    assert reverse("mediation:conflict_create") in config["pages"]
    for url in config["static"]:
        assert finders.find(url.removeprefix("/static/")), url


def test_manifest_names_the_app_and_its_icons(client, world):
    response = client.get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["display"] == "standalone" and data["lang"] == "fr" and data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
    page = client_for(world.mediator).get(reverse("mediation:entry")).content.decode()
    assert f'<link rel="manifest" href="{reverse("manifest")}">' in page


def test_field_pages_are_marked_for_the_service_worker_and_others_are_not(world):
    mediator = client_for(world.mediator)
    for name in ("mediation:entry", "mediation:tally", "mediation:my_interventions", "mediation:technical_create"):
        assert mediator.get(reverse(name))["X-ALTM-Offline"] == "page", name
    assert "X-ALTM-Offline" not in mediator.get(reverse("mediation:technical_list"))
    # A page refused to a role is not marked (the worker never keeps it).
    assert "X-ALTM-Offline" not in client_for(world.director).get(reverse("mediation:entry"))


def report_data(world, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "place": "Allée 3, hall",
        "problem": "Porte de hall arrachée",
        "reported_on": "2026-12-01",
        **extra,
    }


def test_a_replayed_form_is_saved_once_and_answered_in_json(world):
    mediator = client_for(world.mediator)
    data = report_data(world)
    url = reverse("mediation:technical_create")
    first = mediator.post(url, data, **OUTBOX)
    again = mediator.post(url, data, **OUTBOX)
    assert (first.status_code, again.status_code) == (201, 201)
    report = TechnicalReport.objects.get()
    assert first.json()["url"] == again.json()["url"] == report.get_absolute_url()
    assert str(report.uuid) == data["uuid"]
    # The page shown next confirms it, as after a plain form post.
    assert "Signalement enregistré" in mediator.get(reverse("mediation:technical_list")).content.decode()


def test_a_refused_form_answers_the_french_messages_by_field(world):
    mediator = client_for(world.mediator)
    response = mediator.post(reverse("mediation:technical_create"), report_data(world, place=""), **OUTBOX)
    assert response.status_code == 400
    assert response.json()["errors"]["place"] == ["Indiquez le lieu précis."]
    assert not TechnicalReport.objects.exists()


def test_an_expired_session_or_stale_token_answers_401_never_a_login_page(world):
    url = reverse("mediation:technical_create")
    anonymous = Client().post(url, report_data(world), **OUTBOX)
    assert anonymous.status_code == 401
    assert "reconnectez-vous" in anonymous.json()["errors"]["__all__"][0]
    strict = client_for(world.mediator, enforce_csrf_checks=True)
    assert strict.post(url, report_data(world), **OUTBOX).status_code == 401
    assert not TechnicalReport.objects.exists()
    # Another role: 403 in JSON.
    director = client_for(world.director).post(url, report_data(world), **OUTBOX)
    assert director.status_code == 403 and director.json()["errors"]


def test_a_conflict_session_replayed_is_recorded_once(world):
    case, _created = services.open_conflict_case(
        actor=world.mediator,
        title="Nuisances sonores bâtiment C",
        territory=world.territory_a,
        parties=ConflictParties.RESIDENTS,
        opened_on=date(2026, 11, 2),
    )
    mediator = client_for(world.mediator)
    data = {"uuid": str(uuid.uuid4()), "kind": "shuttle", "date": "2026-12-01", "outcome": "Calme revenu"}
    url = reverse("mediation:conflict_session_add", args=[case.pk])
    assert mediator.post(url, data, **OUTBOX).status_code == 201
    assert mediator.post(url, data, **OUTBOX).status_code == 201
    assert ConflictSession.objects.filter(case=case).count() == 1


def test_a_followup_contact_replayed_is_recorded_once(world):
    followup, _created = services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.ISOLATED,
        team=world.team_a,
        started_on=date(2026, 11, 2),
        new_person={"alias": "Mme R.", "birth_year": 1950, "gender": "F", "territory": world.territory_a},
    )
    mediator = client_for(world.mediator)
    data = {"uuid": str(uuid.uuid4()), "date": "2026-12-01", "kind": "phone", "note": "Appel, va mieux"}
    url = reverse("mediation:followup_contact_add", args=[followup.pk])
    assert mediator.post(url, data, **OUTBOX).status_code == 201
    assert mediator.post(url, data, **OUTBOX).status_code == 201
    assert followup.contacts.count() == 1
    refused = mediator.post(url, {**data, "uuid": str(uuid.uuid4()), "kind": ""}, **OUTBOX)
    assert refused.status_code == 400 and refused.json()["errors"]


@frozen()
def test_a_referral_prepared_offline_is_checked_for_consent_when_sent(world):
    person = make_person(world)
    mediator = client_for(world.mediator)
    data = {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "mode": "telephone",
        "organisation": world.organisation.pk,
        "territory": world.territory_a.pk,
        "person": person.pk,
        "reason": "recherche de formation",
    }
    refused = mediator.post(reverse("partners:referral_create"), data, **OUTBOX)
    assert refused.status_code == 400
    messages = " ".join(m for msgs in refused.json()["errors"].values() for m in msgs)
    assert "aucun consentement" in messages
    assert not Referral.objects.exists()
    accepted = mediator.post(reverse("partners:referral_create"), {**data, "oral_consent_now": "on"}, **OUTBOX)
    assert accepted.status_code == 201 and Referral.objects.count() == 1


def test_errors_in_page_reads_crispy_fields_and_general_alerts():
    page = (
        '<div class="alert alert-danger">Rien n&#x27;est enregistré.</div>'
        '<div class="alert alert-danger" data-form-errors hidden></div>'
        '<div id="id_place_error" class="invalid-feedback"> <span id="error_1_id_place"><strong>Indiquez le lieu.'
        "</strong></span></div>"
    )
    assert errors_in_page(page) == {"__all__": ["Rien n'est enregistré."], "place": ["Indiquez le lieu."]}
