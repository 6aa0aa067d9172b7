"""The daily report's "faits marquants", and the manager's validation of the day: the day's lines are then locked
for mediators on every path that writes a line (quick entry, JSON API, tally, import, edit, delete)."""

import io
import json
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from altm.models import AuditAction, AuditEntry
from mediation import services
from mediation.interchange import COLUMNS
from mediation.models import DailyReport, Intervention
from tests.clock import TODAY, frozen
from tests.mediation.factories import RecordedInterventionFactory

pytestmark = frozen()

LOCKED = "a été validée par votre responsable"


def line(world, **extra):
    fields = {"author": world.mediator, "date": TODAY, "territory": world.territory_a, "site": world.site_a}
    return RecordedInterventionFactory(**(fields | extra), activity_type=world.activity("active_listening"))


def validate(world, day=TODAY):
    return services.validate_day(actor=world.manager, team=world.team_a, day=day)


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def body(world, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("rule_reminder").pk,
        "count": 1,
        **extra,
    }


def test_the_manager_writes_the_highlights_then_validates_audited(client, world):
    client.force_login(world.manager)
    url = reverse("mediation:daily_report_save")
    data = {"team": world.team_a.pk, "date": TODAY.isoformat(), "highlights": "Tension parking Mermoz, apaisée."}
    response = client.post(url, data | {"action": "save"})
    assert response.status_code == 302 and f"team={world.team_a.pk}" in response["Location"]
    report = DailyReport.objects.get()
    assert report.highlights == "Tension parking Mermoz, apaisée." and not report.is_validated
    client.post(url, data | {"action": "validate"})
    report.refresh_from_db()
    assert report.is_validated and report.validated_by == world.manager
    entries = AuditEntry.objects.for_object(report).order_by("id")
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert entries.last().after["validated_by_id"] == world.manager.pk and entries.last().actor == world.manager
    page = unescape(client.get(reverse("mediation:daily_report"), {"date": TODAY.isoformat()}).content.decode())
    assert "Journée validée par Sophie Lambert" in page and "Tension parking Mermoz, apaisée." in page
    client.post(url, data | {"action": "reopen"})
    report.refresh_from_db()
    assert not report.is_validated
    assert AuditEntry.objects.for_object(report).count() == 3


def test_only_the_teams_manager_validates(client, world):
    for user in (world.mediator, world.director):
        client.force_login(user)
        response = client.post(
            reverse("mediation:daily_report_save"),
            {"team": world.team_a.pk, "date": TODAY.isoformat(), "action": "validate"},
        )
        assert response.status_code == 403
    client.force_login(world.manager_other_team)
    response = client.post(
        reverse("mediation:daily_report_save"),
        {"team": world.team_a.pk, "date": TODAY.isoformat(), "action": "validate"},
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.validate_day(actor=world.manager_other_team, team=world.team_a, day=TODAY)
    with pytest.raises(ValidationError):
        services.validate_day(actor=world.manager, team=world.team_a, day=TODAY + timedelta(days=1))
    assert not DailyReport.objects.exists()


def test_a_validated_day_is_locked_for_mediators_on_every_path(client, world, tmp_path):
    existing = line(world)
    validate(world)
    client.force_login(world.mediator)
    # Quick entry (form) and JSON API.
    response = client.post(reverse("mediation:entry"), body(world))
    assert LOCKED in unescape(response.content.decode())
    response = post_json(client, reverse("mediation:api_intervention"), body(world))
    assert response.status_code == 400 and LOCKED in response.json()["errors"]["date"][0]
    # Tally (a tap through the API, and without JavaScript).
    response = post_json(client, reverse("mediation:api_intervention"), body(world, source="tally"))
    assert response.status_code == 400
    # Edit and delete of a line of that day.
    response = client.post(
        reverse("mediation:intervention_edit", args=[existing.pk]),
        {"date": TODAY.isoformat(), "territory": world.territory_a.pk, "activity_type": existing.activity_type_id}
        | {"count": 5},
    )
    existing.refresh_from_db()
    assert existing.count == 1
    with pytest.raises(ValidationError, match="validée"):
        services.delete_intervention(actor=world.mediator, intervention=existing)
    with pytest.raises(ValidationError, match="validée"):
        services.update_intervention(actor=world.mediator, intervention=existing, count=3)
    # Moving another day's line INTO the validated day is refused too.
    other = line(world, date=TODAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="validée"):
        services.update_intervention(actor=world.mediator, intervention=other, date=TODAY)
    # Import by a mediator.
    path = tmp_path / "lignes.csv"
    path.write_text(f"{','.join(COLUMNS)}\n{TODAY.isoformat()},L8,,,rule_reminder,,4,,,,,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(Exception):  # noqa: B017 - the command exits with its French report
        call_command(
            "import_interventions", str(path), "--user", world.mediator.username, stdout=io.StringIO(), stderr=err
        )
    assert Intervention.objects.count() == 2
    # The manager may still correct the day (audited like any change).
    services.update_intervention(actor=world.manager, intervention=existing, count=2)
    existing.refresh_from_db()
    assert existing.count == 2


def test_a_tally_tap_sent_before_validation_and_replayed_after_answers_as_recorded(client, world):
    client.force_login(world.mediator)
    tap = body(world, source="tally", activity_type=world.activity("active_listening").pk)
    assert post_json(client, reverse("mediation:api_intervention"), tap).status_code == 201
    validate(world)
    again = post_json(client, reverse("mediation:api_intervention"), tap)
    assert again.status_code == 200  # a replay, not a new write: answered, nothing added
    assert Intervention.objects.get().count == 1
    undo = client.post(reverse("mediation:api_intervention_undo", args=[tap["uuid"]]))
    assert undo.status_code == 400 and LOCKED in undo.json()["errors"]["__all__"][0]
    assert Intervention.objects.get().count == 1


def test_other_days_and_other_teams_stay_open(client, world):
    validate(world)
    client.force_login(world.mediator)
    response = post_json(
        client, reverse("mediation:api_intervention"), body(world, date=(TODAY - timedelta(days=1)).isoformat())
    )
    assert response.status_code == 201
    client.force_login(world.mediator_other_team)
    response = post_json(
        client,
        reverse("mediation:api_intervention"),
        body(world, territory=world.territory_b.pk, site=""),
    )
    assert response.status_code == 201
