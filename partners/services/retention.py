"""Retention: persons without contact for too long are anonymised, their free text erased, every count kept."""

from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, DateField, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_bulk, redact, snapshot
from altm.models import AuditAction
from mediation.models import (
    FollowUp,
    Intervention,
    Person,
)
from partners.models import (
    Consent,
    Referral,
)

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
    them goes: alias replaced, contact and birth year cleared, free-text notes about them emptied.
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
        FollowUp.objects.filter(person_id__in=batch).update(note="", next_action="")
        Intervention.objects.filter(person_id__in=batch).update(note="")
        Referral.objects.filter(person_id__in=batch).update(reason="", status_reason="")
        redact_audit_trail(batch)
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


def redact_audit_trail(person_ids: list[int]) -> None:
    """Erase from past audit entries what retention erased from the rows (the entries themselves stay)."""
    redact(
        model=Person,
        object_ids=person_ids,
        fields=["alias", "contact", "birth_year"],
        object_repr=_("Personne anonymisée n°{id}"),
    )
    redact(
        model=FollowUp,
        object_ids=FollowUp.objects.filter(person_id__in=person_ids).values_list("pk", flat=True),
        fields=["note", "next_action"],
        object_repr=_("Suivi n°{id}"),
    )
    redact(
        model=Intervention,
        object_ids=Intervention.objects.filter(person_id__in=person_ids).values_list("pk", flat=True),
        fields=["note"],
    )
    redact(
        model=Referral,
        object_ids=Referral.objects.filter(person_id__in=person_ids).values_list("pk", flat=True),
        fields=["reason", "status_reason"],
        object_repr=_("Mise en relation n°{id}"),
    )
