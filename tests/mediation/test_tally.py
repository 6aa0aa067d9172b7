"""Tally ("tournée"): +1 / −1 per anonymous act; a day's taps add up on one line per activity and place, each
tap keeps its UUID (replays count once), undo takes back exactly one tap."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from altm.models import AuditAction, AuditEntry
from mediation import services
from mediation.models import Intervention, InterventionSource, TallyTap
from mediation.views.tally import LAST_TAPS
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


def test_taps_add_up_on_one_line_per_activity_and_place(client, world):
    client.force_login(world.mediator)
    responses = [tap(client, world, "active_listening", women=1)[0]]
    responses += [tap(client, world, "active_listening")[0] for _ in range(2)]
    responses.append(tap(client, world, "rule_reminder", men=1)[0])
    assert [r.status_code for r in responses] == [201, 201, 201, 201]
    listening = Intervention.objects.get(activity_type=world.activity("active_listening"))
    assert (listening.source, listening.count, listening.women, listening.author) == (
        InterventionSource.TALLY,
        3,
        1,
        world.mediator,
    )
    assert Intervention.objects.count() == 2
    assert TallyTap.objects.count() == 4  # each tap keeps its receipt (its UUID)
    # The line's history is whole: created with 1, then 1 → 2 → 3.
    entries = AuditEntry.objects.for_object(listening).order_by("id")
    assert [(e.action, (e.before or {}).get("count"), e.after["count"]) for e in entries] == [
        (AuditAction.CREATE, None, 1),
        (AuditAction.UPDATE, 1, 2),
        (AuditAction.UPDATE, 2, 3),
    ]
    assert responses[1].json()["line_count"] == 2 and responses[1].json()["count"] == 1


def test_a_replayed_tap_counts_once_even_after_an_undo(client, world):
    client.force_login(world.mediator)
    first, body = tap(client, world, "active_listening")
    again = client.post(reverse("mediation:api_intervention"), json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    tap(client, world, "active_listening")
    assert Intervention.objects.get().count == 2
    assert undo(client, body["uuid"]).json()["deleted"] is True
    assert Intervention.objects.get().count == 1
    late = client.post(reverse("mediation:api_intervention"), json.dumps(body), content_type="application/json")
    assert late.status_code == 200 and late.json()["undone"] is True
    assert Intervention.objects.get().count == 1


def test_undo_takes_back_one_tap_and_the_last_one_deletes_the_line(client, world):
    client.force_login(world.mediator)
    _, one = tap(client, world, "active_listening", women=1)
    _, two = tap(client, world, "active_listening", men=1)
    line = Intervention.objects.get()
    response = undo(client, one["uuid"])
    assert response.status_code == 200 and response.json()["deleted"] is True
    line.refresh_from_db()
    assert (line.count, line.women, line.men) == (1, 0, 1)
    assert undo(client, two["uuid"]).json()["deleted"] is True
    assert not Intervention.objects.exists()
    deletion = AuditEntry.objects.for_object(line).get(action=AuditAction.DELETE)
    assert deletion.actor == world.mediator and deletion.before["count"] == 1
    again = undo(client, two["uuid"])  # a retry after a lost answer
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
    line = Intervention.objects.get()
    assert (line.count, line.women, line.site, line.source) == (2, 1, world.site_a, InterventionSource.TALLY)
    client.post(url, {**base, "undo": listening.pk})
    line.refresh_from_db()
    assert (line.count, line.women) == (1, 1)  # the last tap went (it had no public)


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


def test_the_days_counter_includes_the_users_other_entries_of_today(client, world):
    RecordedInterventionFactory(
        author=world.mediator,
        date=timezone.localdate(),
        territory=world.territory_a,
        activity_type=world.activity("rule_reminder"),
        count=4,
    )
    client.force_login(world.mediator)
    tap(client, world, "active_listening")
    response = client.get(reverse("mediation:tally"))
    assert (response.context["total"], response.context["other_total"]) == (5, 4)
    assert 'id="tally-other-total" type="application/json">4<' in response.content.decode()


def test_a_tap_with_a_detail_is_refused_not_folded_into_the_shared_line(world):
    with pytest.raises(ValidationError) as refused:
        services.record_intervention(
            actor=world.mediator,
            source=InterventionSource.TALLY,
            date=timezone.localdate(),
            territory=world.territory_a,
            activity_type=world.activity("active_listening"),
            note="Mme X., bâtiment C",
        )
    assert "saisie rapide" in refused.value.message_dict["note"][0]
    assert not Intervention.objects.exists() and not TallyTap.objects.exists()


def tap_directly(world, code, **extra):
    return services.record_tally_tap(
        actor=world.mediator,
        uuid=uuid.uuid4(),
        date=timezone.localdate(),
        territory=world.territory_a,
        site=world.site_a,
        activity_type=world.activity(code),
        **extra,
    )


def tally_page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("mediation:tally"))
    return response, len(queries)


def test_a_long_day_hands_the_script_its_last_taps_and_the_older_ones_as_sums(client, world):
    client.force_login(world.mediator)
    for _i in range(3):
        tap_directly(world, "active_listening")
    client.get(reverse("mediation:tally"))  # the first visit of the session does a little more
    _, few_queries = tally_page_queries(client)
    for i in range(LAST_TAPS + 27):
        tap_directly(world, "rule_reminder" if i % 2 else "active_listening", women=int(i % 4 == 0))
    response, many_queries = tally_page_queries(client)
    # Beyond the listed taps, two sums (receipts, older one-line-per-tap lines); then nothing more, however many.
    assert many_queries == few_queries + 2
    for _i in range(LAST_TAPS):
        tap_directly(world, "presence")
    assert tally_page_queries(client)[1] == many_queries
    response, _ = tally_page_queries(client)
    rows = {row["activity"].code: row["count"] for row in response.context["activities"]}
    assert rows["active_listening"] == 3 + 39 and rows["rule_reminder"] == 38 and rows["presence"] == LAST_TAPS
    assert response.context["total"] == 80 + LAST_TAPS
    taps = response.context["taps"]
    assert len(taps) == LAST_TAPS
    assert [t["at"] for t in taps] == sorted(t["at"] for t in taps)  # oldest first, the latest ones
    # What the page lists one by one plus the sums of the older taps give the day back, public included.
    earlier = response.context["earlier_counts"]
    for code in ("active_listening", "rule_reminder", "presence"):
        pk = world.activity(code).pk
        listed = sum(t["count"] for t in taps if t["activity"] == pk)
        assert listed + earlier.get(str(pk), {}).get("count", 0) == rows[code]
    women = sum(t["women"] for t in taps) + sum(sums["women"] for sums in earlier.values())
    assert women == 20
    html = response.content.decode()
    assert 'id="tally-earlier" type="application/json"' in html
    assert html.count('"uuid": ') == LAST_TAPS  # the taps' JSON, not the form's field


def test_the_no_script_minus_takes_back_a_tap_older_than_those_listed(client, world):
    client.force_login(world.mediator)
    for _ in range(LAST_TAPS + 2):
        tap_directly(world, "presence")
    tap_directly(world, "active_listening")  # the only one of its activity, older than the listed presence taps
    for _ in range(LAST_TAPS):
        tap_directly(world, "presence")
    response = client.get(reverse("mediation:tally"))
    listed = {t["activity"] for t in response.context["taps"]}
    assert world.activity("active_listening").pk not in listed
    client.post(reverse("mediation:tally"), {"undo": world.activity("active_listening").pk})
    rows = {row["activity"].code: row["count"] for row in client.get(reverse("mediation:tally")).context["activities"]}
    assert rows["active_listening"] == 0 and rows["presence"] == 2 * LAST_TAPS + 2
