"""What the partners' services share: refusals for want of a legal basis, and the
audited save of plain records."""

from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction

from altm.audit import log_change, snapshot
from altm.models import AuditAction
from mediation.models import Person


class LegalBasisError(ValidationError):
    """A share or referral refused for want of a valid legal basis."""


def day_text(day: date_type) -> str:
    return f"{day:%d/%m/%Y}"


def lock_consents_of(person_id: int) -> None:
    """Serialise what reads or changes a person's consents (a share, a referral, a withdrawal) until the end of
    the transaction: the person's row is locked, so a share cannot check a consent while it is being withdrawn."""
    list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True))


# --- Generic audited save for plain records (conventions, amendments, commitments, events) ------------------


@transaction.atomic
def save_record(*, actor, instance, m2m_form=None):
    """Save a plain record (validated by its form) and audit it; `m2m_form` saves the many-to-many fields."""
    creating = instance.pk is None
    before = None
    if not creating:
        previous = type(instance).objects.get(pk=instance.pk)
        before = snapshot(previous)
    instance.save()
    if m2m_form is not None:
        m2m_form.save_m2m()
    log_change(
        actor=actor, instance=instance, action=AuditAction.CREATE if creating else AuditAction.UPDATE, before=before
    )
    return instance
