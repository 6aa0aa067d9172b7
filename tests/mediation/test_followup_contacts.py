"""The dated log of contacts of a follow-up: one row per contact, UUID-deduplicated, its author corrects it for
7 days, erased by retention, and the same rules on the page and on the JSON API the outbox replays."""

import json
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from altm.models import AuditEntry
from mediation import services
from mediation.models import ContactKind, FollowUpContact, FollowUpKind
from partners.services.retention import apply_retention
from tests.accounts.factories import UserFactory
from tests.clock import TODAY, frozen

pytestmark = frozen()

API = "mediation:api_followup_contact"


def start_followup(world):
    followup, _ = services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.ISOLATED,
        team=world.team_a,
        started_on=date(2026, 10, 1),
        new_person={"alias": "Mme R.", "birth_year": 1950, "gender": "F", "territory": world.territory_a},
    )
    return followup


def post_json(client, payload):
    return client.post(reverse(API), json.dumps(payload), content_type="application/json")


def payload(target, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "followup": target.pk,
        "date": TODAY.isoformat(),
        "kind": "phone",
        "note": "Appel : rendez-vous CCAS pris",
    } | extra


def test_page_adds_contacts_to_a_dated_log_and_moves_the_last_contact(world, client):
    followup = start_followup(world)
    client.force_login(world.mediator)
    url = reverse("mediation:followup_contact_add", args=[followup.pk])
    data = {"uuid": str(uuid.uuid4()), "date": "2026-11-20", "kind": "meeting", "note": "Rencontre au marché"}
    response = client.post(url, data)
    assert response.status_code == 302
    client.post(url, data)  # double submit: one row
    client.post(url, data | {"uuid": str(uuid.uuid4()), "date": TODAY.isoformat(), "kind": "phone", "note": "Appel"})
    assert list(followup.contacts.values_list("date", "kind")) == [(TODAY, "phone"), (date(2026, 11, 20), "meeting")]
    followup.person.refresh_from_db()
    assert followup.person.last_contact_on == TODAY
    page = client.get(followup.get_absolute_url()).content.decode()
    assert "Journal des contacts" in page and "20/11/2026 · Rencontre" in page and "Rencontre au marché" in page
    assert AuditEntry.objects.filter(content_type__model="followupcontact", action="create").count() == 2


def test_page_shows_french_errors_next_to_the_fields_and_saves_nothing(world, client):
    followup = start_followup(world)
    client.force_login(world.mediator)
    url = reverse("mediation:followup_contact_add", args=[followup.pk])
    response = client.post(url, {"uuid": str(uuid.uuid4()), "date": "2026-09-01", "kind": "", "note": "x" * 501})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez le type de contact." in page and "500 caractères au plus" in page
    response = client.post(url, {"uuid": str(uuid.uuid4()), "date": "2026-09-01", "kind": "phone"})
    assert "La date ne peut pas précéder le début du suivi (01/10/2026)." in response.content.decode()
    response = client.post(url, {"uuid": str(uuid.uuid4()), "date": "2026-12-25", "kind": "phone"})
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    assert not FollowUpContact.objects.exists()


def test_api_creates_once_per_uuid_and_answers_a_replay_as_success(world, client):
    followup = start_followup(world)
    client.force_login(world.mediator)
    body = payload(followup)
    first = post_json(client, body)
    again = post_json(client, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert FollowUpContact.objects.get().note == "Appel : rendez-vous CCAS pris"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "séance"}, "kind", "Type inconnu."),
        ({"date": "32/13/2026"}, "date", "Date invalide."),
        ({"date": "2027-01-01"}, "date", "La date ne peut pas être dans le futur."),
        ({"uuid": "pas-un-uuid"}, "uuid", None),
        ({"followup": "abc"}, "followup", "Suivi manquant ou invalide."),
    ],
)
def test_api_refuses_bad_input_in_french(world, client, change, field, message):
    followup = start_followup(world)
    client.force_login(world.mediator)
    response = post_json(client, payload(followup, **change))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    if message:
        assert message in response.json()["errors"][field]
    assert not FollowUpContact.objects.exists()


def test_api_hides_another_teams_followup(world, client):
    followup = start_followup(world)
    client.force_login(world.mediator_other_team)
    assert post_json(client, payload(followup)).status_code == 404
    assert not FollowUpContact.objects.exists()


def test_a_uuid_reused_by_someone_else_is_refused(world, client):
    followup = start_followup(world)
    body = payload(followup)
    client.force_login(world.mediator)
    post_json(client, body)
    colleague = UserFactory(role="mediator")
    world.team_a.mediators.add(colleague)
    client.force_login(colleague)
    response = post_json(client, body)
    assert response.status_code == 400 and "uuid" in response.json()["errors"]
    assert FollowUpContact.objects.count() == 1


def test_only_the_author_corrects_for_seven_days(world, client):
    followup = start_followup(world)
    contact, _ = services.record_followup_contact(
        actor=world.mediator, followup=followup, date=TODAY, kind=ContactKind.PHONE, note="Appel"
    )
    url = reverse("mediation:followup_contact_edit", args=[contact.pk])
    client.force_login(world.manager)
    response = client.get(url)
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        services.update_followup_contact(actor=world.manager, contact=contact, date=TODAY, kind="meeting")
    client.force_login(world.mediator)
    response = client.post(url, {"date": TODAY.isoformat(), "kind": "meeting", "note": "Rencontre, pas appel"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.kind, contact.note) == ("meeting", "Rencontre, pas appel")
    assert AuditEntry.objects.filter(content_type__model="followupcontact", action="update").count() == 1
    with time_machine.travel(contact.created_at + timedelta(days=7, minutes=1)):
        assert client.get(url).status_code == 302
        response = client.post(url, {"date": TODAY.isoformat(), "kind": "phone", "note": "trop tard"})
        assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.note == "Rencontre, pas appel"


def test_retention_erases_the_notes_and_counts_the_contact_dates(world):
    followup = start_followup(world)
    services.record_followup_contact(
        actor=world.mediator, followup=followup, date=TODAY, kind=ContactKind.PHONE, note="Parle de sa fille"
    )
    result = apply_retention(today=TODAY + timedelta(days=30), days=60)
    assert followup.person_id not in result.person_ids  # a recent contact keeps the person
    apply_retention(today=TODAY + timedelta(days=400), days=60)
    contact = FollowUpContact.objects.get()
    assert contact.note == "" and contact.kind == "phone" and contact.date == TODAY
    assert not AuditEntry.objects.filter(after__note="Parle de sa fille").exists()
