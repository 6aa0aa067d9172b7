"""A submission cut off half-way (a crash, the database going away) leaves nothing half-saved, and can be re-sent."""

import json
import uuid
from datetime import date

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from altm.models import AuditEntry
from mediation import services
from mediation.models import Intervention
from mediation.services import interventions as intervention_services


def fail_after_the_row_is_written(*args, **kwargs):
    assert Intervention.objects.count() == 1  # the line is already in the table, inside the transaction
    raise OperationalError("server closed the connection unexpectedly")


def test_service_interrupted_after_saving_leaves_no_row(world, monkeypatch):
    monkeypatch.setattr(intervention_services, "log_change", fail_after_the_row_is_written)
    with pytest.raises(OperationalError):
        services.record_intervention(
            actor=world.mediator,
            date=date(2026, 11, 3),
            territory=world.territory_a,
            activity_type=world.activity("rule_reminder"),
        )
    assert Intervention.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_interrupted_update_keeps_the_previous_values(world, monkeypatch):
    line, _ = services.record_intervention(
        actor=world.mediator,
        date=date(2026, 11, 3),
        territory=world.territory_a,
        activity_type=world.activity("presence"),
    )
    monkeypatch.setattr(intervention_services, "log_change", fail_after_the_row_is_written)
    with pytest.raises(OperationalError):
        services.update_intervention(actor=world.manager, intervention=line, count=8, note="jamais enregistré")
    line.refresh_from_db()
    assert (line.count, line.note) == (1, "")
    assert AuditEntry.objects.count() == 1  # the creation only


def test_api_submission_cut_off_then_resent_is_saved_once(world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world.mediator)
    key = str(uuid.uuid4())
    body = json.dumps(
        {
            "uuid": key,
            "date": "2026-11-03",
            "territory": world.territory_a.pk,
            "activity_type": world.activity("rule_reminder").pk,
            "count": 2,
        }
    )
    url = reverse("mediation:api_intervention")
    monkeypatch.setattr(intervention_services, "log_change", fail_after_the_row_is_written)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 500
    assert Intervention.objects.count() == 0 and AuditEntry.objects.count() == 0

    monkeypatch.undo()  # the database is back; the phone's outbox sends the same line again
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 200
    assert Intervention.objects.filter(uuid=key).count() == 1
    assert AuditEntry.objects.count() == 1
