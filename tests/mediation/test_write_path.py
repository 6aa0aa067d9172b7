"""The write path stays lean: the reference data (activity types, territories, sites, teams' territories, closed
years, validated days) come from each process's copy, the UUID is looked up only when it was already used, and the
line and its audit entry are written in one short transaction. Every count below is for a mediator whose session
is fresh (no refresh write) and whose process already holds the reference data, as in a running worker."""

import json
import uuid
from html import unescape

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from altm import reference
from altm.models import AuditEntry
from mediation import services
from mediation.models import Intervention, InterventionSource, TallyTap
from reporting.models import FrozenReport
from tests.clock import TODAY, frozen
from tests.mediation.factories import RecordedInterventionFactory, SiteFactory

pytestmark = frozen()


def body(world, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("rule_reminder").pk,
        "count": 2,
        **extra,
    }


def post_json(client, data):
    return client.post(reverse("mediation:api_intervention"), json.dumps(data), content_type="application/json")


@pytest.fixture
def warm(client, world):
    """A logged-in mediator whose worker has served a page and a line: fresh session, reference data in memory."""
    client.force_login(world.mediator)
    assert client.get(reverse("mediation:entry")).status_code == 200
    assert (
        client.post(reverse("mediation:entry"), body(world, activity_type=world.activity("presence").pk)).status_code
        == 302
    )
    return client


def test_quick_entry_post_costs_eight_queries(warm, world, django_assert_num_queries):
    data = body(world)
    # The session, the user, the reference data's token, the user's teams; then SAVEPOINT, the line, its audit
    # entry, RELEASE (in production the transaction's BEGIN and COMMIT, which Django does not count).
    with django_assert_num_queries(8):
        response = warm.post(reverse("mediation:entry"), data)
    assert response.status_code == 302
    line = Intervention.objects.get(uuid=data["uuid"])
    assert (line.team, line.count, line.site) == (world.team_a, 2, world.site_a)
    assert AuditEntry.objects.filter(object_id=str(line.pk), action="create").count() == 1


def test_a_double_tap_on_the_quick_entry_saves_once_and_says_saved(warm, world, django_assert_num_queries):
    data = body(world)
    warm.post(reverse("mediation:entry"), data)
    # The insert meets the first copy (its UUID is unique), then one query reads that copy back.
    with django_assert_num_queries(9):
        response = warm.post(reverse("mediation:entry"), data, follow=False)
    assert response.status_code == 302
    assert Intervention.objects.filter(uuid=data["uuid"]).count() == 1
    messages = [str(m) for m in warm.get(reverse("mediation:entry")).context["messages"]]
    assert any("Enregistré ✓ Rappel à la règle × 2 · Santy" in m for m in messages)


def test_json_api_create_and_replay(warm, world, django_assert_num_queries):
    data = body(world)
    with django_assert_num_queries(8):
        response = post_json(warm, data)
    assert response.status_code == 201
    with django_assert_num_queries(9):
        response = post_json(warm, data)
    assert response.status_code == 200
    assert response.json()["uuid"] == data["uuid"]
    assert Intervention.objects.filter(uuid=data["uuid"]).count() == 1


def test_a_replay_refused_by_a_rule_since_is_still_answered_as_saved(warm, world):
    data = body(world)
    assert post_json(warm, data).status_code == 201
    services.validate_day(actor=world.manager, team=world.team_a, day=TODAY)  # the day is locked since
    response = post_json(warm, data)
    assert response.status_code == 200
    assert Intervention.objects.filter(uuid=data["uuid"]).count() == 1
    # A new line of that day is refused, in French, next to the date.
    response = post_json(warm, body(world))
    assert response.status_code == 400
    assert "a été validée par votre responsable" in response.json()["errors"]["date"][0]


def test_a_copy_racing_the_first_one_gets_the_first_line(world):
    """Two requests with one UUID validated at the same time: the second insert fails on the unique UUID and the
    service answers with the first line, never an error."""
    first = RecordedInterventionFactory(
        author=world.mediator, territory=world.territory_a, date=TODAY, activity_type=world.activity("presence")
    )
    line, created = services.record_intervention(
        actor=world.mediator,
        uuid=first.uuid,
        date=TODAY,
        territory=world.territory_a,
        activity_type=world.activity("presence"),
        count=1,
    )
    assert (line.pk, created) == (first.pk, False)
    assert Intervention.objects.count() == 1


