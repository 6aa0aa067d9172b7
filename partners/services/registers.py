"""Writes on the registers. A training session is recorded with who attended it, in one transaction, audited."""

from django.db import transaction

from altm.audit import log_change
from altm.idempotency import already_submitted
from altm.models import AuditAction
from partners.models import TrainingAttendance, TrainingSession
from partners.services.common import save_record


@transaction.atomic
def record_training_session(*, actor, instance: TrainingSession, employees) -> TrainingSession:
    """Save a new session and one attendance per employee (the whole session each). A resubmitted form (same
    client UUID) returns the first session and adds nothing."""
    if instance.uuid is not None and (existing := already_submitted(TrainingSession, instance.uuid)) is not None:
        return existing
    session = save_record(actor=actor, instance=instance)
    for employee in employees:
        attendance, created = TrainingAttendance.objects.get_or_create(session=session, employee=employee)
        if created:
            log_change(actor=actor, instance=attendance, action=AuditAction.CREATE)
    return session
