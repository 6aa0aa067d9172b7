"""Tally taps racing each other (PostgreSQL threads): six different taps at once add 6 to ONE line; six copies of one
tap add 1; taps and undos interleaved leave the line equal to the taps not undone, and its audit trail whole."""

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from altm.models import AuditEntry
from mediation.models import Intervention, TallyTap
from tests.concurrency import client_for, needs_postgresql, run_at_once, world_for_threads

pytestmark = needs_postgresql


@pytest.fixture
def concurrent_world():
    return world_for_threads()


def tap_body(world, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "source": "tally",
        "date": timezone.localdate().isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("active_listening").pk,
        "count": 1,
        **extra,
    }


def poster(world, bodies):
    clients = iter([client_for(world.mediator) for _ in bodies])
    pending = iter(bodies)

    def post():
        client, body = next(clients), next(pending)
        url = reverse("mediation:api_intervention")
        return client.post(url, json.dumps(body), content_type="application/json").status_code

    return post


def test_six_different_taps_at_once_add_six_to_one_line(concurrent_world):
    world = concurrent_world
    bodies = [tap_body(world, women=i % 2) for i in range(6)]
    statuses, failures = run_at_once(poster(world, bodies))
    assert not failures and sorted(statuses) == [201] * 6
    line = Intervention.objects.get()
    assert (line.count, line.women) == (6, 3)
    assert TallyTap.objects.count() == 6
    counts = [entry.after["count"] for entry in AuditEntry.objects.for_object(line).order_by("id")]
    assert counts == [1, 2, 3, 4, 5, 6]  # every increment is in the trail, none lost


def test_six_copies_of_one_tap_add_one(concurrent_world):
    world = concurrent_world
    body = tap_body(world)
    statuses, failures = run_at_once(poster(world, [body] * 6))
    assert not failures and sorted(statuses) == [200] * 5 + [201]
    assert Intervention.objects.get().count == 1
    assert TallyTap.objects.count() == 1


def test_taps_and_undos_interleaved_keep_the_figure_exact(concurrent_world):
    world = concurrent_world
    first = [tap_body(world) for _ in range(3)]
    for body in first:
        client_for(world.mediator).post(
            reverse("mediation:api_intervention"), json.dumps(body), content_type="application/json"
        )
    clients = iter([client_for(world.mediator) for _ in range(6)])
    jobs = iter([("undo", body["uuid"]) for body in first] + [("tap", tap_body(world)) for _ in range(3)])

    def act():
        client, (kind, payload) = next(clients), next(jobs)
        if kind == "undo":
            return client.post(reverse("mediation:api_intervention_undo", args=[payload])).status_code
        url = reverse("mediation:api_intervention")
        return client.post(url, json.dumps(payload), content_type="application/json").status_code

    statuses, failures = run_at_once(act)
    assert not failures and all(status in (200, 201) for status in statuses)
    live = TallyTap.objects.filter(undone_at__isnull=True)
    assert live.count() == 3
    assert sum(line.count for line in Intervention.objects.all()) == 3