def test_the_line_and_its_audit_entry_are_the_only_writes_of_the_transaction(warm, world):
    with CaptureQueriesContext(connection) as queries:
        warm.post(reverse("mediation:entry"), body(world))
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    start = statements.index("SAVEPOINT")
    assert statements[start:] == ["SAVEPOINT", "INSERT", "INSERT", "RELEASE"]


def test_tally_tap_costs_twelve_queries(warm, world, django_assert_num_queries):
    presence = world.activity("presence")
    tap = {"add": presence.pk, "territory": world.territory_a.pk, "site": world.site_a.pk}
    warm.post(reverse("mediation:tally"), {**tap, "uuid": str(uuid.uuid4())})
    # The session, the user, the user's teams, the token; then SAVEPOINT, the author's lock, the tap's UUID, the
    # day's tally line, its update, its audit entry, the tap's receipt, RELEASE.
    with django_assert_num_queries(12):
        response = warm.post(reverse("mediation:tally"), {**tap, "uuid": str(uuid.uuid4())})
    assert response.status_code == 302
    line = Intervention.objects.get(source=InterventionSource.TALLY, activity_type=presence)
    assert line.count == 2
    assert TallyTap.objects.filter(line=line).count() == 2


def test_a_deactivated_activity_type_is_gone_from_the_next_page(warm, world):
    referral = world.activity("referral")
    assert f'value="{referral.pk}"' in warm.get(reverse("mediation:entry")).content.decode()
    referral.is_active = False
    referral.save()
    assert f'value="{referral.pk}"' not in warm.get(reverse("mediation:entry")).content.decode()
    response = post_json(warm, body(world, activity_type=referral.pk))
    assert response.status_code == 400
    assert "activity_type" in response.json()["errors"]


def test_a_change_made_by_another_worker_is_seen_on_the_next_request(warm, world):
    """Another worker's copy, built before the change, is not used once the token changed in the database."""
    referral = world.activity("referral")
    entry = reverse("mediation:entry")
    assert f'value="{referral.pk}"' in warm.get(entry).content.decode()
    other_workers_copies = dict(reference._copies)  # what a worker that did not make the change still holds
    referral.is_active = False
    referral.save()
    reference._copies.clear()
    reference._copies.update(other_workers_copies)
    assert f'value="{referral.pk}"' not in warm.get(entry).content.decode()


def test_a_new_site_is_offered_at_once(warm, world):
    SiteFactory(territory=world.territory_a, name="Moulin à Vent")
    assert "Moulin à Vent" in warm.get(reverse("mediation:entry")).content.decode()


def test_a_team_given_a_new_territory_logs_there_at_once(warm, world):
    world.team_a.territories.add(world.territory_b)
    response = post_json(warm, body(world, territory=world.territory_b.pk, site=world.site_b.pk))
    assert response.status_code == 201
    assert Intervention.objects.get(territory=world.territory_b).team == world.team_a


def test_a_change_rolled_back_leaves_the_copies_right(warm, world):
    referral = world.activity("referral")
    with pytest.raises(RuntimeError), transaction.atomic():
        referral.is_active = False
        referral.save()
        raise RuntimeError
    assert f'value="{referral.pk}"' in warm.get(reverse("mediation:entry")).content.decode()


def test_a_year_frozen_in_another_worker_is_closed_on_the_next_request(warm, world):
    entry = reverse("mediation:entry")
    data = body(world, date="2025-12-30")
    assert post_json(warm, body(world, date="2025-12-29")).status_code == 201  # the closed years are in memory
    other_workers_copies = dict(reference._copies)
    FrozenReport.objects.create(
        year=2025, figures={"territories": [], "values": {}}, pdf=b"", frozen_by=world.director
    )
    reference._copies.update(other_workers_copies)
    response = warm.post(entry, data)
    assert response.status_code == 200
    assert "L'année 2025 est close" in unescape(response.content.decode())
    assert not Intervention.objects.filter(uuid=data["uuid"]).exists()


def test_a_day_validated_in_another_worker_is_locked_on_the_next_request(warm, world):
    other_workers_copies = dict(reference._copies)
    services.validate_day(actor=world.manager, team=world.team_a, day=TODAY)
    reference._copies.update(other_workers_copies)
    response = post_json(warm, body(world))
    assert response.status_code == 400
    assert "a été validée par votre responsable" in response.json()["errors"]["date"][0]
