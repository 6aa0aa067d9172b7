"""What the partners' services share: refusals for want of a legal basis, and the
audited save of plain records."""

from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, save_once
from altm.models import AuditAction
from altm.versions import check_version
from mediation import rules
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


def check_dated_in_open_year(actor, instance, previous) -> None:
    """A dated record the annual report counts (a partner event) stays out of closed years, before and after."""
    if not any(field.name == "date" for field in instance._meta.concrete_fields):
        return
    closed = rules.closed_years(actor)
    days = {instance.date, previous.date if previous is not None else None} - {None}
    messages = [message for day in sorted(days) for message in rules.closed_year_errors(day, closed_years=closed)]
    if messages:
        raise ValidationError({"date": messages})


@transaction.atomic
def save_record(*, actor, instance, m2m_form=None, version: int | None = None):
    """Save a plain record (validated by its form) and audit it; `m2m_form` saves the many-to-many fields.

    A new record carrying a client `uuid` is saved once: a double tap, a retry or a concurrent copy gets the first.
    A change carrying the `version` its form was read at (`altm.versions`) is refused when the record changed since.
    """
    creating = instance.pk is None
    before = previous = None
    if not creating:
        check_version(instance, version)  # locks the row first
        previous = type(instance).objects.get(pk=instance.pk)
        before = snapshot(previous)
    check_dated_in_open_year(actor, instance, previous)
    if not creating:
        instance.save()
    elif getattr(instance, "uuid", None) is not None:
        if (existing := already_submitted(type(instance), instance.uuid)) is not None:
            return existing
        instance, created = save_once(instance)
        if not created:
            return instance
    else:
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:  # a unique rule (an amendment's number…) met by a concurrent copy of the same form
            raise ValidationError(
                _("Cet enregistrement existe déjà : la saisie a sans doute été envoyée deux fois.")
            ) from None
    if m2m_form is not None:
        m2m_form.save_m2m()
    log_change(
        actor=actor, instance=instance, action=AuditAction.CREATE if creating else AuditAction.UPDATE, before=before
    )
    return instance
