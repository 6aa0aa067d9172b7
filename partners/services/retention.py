"""Retention: persons without contact for too long are anonymised, their free text erased, every count kept."""

from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, DateField, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import erase_fields, log_bulk, redact, snapshot
from altm.models import AuditAction
from mediation.models import (
    ConflictCase,
    ConflictSession,
    FollowUp,
    FollowUpContact,
    Intervention,
    Person,
    PersonReadLog,
)
from partners.models import Consent, ConsentWithdrawal, InformationShare, Referral

# --- Retention ----------------------------------------------------------------------------------------------


RETENTION_BATCH = 1000


@dataclass
class RetentionResult:
    cutoff: date_type
    person_ids: list[int]
    dry_run: bool


def persons_past_retention(*, today: date_type, days: int):
    """Persons not anonymised whose last contact (any dated trace) is older than `days` days."""
    cutoff = today - timedelta(days=days)

    def latest(queryset, field):
        return Subquery(
            queryset.filter(person=OuterRef("pk")).order_by().values("person").annotate(m=Max(field)).values("m")[:1],
            output_field=DateField(),
        )

    floor = date_type(1900, 1, 1)
    last_contact = Greatest(
        Coalesce(F("last_contact_on"), TruncDate("created_at"), floor, output_field=DateField()),
        Coalesce(latest(Intervention.objects, "date"), floor, output_field=DateField()),
        Coalesce(latest(Referral.objects, "date"), floor, output_field=DateField()),
        Coalesce(latest(FollowUp.objects, "started_on"), floor, output_field=DateField()),
        Coalesce(latest(FollowUp.objects, "ended_on"), floor, output_field=DateField()),
        Coalesce(latest(FollowUp.objects, "next_action_on"), floor, output_field=DateField()),
        Coalesce(latest(FollowUpContact.objects, "date"), floor, output_field=DateField()),
        Coalesce(latest(Consent.objects, "given_on"), floor, output_field=DateField()),
        output_field=DateField(),
    )
    return (
        Person.objects.filter(anonymised_at__isnull=True)
        .annotate(last_contact=last_contact)
        .filter(last_contact__lt=cutoff),
        cutoff,
    )


@transaction.atomic
def apply_retention(
    *, actor=None, today: date_type | None = None, days: int | None = None, dry_run: bool = False
) -> RetentionResult:
    """Anonymise persons with no contact for `days` days (settings.RETENTION_DAYS).

    The person row stays (so every count by gender, age band, territory and team is unchanged); what could identify
    them goes: alias replaced, contact and birth year cleared, every free text tied to them emptied
    (`erase_personal_text`), in the rows and in the audit trail.
    """
    today = today or timezone.localdate()
    days = settings.RETENTION_DAYS if days is None else days
    persons, cutoff = persons_past_retention(today=today, days=days)
    ids = list(persons.order_by("pk").values_list("pk", flat=True))
    if dry_run or not ids:
        return RetentionResult(cutoff=cutoff, person_ids=ids, dry_run=dry_run)
    now = timezone.now()
    alias = Concat(Value(_("Anonymisé n°")), Cast("pk", output_field=CharField()), output_field=CharField())
    for start in range(0, len(ids), RETENTION_BATCH):
        batch = ids[start : start + RETENTION_BATCH]
        Person.objects.filter(pk__in=batch).update(alias=alias, contact="", birth_year=None, anonymised_at=now)
        redact(model=Person, object_ids=batch, fields=PERSON_FIELDS, object_repr=_("Personne anonymisée n°{id}"))
        erase_personal_text(batch, actor=actor, at=now)
    persons = Person.objects.filter(anonymised_at=now).order_by("pk")
    # The audit keeps only the anonymised state: a "before" snapshot would keep what we just erased.
    log_bulk(
        actor=actor,
        model=Person,
        at=now,
        changes=(
            (person.pk, str(person), AuditAction.UPDATE, None, snapshot(person))
            for person in persons.iterator(chunk_size=2000)
        ),
    )
    return RetentionResult(cutoff=cutoff, person_ids=ids, dry_run=False)


PERSON_FIELDS = ["alias", "contact", "birth_year"]


def linked_conflict_cases(person_ids: list[int]):
    """Conflict cases tied to these persons. A case names no person itself: it is tied to one when one of its lines
    (its real-time line, a session's line, a line recorded against it) names the person."""
    return ConflictCase.objects.filter(
        pk__in=Intervention.objects.filter(person_id__in=person_ids).values("conflict_case")
    )


def personal_text(person_ids: list[int]) -> list[tuple]:
    """Every free text tied to these persons: (rows, erased values, name of their audit entries or None).

    Journals (consents, withdrawals, shares) keep their rows, dates, categories and legal bases: only the text goes.
    """
    cases = linked_conflict_cases(person_ids)
    return [
        (FollowUp.objects.filter(person_id__in=person_ids), {"note": "", "next_action": ""}, _("Suivi n°{id}")),
        (FollowUpContact.objects.filter(person_id__in=person_ids), {"note": ""}, None),
        (
            Intervention.objects.filter(Q(person_id__in=person_ids) | Q(conflict_case__in=cases)),
            {"note": ""},
            None,
        ),
        (
            Referral.objects.filter(person_id__in=person_ids),
            {"reason": "", "status_reason": ""},
            _("Mise en relation n°{id}"),
        ),
        (Consent.objects.filter(person_id__in=person_ids), {"note": ""}, None),
        (ConsentWithdrawal.objects.filter(consent__person_id__in=person_ids), {"note": ""}, None),
        (
            InformationShare.objects.filter(person_id__in=person_ids),
            {"justification": "", "parents_not_informed_reason": ""},
            None,
        ),
        (PersonReadLog.objects.filter(person_id__in=person_ids), {"reason": ""}, None),
        (ConflictSession.objects.filter(case__in=cases), {"outcome": ""}, None),
        (
            cases,
            {"title": _("Situation anonymisée"), "parties_description": "", "outcome_note": ""},
            _("Situation de conflit n°{id}"),
        ),
    ]


def erase_personal_text(person_ids: list[int], *, actor=None, at=None) -> int:
    """Erase every free text tied to these persons, on the rows and in their audit entries, through the one erasure
    path (`altm.audit.erase_fields`, itself journaled). Returns the rows changed."""
    return sum(
        erase_fields(actor=actor, queryset=rows, values=values, object_repr=object_repr, at=at)
        for rows, values, object_repr in personal_text(person_ids)
    )
