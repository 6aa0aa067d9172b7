"""Nothing twice (issue #10, item 8) for the partners' create forms: one row of each kind whatever the copies."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from mediation.models import Person
from partners.models import Amendment, PartnerEvent, Referral
from tests.clock import frozen
from tests.concurrency import client_for, needs_postgresql, run_at_once, world_for_threads
from tests.partners.factories import make_convention


@pytest.fixture
def concurrent_world():
    return world_for_threads()


def referral_post(world) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "date": timezone.localdate().isoformat(),
        "mode": "telephone",
        "territory": world.territory_a.pk,
        "alias": "Inès",
        "birth_year": 2006,
        "gender": "F",
        "reason": "Conflit de voisinage",
        "person_agreed": "on",
    }


def event_post(world) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "meeting",
        "date": timezone.localdate().isoformat(),
        "site": world.site_a.pk,
        "situations_reviewed": 2,
        "days": 0,
    }


@frozen()
def test_a_double_submitted_counsellor_referral_gives_one_referral_and_one_person(world):
    client = client_for(world.counsellor)
    data = referral_post(world)
    assert client.post(reverse("partners:counsellor_referral_create"), data).status_code == 302
    assert client.post(reverse("partners:counsellor_referral_create"), data).status_code == 302
    assert Referral.objects.count() == Person.objects.count() == 1


@frozen()
def test_a_double_submitted_partner_event_is_recorded_once(world):
    convention = make_convention(world)
    client = client_for(world.manager)
    page = client.get(reverse("partners:event_create", args=[convention.pk]))
    assert 'name="uuid"' in page.content.decode()
    data = event_post(world)
    for _ in range(2):
        response = client.post(reverse("partners:event_create", args=[convention.pk]), data)
        assert response.status_code == 302
    assert PartnerEvent.objects.count() == 1


@needs_postgresql[0]
@needs_postgresql[1]
def test_six_concurrent_partner_events_give_one_event(concurrent_world):
    world = concurrent_world
    convention = make_convention(world)
    data = event_post(world)
    clients = iter([client_for(world.manager) for _ in range(6)])

    def post():
        return next(clients).post(reverse("partners:event_create", args=[convention.pk]), data).status_code

    statuses, failures = run_at_once(post)
    assert not failures
    assert statuses == [302] * 6
    assert PartnerEvent.objects.count() == 1


@needs_postgresql[0]
@needs_postgresql[1]
def test_six_concurrent_counsellor_referrals_give_one_referral_and_no_orphan_person(concurrent_world):
    world = concurrent_world
    data = referral_post(world)
    clients = iter([client_for(world.counsellor) for _ in range(6)])

    def post():
        return next(clients).post(reverse("partners:counsellor_referral_create"), data).status_code

    statuses, failures = run_at_once(post)
    assert not failures
    assert statuses == [302] * 6
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1
    assert Referral.objects.get().person == Person.objects.get()


@needs_postgresql[0]
@needs_postgresql[1]
def test_six_concurrent_amendments_give_one_amendment_and_a_french_message(concurrent_world):
    world = concurrent_world
    convention = make_convention(world)
    data = {"number": 1, "signed_on": timezone.localdate().isoformat(), "subject": "Ajout du site Mermoz"}
    clients = iter([client_for(world.director) for _ in range(6)])

    def post():
        response = next(clients).post(reverse("partners:amendment_create", args=[convention.pk]), data)
        return response.status_code, response.content.decode()

    results, failures = run_at_once(post)
    assert not failures
    assert sorted(status for status, _ in results).count(302) == 1
    assert all(status in (200, 302) for status, _ in results)
    assert Amendment.objects.count() == 1
