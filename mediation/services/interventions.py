"""Intervention lines: record, update, delete. Every path that writes a line comes through here."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, model_errors, save_once
from altm.models import AuditAction
from altm.versions import check_version
from mediation import rules
from mediation.models import (
    ActivityType,
    Intervention,
    InterventionSource,
    Site,
    Team,
    Territory,
)
from mediation.services.common import today

EDITABLE_FIELDS = [
    "date",
    "territory",
    "site",
    "activity_type",
    "mode",
    "count",
    "women",
    "men",
    "unknown",
    "age_band",
    "duration_minutes",
    "theme",
    "partner_name",
    "landlord",
    "conflict_case",
    "person",
    "note",
]


def team_for(user, territory: Territory) -> Team | None:
    """The team owning what `user` records in `territory` (`rules.choose_team`); `user` may be None."""
    members = Q(mediators=user) | Q(managers=user) if user is not None and user.pk else Q(pk__in=[])
    covering = list(
        Team.objects.filter(territories=territory)
        .annotate(is_member=Exists(Team.objects.filter(members, pk=OuterRef("pk"))))
        .order_by("name")
    )
    team_id = rules.choose_team([(team.pk, team.is_member) for team in covering])
    return next((team for team in covering if team.pk == team_id), None)


def check_site_in_territory(errors: dict, site: Site | None, territory: Territory) -> None:
    """Add the French error under `site` when the site lies in another territory (`rules.site_errors`)."""
    messages = rules.site_errors(territory.pk, site.territory_id if site is not None else None)
    if messages:
        errors.setdefault("site", []).extend(messages)


def validate_intervention(
    intervention: Intervention,
    *,
    require_mode: bool = True,
    previous_mode: str | None = None,
    actor=None,
    closed_years=None,
) -> None:
    """The model's field checks plus the line rules of `mediation.rules`; raises ValidationError in French.

    `previous_mode` is the line's mode before an edit (None for a new line). The line's year must be open to
    `actor` (`rules.closed_years`); `closed_years` when the caller already has them.
    """
    if closed_years is None:
        closed_years = rules.closed_years(actor)
    errors = {}
    # Related objects arrive as instances (already read) and the database enforces its own constraints: check
    # field values in Python only, so recording a line costs no extra query.
    relations = [field.name for field in Intervention._meta.concrete_fields if field.is_relation]
    errors.update(
        model_errors(intervention, exclude=["uuid", *relations], validate_unique=False, validate_constraints=False)
    )
    found = rules.intervention_errors(
        day=intervention.date,
        territory_id=intervention.territory_id,
        site_territory_id=intervention.site.territory_id if intervention.site_id else None,
        activity=intervention.activity_type if intervention.activity_type_id else None,
        mode=intervention.mode,
        count=intervention.count,
        women=intervention.women,
        men=intervention.men,
        unknown=intervention.unknown,
        duration_minutes=intervention.duration_minutes,
        note=intervention.note,
        today=today(),
        source=intervention.source,
        previous_mode=previous_mode,
        require_mode=require_mode and intervention.source != InterventionSource.IMPORT,
        closed_years=closed_years,
        age_band=intervention.age_band,
    )
    for name, messages in found.items():
        # The rule's message replaces the model's generic one for the same field (e.g. "Modalité inconnue").
        errors[name] = messages
    if errors:
        raise ValidationError(errors)


def check_year_open(intervention: Intervention, closed_years) -> None:
    """A line already dated in a closed year stays as it is (`rules.closed_year_errors`)."""
    if messages := rules.closed_year_errors(intervention.date, closed_years=closed_years):
        raise ValidationError({"date": messages})


@transaction.atomic
def record_intervention(
    *,
    actor,
    uuid: uuid_module.UUID | str | None = None,
    date: date_type,
    territory: Territory,
    activity_type: ActivityType,
    author=None,
    team: Team | None = None,
    site: Site | None = None,
    source: str = InterventionSource.ENTRY,
    **fields,
) -> tuple[Intervention, bool]:
    """Record one intervention line. The same `uuid` sent twice returns the first line (created=False)."""
    if (existing := already_submitted(Intervention, uuid)) is not None:
        return existing, False
    author = author if author is not None else actor
    intervention = Intervention(
        uuid=uuid or uuid_module.uuid4(),
        date=date,
        territory=territory,
        activity_type=activity_type,
        site=site,
        author=author,
        team=team or team_for(author, territory),
        source=source,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    validate_intervention(intervention, actor=actor)
    intervention, created = save_once(intervention)
    if not created:
        return intervention, False  # a retry racing the first submission: the first one won
    log_change(actor=actor, instance=intervention, action=AuditAction.CREATE)
    return intervention, True


@transaction.atomic
def update_intervention(*, actor, intervention: Intervention, version: int | None = None, **changes) -> Intervention:
    """Change a line. `version`, from the edit form (`altm.versions`): refused when the line changed since."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"champs non modifiables : {sorted(unknown)}")
    check_version(intervention, version)
    closed = rules.closed_years(actor)
    check_year_open(intervention, closed)  # moving a line out of a closed year changes that year too
    before = snapshot(intervention)
    previous_mode = intervention.mode
    for name, value in changes.items():
        setattr(intervention, name, value)
    intervention.updated_by = actor
    validate_intervention(intervention, previous_mode=previous_mode, closed_years=closed)
    intervention.save()
    log_change(actor=actor, instance=intervention, action=AuditAction.UPDATE, before=before)
    return intervention


@transaction.atomic
def delete_intervention(*, actor, intervention: Intervention) -> None:
    check_year_open(intervention, rules.closed_years(actor))
    before = snapshot(intervention)
    pk = intervention.pk
    intervention.delete()
    intervention.pk = pk
    log_change(actor=actor, instance=intervention, action=AuditAction.DELETE, before=before)


def record_line_for(record, *, actor, code: str, source: str, date, uuid, **fields) -> tuple[Intervention, bool]:
    """The line counting a case-work record (a conflict case, a technical report): in the record's territory, site
    and team, with the activity `code`. The same `uuid` twice gives the first line."""
    return record_intervention(
        actor=actor,
        uuid=uuid,
        date=date,
        territory=record.territory,
        site=record.site,
        team=record.team,
        activity_type=ActivityType.objects.get(code=code),
        source=source,
        **fields,
    )
