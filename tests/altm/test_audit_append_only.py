from datetime import date

import pytest

from altm.models import AppendOnlyError, AuditEntry, redaction
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
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(after={})
    entry.refresh_from_db()
    assert entry.after["count"] == 1


def test_an_audit_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_redaction_is_the_one_way_to_change_a_row_and_it_never_deletes(entry):
    with redaction():
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="Personne anonymisée")
        with pytest.raises(AppendOnlyError, match="ne se supprime pas"):
            AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.object_repr == "Personne anonymisée"
    with pytest.raises(AppendOnlyError, match="ne se modifie pas"):
        entry.save()
