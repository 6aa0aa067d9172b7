"""Intervention lines: record, update, delete. Every path that writes a line comes through here."""

import uuid as uuid_module
from datetime import date as date_type

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import model_errors
from altm.models import AuditAction
from altm.versions import check_version
from mediation import reference, rules
from mediation.models import (
    ActivityType,
    Intervention,
    InterventionSource,
    Site,
    TallyTap,
    Team,
    Territory,
)
from mediation.scoping import member_team_ids
from mediation.services.common import derived_uuid, today

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
    """The team owning what `user` records in `territory` (`rules.choose_team`); `user` may be None. The teams
    covering the territory come from the reference data, the user's memberships from one query (kept on the user)."""
    covering = reference.current().teams_covering(territory.pk)
    members = member_team_ids(user) if covering else set()
    team_id = rules.choose_team([(team.pk, team.pk in members) for team in covering])
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
    validated=None,
) -> None:
    """The model's field checks plus the line rules of `mediation.rules`; raises ValidationError in French.

    `previous_mode` is the line's mode before an edit (None for a new line). The line's year must be open to
    `actor` (`rules.closed_years`); `closed_years` when the caller already has them. Its day must not be validated
    (`rules.validated_days`); `validated` when the caller already read them.
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
    if actor is not None:
        if validated is None:
            validated = rules.validated_days(actor, team_ids=[intervention.team_id], days=[intervention.date])
        if messages := rules.validated_day_errors(intervention.date, intervention.team_id, validated=validated):
            errors.setdefault("date", []).extend(messages)
    if errors:
        raise ValidationError(errors)


def check_day_open(intervention: Intervention, *, actor) -> None:
    """A line of a day its manager validated stays as it is for mediators (`rules.validated_day_errors`)."""
    validated = rules.validated_days(actor, team_ids=[intervention.team_id], days=[intervention.date])
    if messages := rules.validated_day_errors(intervention.date, intervention.team_id, validated=validated):
        raise ValidationError({"date": messages})


def check_year_open(intervention: Intervention, closed_years) -> None:
    """A line already dated in a closed year stays as it is (`rules.closed_year_errors`)."""
    if messages := rules.closed_year_errors(intervention.date, closed_years=closed_years):
        raise ValidationError({"date": messages})


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
    """Record one intervention line. The same `uuid` sent twice returns the first line (created=False).

    A tally tap (source TALLY) adds to the day's tally line instead (`record_tally_tap`).

    Everything is read and checked first; then one short transaction inserts the line and its audit entry. The
    UUID is looked up only when it was already used: the insert then fails on the unique UUID (a double tap, a
    retry, a racing copy) and the first line is answered; a line refused by a rule is answered the same way when
    it turns out to be a retry (a day validated, an activity withdrawn since the first copy was saved)."""
    if source == InterventionSource.TALLY:
        return record_tally_tap(
            actor=actor,
            uuid=uuid,
            date=date,
            territory=territory,
            activity_type=activity_type,
            author=author,
            team=team,
            site=site,
            **fields,
        )
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
    try:
        validate_intervention(intervention, actor=actor)
    except ValidationError:
        if uuid is not None and (existing := _submitted(uuid)) is not None:
            return existing, False
        raise
    try:
        with transaction.atomic():
            intervention.save(force_insert=True)
            log_change(actor=actor, instance=intervention, action=AuditAction.CREATE)
    except IntegrityError:
        if (existing := _submitted(intervention.uuid)) is None:
            raise
        return existing, False  # a retry, or a copy racing the first submission: the first one won
    return intervention, True


def _submitted(uuid) -> Intervention | None:
    """The line an earlier submission with this UUID recorded, with what its confirmation shows."""
    return Intervention.objects.select_related("territory", "site", "activity_type").filter(uuid=uuid).first()


@transaction.atomic
def update_intervention(*, actor, intervention: Intervention, version: int | None = None, **changes) -> Intervention:
    """Change a line. `version`, from the edit form (`altm.versions`): refused when the line changed since."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"champs non modifiables : {sorted(unknown)}")
    check_version(intervention, version)
    closed = rules.closed_years(actor)
    check_year_open(intervention, closed)  # moving a line out of a closed year changes that year too
    check_day_open(intervention, actor=actor)  # nor out of a validated day
    before = snapshot(intervention)
    previous_mode = intervention.mode
    for name, value in changes.items():
        setattr(intervention, name, value)
    intervention.updated_by = actor
    validate_intervention(intervention, previous_mode=previous_mode, closed_years=closed, actor=actor)
    intervention.save()
    log_change(actor=actor, instance=intervention, action=AuditAction.UPDATE, before=before)
    return intervention


@transaction.atomic
def delete_intervention(*, actor, intervention: Intervention) -> None:
    check_year_open(intervention, rules.closed_years(actor))
    check_day_open(intervention, actor=actor)
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


# --- The tally's taps ----------------------------------------------------------------------------------------
# The tally's taps: each +1 keeps its client UUID (a receipt, `TallyTap`) and adds to ONE line per author, day,
# activity and place (`count` n), so a patrol reads as one line per activity; an undo takes back exactly that tap.
#
# Concurrency: every tap and undo of an author first locks the author's row (`select_for_update`), so two taps of
# the same author (two phones, a retry racing the first send) are applied one after the other: the second sees the
# line the first created or changed, never creates a second line, and no increment is lost. The line's own audit
# trail records every change (created with 1, then 1 → 2, …, and each undo), so the history of the figure is whole.

