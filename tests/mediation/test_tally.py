"""Tally ("tournée"): +1 / −1 per anonymous act, each tap one line; undo endpoint for taps already sent."""

import json
import uuid

from django.urls import reverse
from django.utils import timezone

from altm.models import AuditAction, AuditEntry
from mediation.models import Intervention, InterventionSource
from tests.clock import frozen
from tests.mediation.factories import RecordedInterventionFactory

pytestmark = frozen()


def tap(client, world, code, **extra):
    body = {
        "uuid": str(uuid.uuid4()),
        "source": "tally",
        "date": timezone.localdate().isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity(code).pk,
        "count": 1,
        **extra,
    }
    response = client.post(reverse("mediation:api_intervention"), json.dumps(body), content_type="application/json")
    return response, body


def undo(client, key):
    return client.post(reverse("mediation:api_intervention_undo", args=[key]))


def test_page_lists_tally_activities_with_todays_counts(client, world):
    client.force_login(world.mediator)
    tap(client, world, "active_listening")
    tap(client, world, "active_listening")
    tap(client, world, "rule_reminder", women=1)
    response = client.get(reverse("mediation:tally"))
    assert response.status_code == 200
    rows = {row["activity"].code: row["count"] for row in response.context["activities"]}
    assert set(rows) == {
        "rule_reminder",
        "physical_help",
        "moral_support",
        "active_listening",
        "presence",
        "social_watch",
    }
    assert rows["active_listening"] == 2 and rows["rule_reminder"] == 1 and rows["presence"] == 0
    assert response.context["total"] == 3
    # The page hands today's taps to the script (for −1 after a reload), as JSON, not as inline code.
    assert len(response.context["taps"]) == 3
    assert 'id="tally-taps" type="application/json"' in response.content.decode()


def test_each_tap_is_one_line_marked_tally(client, world):
    client.force_login(world.mediator)
    response, body = tap(client, world, "moral_support", men=1)
    assert response.status_code == 201
    line = Intervention.objects.get(uuid=body["uuid"])
    assert (line.source, line.count, line.men, line.author) == (InterventionSource.TALLY, 1, 1, world.mediator)


def test_undo_deletes_the_line_audited_and_is_idempotent(client, world):
    client.force_login(world.mediator)
    _, body = tap(client, world, "active_listening")
    line = Intervention.objects.get()
    first = undo(client, body["uuid"])
    assert first.status_code == 200 and first.json()["deleted"] is True
    assert not Intervention.objects.exists()
    deletion = AuditEntry.objects.for_object(line).get(action=AuditAction.DELETE)
    assert deletion.actor == world.mediator and deletion.before["uuid"] == body["uuid"]
    again = undo(client, body["uuid"])  # a retry after a lost answer
    assert again.status_code == 200 and again.json()["deleted"] is False


def test_undo_is_for_the_author_only(client, world):
    client.force_login(world.mediator)
    _, body = tap(client, world, "active_listening")
    client.force_login(world.manager)  # same team, sees the line, did not tap it
    response = undo(client, body["uuid"])
    assert response.status_code == 403
    assert response.json()["errors"]["__all__"] == ["Seul l'auteur d'une saisie peut l'annuler ici."]
    client.force_login(world.mediator_other_team)
    assert undo(client, body["uuid"]).status_code == 404
    assert Intervention.objects.count() == 1


def test_undo_of_an_unknown_line_is_404(client, world):
    client.force_login(world.mediator)
    assert undo(client, uuid.uuid4()).status_code == 404


def test_without_javascript_plus_and_minus_post_the_page(client, world):
    client.force_login(world.mediator)
    url = reverse("mediation:tally")
    listening = world.activity("active_listening")
    page = client.get(url)
    base = {
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "uuid": str(page.context["form"]["uuid"].value()),
    }
    response = client.post(url, {**base, "add": listening.pk, "split": "F"}, follow=True)
    assert "Enregistré ✓ Écoute active +1" in response.content.decode()
    client.post(url, {**base, "uuid": str(uuid.uuid4()), "add": listening.pk})
    line = Intervention.objects.order_by("id").first()
    assert (line.women, line.site, line.source) == (1, world.site_a, InterventionSource.TALLY)
    assert Intervention.objects.count() == 2
    client.post(url, {**base, "undo": listening.pk})
    assert list(Intervention.objects.values_list("pk", flat=True)) == [line.pk]  # the last tap went


def test_tally_counts_only_the_users_own_taps_of_today(client, world):
    RecordedInterventionFactory(
        author=world.manager,
        date=timezone.localdate(),
        territory=world.territory_a,
        activity_type=world.activity("active_listening"),
        source=InterventionSource.TALLY,
    )
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:tally"))
    assert response.context["total"] == 0
