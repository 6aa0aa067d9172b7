from datetime import date

import pytest

from altm.models import AuditEntry, AuditTrailIsAppendOnly
from tests.mediation.factories import RecordedInterventionFactory


@pytest.fixture
def entry(world):
    RecordedInterventionFactory(
        author=world.mediator,
        date=date(2026, 11, 2),
        territory=world.territory_a,
        activity_type=world.activity("rule_reminder"),
    )
    return AuditEntry.objects.get()


def test_an_audit_entry_cannot_be_changed(entry):
    entry.after = {"count": 99}
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(after={})
    entry.refresh_from_db()
    assert entry.after["count"] == 1


def test_an_audit_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1
