"""Writes on field activity. Views, forms, commands and the admin call these; none of them duplicates them."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.models import AuditAction
from mediation.models import ActivityType, Intervention, InterventionSource, Site, Team, Territory

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
    "duration_minutes",
    "theme",
    "partner_name",
    "landlord",
    "conflict_case",
    "person",
    "note",
]


def team_for(user, territory: Territory) -> Team | None:
    """The team a user logs activity for in a territory: one of their teams that covers it."""
    if user is None:
        return None
    return (
        Team.objects.filter(Q(mediators=user) | Q(managers=user), territories=territory)
        .distinct()
        .order_by("name")
        .first()
    )


def validate_intervention(intervention: Intervention) -> None:
    """Field rules plus the cross-field rules of DOMAIN §3; raises ValidationError with French messages."""
    errors = {}
    try:
        intervention.full_clean(exclude=["uuid"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    activity = intervention.activity_type if intervention.activity_type_id else None
    if (
        intervention.site_id
        and intervention.territory_id
        and intervention.site.territory_id != intervention.territory_id
    ):
        errors.setdefault("site", []).append(_("Ce site n'appartient pas au secteur choisi."))
    if activity and intervention.mode and not activity.uses_mode:
        errors.setdefault("mode", []).append(_("Pas de modalité pour cette activité."))
    if errors:
        raise ValidationError(errors)


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
    if uuid is not None:
        existing = Intervention.objects.filter(uuid=uuid).first()
        if existing is not None:
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
    validate_intervention(intervention)
    try:
        with transaction.atomic():
            intervention.save()
    except IntegrityError:
        # A retry racing the first submission: the first one won, answer with it.
        existing = Intervention.objects.filter(uuid=intervention.uuid).first()
        if existing is None:
            raise
        return existing, False
    log_change(actor=actor, instance=intervention, action=AuditAction.CREATE)
    return intervention, True


@transaction.atomic
def update_intervention(*, actor, intervention: Intervention, **changes) -> Intervention:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"champs non modifiables : {sorted(unknown)}")
    before = snapshot(intervention)
    for name, value in changes.items():
        setattr(intervention, name, value)
    intervention.updated_by = actor
    validate_intervention(intervention)
    intervention.save()
    log_change(actor=actor, instance=intervention, action=AuditAction.UPDATE, before=before)
    return intervention


@transaction.atomic
def delete_intervention(*, actor, intervention: Intervention) -> None:
    before = snapshot(intervention)
    pk = intervention.pk
    intervention.delete()
    intervention.pk = pk
    log_change(actor=actor, instance=intervention, action=AuditAction.DELETE, before=before)
