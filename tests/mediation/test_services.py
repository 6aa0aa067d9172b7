import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from altm.models import AuditEntry
from mediation import services
from mediation.models import Intervention


def test_same_uuid_twice_gives_one_line(world):
    key = uuid.uuid4()
    first, created = services.record_intervention(
        actor=world.mediator,
        uuid=key,
        date=date(2026, 11, 2),
        territory=world.territory_a,
        activity_type=world.activity("active_listening"),
        count=3,
    )
    again, created_again = services.record_intervention(
        actor=world.mediator,
        uuid=key,
        date=date(2026, 11, 2),
        territory=world.territory_a,
        activity_type=world.activity("active_listening"),
        count=3,
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Intervention.objects.count() == 1
    assert first.team == world.team_a


def test_site_of_another_territory_is_refused_in_french(world):
    with pytest.raises(ValidationError) as exc:
        services.record_intervention(
            actor=world.mediator,
            date=date(2026, 11, 2),
            territory=world.territory_a,
            site=world.site_b,
            activity_type=world.activity("rule_reminder"),
        )
    assert exc.value.message_dict["site"] == ["Ce site n'appartient pas au secteur choisi."]
    assert Intervention.objects.count() == 0


def test_update_and_delete_keep_who_when_what(world):
    line, _ = services.record_intervention(
        actor=world.mediator,
        date=date(2026, 11, 2),
        territory=world.territory_a,
        activity_type=world.activity("rule_reminder"),
        count=2,
    )
    services.update_intervention(actor=world.manager, intervention=line, count=5)
    services.delete_intervention(actor=world.manager, intervention=line)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].actor == world.manager
    assert ("count", 2, 5) in entries[1].changed_fields()
    assert entries[2].before["count"] == 5