PUBLIC = ("women", "men", "unknown")


def _lock_author(author) -> None:
    get_user_model()._default_manager.select_for_update().filter(pk=author.pk).values_list("pk").first()


def _tally_line(*, author, date: date_type, activity_type, territory, site, team, age_band) -> Intervention | None:
    """The author's tally line of that day for that activity, place and age band (the latest, for days recorded
    one line per tap before taps were added up)."""
    line = (
        Intervention.objects.select_for_update()
        .filter(
            author=author,
            date=date,
            activity_type=activity_type,
            territory=territory,
            site=site,
            team=team,
            age_band=age_band,
            source=InterventionSource.TALLY,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if line is not None:  # the objects it was found by are its own: checking it reads nothing more
        line.author, line.activity_type, line.territory, line.site, line.team = (
            author,
            activity_type,
            territory,
            site,
            team,
        )
    return line


def _answer_replay(tap: TallyTap, *, author) -> Intervention:
    """A tap sent again: its line as it is now (or, once the line is gone, an unsaved stand-in saying so)."""
    if tap.author_id != author.pk:
        raise ValidationError({"uuid": [_("Cet identifiant de saisie est déjà utilisé.")]})
    if tap.line_id is not None:
        return tap.line
    return Intervention(uuid=tap.uuid, date=tap.date, activity_type=tap.activity_type, author=author, count=0)


def record_tally_tap(
    *,
    actor,
    uuid: uuid_module.UUID | str | None,
    date: date_type,
    territory: Territory,
    activity_type: ActivityType,
    site: Site | None = None,
    author=None,
    team: Team | None = None,
    count: int = 1,
    women: int | None = 0,
    men: int | None = 0,
    unknown: int | None = 0,
    age_band: str = "",
    **extras,
) -> tuple[Intervention, bool]:
    """Add one tap (normally +1, with its public) to the day's tally line: (line, created). The same `uuid` again,
    even after an undo, changes nothing and answers with the line.

    A tap is a plain act: any detail (`extras`: a mode, a note, a partner, a person…) is refused rather than added
    to a line that other taps share. An age band is not a detail: taps of one band add up on a line of their own."""
    if given := sorted(name for name, value in extras.items() if value not in (None, "")):
        raise ValidationError(
            {
                name: [_("La tournée compte des actes simples : pour ce détail, utilisez la saisie rapide.")]
                for name in given
            }
        )
    author = author if author is not None else actor
    uuid = uuid or uuid_module.uuid4()
    team = team or team_for(author, territory)
    public = {"women": women or 0, "men": men or 0, "unknown": unknown or 0}
    # Read before the transaction: the day's validation (the closed years are reference data, kept in memory).
    validated = rules.validated_days(actor, team_ids=[team.pk if team else None], days=[date])
    with transaction.atomic():
        _lock_author(author)
        # After the lock: a copy of this tap applied by a racing request is seen here.
        if (tap := TallyTap.objects.select_related("line").filter(uuid=uuid).first()) is not None:
            return _answer_replay(tap, author=author), False
        line = _tally_line(
            author=author,
            date=date,
            activity_type=activity_type,
            territory=territory,
            site=site,
            team=team,
            age_band=age_band or "",
        )
        created = line is None
        if created:
            line = Intervention(
                uuid=derived_uuid(uuid, "tally-line"),
                date=date,
                territory=territory,
                site=site,
                activity_type=activity_type,
                author=author,
                team=team,
                source=InterventionSource.TALLY,
                count=count,
                age_band=age_band or "",
                created_by=actor,
                updated_by=actor,
                **public,
            )
            before = None
        else:
            before = snapshot(line)
            line.count += count
            for name in PUBLIC:
                setattr(line, name, getattr(line, name) + public[name])
            line.updated_by = actor
        validate_intervention(line, actor=actor, validated=validated)
        line.save()
        action = AuditAction.CREATE if created else AuditAction.UPDATE
        log_change(actor=actor, instance=line, action=action, before=before)
        TallyTap.objects.create(
            uuid=uuid,
            line=line,
            author=author,
            date=date,
            activity_type=activity_type,
            count=count,
            **public,
        )
    return line, True


@transaction.atomic
def undo_tally_tap(*, actor, tap: TallyTap) -> bool:
    """Take back one tap: its line loses the tap's count and public (and goes when nothing is left). Undoing a tap
    twice changes nothing the second time (False)."""
    _lock_author(tap.author)
    tap = TallyTap.objects.select_for_update().get(pk=tap.pk)
    if tap.undone_at is not None:
        return False
    line = Intervention.objects.select_for_update().filter(pk=tap.line_id).first() if tap.line_id else None
    if line is not None:
        check_year_open(line, rules.closed_years(actor))
        check_day_open(line, actor=actor)
        if line.count <= tap.count:
            before = snapshot(line)
            pk = line.pk
            line.delete()
            line.pk = pk
            log_change(actor=actor, instance=line, action=AuditAction.DELETE, before=before)
        else:
            before = snapshot(line)
            line.count -= tap.count
            for name in PUBLIC:
                setattr(line, name, max(0, getattr(line, name) - getattr(tap, name)))
            line.updated_by = actor
            line.save()
            log_change(actor=actor, instance=line, action=AuditAction.UPDATE, before=before)
    tap.undone_at = timezone.now()
    tap.save(update_fields=["undone_at"])
    return True
