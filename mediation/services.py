"""Writes on field activity. Views, forms, commands and the admin call these; none of them duplicates them."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, save_once
from altm.models import AuditAction
from mediation import rules
from mediation.models import (
    ActivityType,
    AgeBand,
    ConflictCase,
    ConflictOutcome,
    ConflictSession,
    ConflictStatus,
    FollowUp,
    FollowUpKind,
    Intervention,
    InterventionSource,
    Landlord,
    Person,
    PersonReadLog,
    SessionKind,
    Site,
    Team,
    TechnicalReport,
    TechnicalReportStatus,
    Territory,
)

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


def validate_intervention(intervention: Intervention, *, require_mode: bool = True) -> None:
    """The model's field checks plus the line rules of `mediation.rules`; raises ValidationError in French."""
    errors = {}
    # Related objects arrive as instances (already read) and the database enforces its own constraints: check
    # field values in Python only, so recording a line costs no extra query.
    relations = [field.name for field in Intervention._meta.concrete_fields if field.is_relation]
    try:
        intervention.full_clean(exclude=["uuid", *relations], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
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
        today=_today(),
        require_mode=require_mode and intervention.source != InterventionSource.IMPORT,
    )
    for name, messages in found.items():
        # The rule's message replaces the model's generic one for the same field (e.g. "Modalité inconnue").
        errors[name] = messages
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
    validate_intervention(intervention)
    intervention, created = save_once(intervention)
    if not created:
        return intervention, False  # a retry racing the first submission: the first one won
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


# --- Case work: conflict cases, follow-ups, person read log, technical watch ---------------------------------


def _today() -> date_type:
    return timezone.localdate()


def _activity(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def _derived_uuid(parent: uuid_module.UUID, purpose: str) -> uuid_module.UUID:
    """A line's UUID derived from its parent's, so the line a case or report records exists once."""
    return uuid_module.uuid5(parent, purpose)


def _check_day(errors: dict, field: str, day: date_type | None, *, not_before: date_type | None, label: str) -> None:
    if day is None:
        return
    if day > _today():
        errors.setdefault(field, []).append(_("La date ne peut pas être dans le futur."))
    elif not_before is not None and day < not_before:
        errors.setdefault(field, []).append(
            _("La date ne peut pas précéder %(label)s (%(day)s).") % {"label": label, "day": f"{not_before:%d/%m/%Y}"}
        )


@transaction.atomic
def open_conflict_case(
    *,
    actor,
    uuid: uuid_module.UUID | str | None = None,
    title: str,
    territory: Territory,
    parties: str,
    opened_on: date_type,
    team: Team | None = None,
    site: Site | None = None,
    is_real_time: bool = False,
    parties_description: str = "",
) -> tuple[ConflictCase, bool]:
    """Open a conflict case; a real-time case also records its `conflict_real_time` line. Same `uuid` twice: once."""
    if (existing := already_submitted(ConflictCase, uuid)) is not None:
        return existing, False
    case = ConflictCase(
        uuid=uuid or uuid_module.uuid4(),
        title=title,
        territory=territory,
        site=site,
        team=team or team_for(actor, territory),
        is_real_time=is_real_time,
        parties=parties,
        parties_description=parties_description,
        opened_on=opened_on,
        status=ConflictStatus.OPEN,
        created_by=actor,
    )
    errors = {}
    try:
        case.full_clean(exclude=["uuid"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    check_site_in_territory(errors, site, territory)
    _check_day(errors, "opened_on", opened_on, not_before=None, label="")
    if errors:
        raise ValidationError(errors)
    case, created = save_once(case)
    if not created:
        return case, False  # a retry racing the first submission: the first one won
    log_change(actor=actor, instance=case, action=AuditAction.CREATE)
    if is_real_time:
        record_intervention(
            actor=actor,
            uuid=_derived_uuid(case.uuid, "conflict_real_time"),
            date=opened_on,
            territory=territory,
            site=site,
            team=case.team,
            activity_type=_activity("conflict_real_time"),
            source=InterventionSource.CONFLICT,
            conflict_case=case,
        )
    return case, True


@transaction.atomic
def record_conflict_session(
    *,
    actor,
    case: ConflictCase,
    kind: str,
    date: date_type,
    uuid: uuid_module.UUID | str | None = None,
    outcome: str = "",
    agreement_reached: bool = False,
    women: int = 0,
    men: int = 0,
    unknown: int = 0,
) -> tuple[ConflictSession, bool]:
    """Log a session (navette, table ronde, deferred contact) and its intervention line, both exactly once.

    The line's activity is the session kind; the one-to-one link between session and line, and the line's unique
    UUID, make a double submit or a retry answer with the first session.
    """
    if uuid is not None:
        existing = ConflictSession.objects.filter(intervention__uuid=uuid).first()
        if existing is not None:
            return existing, False
    case = ConflictCase.objects.select_for_update().get(pk=case.pk)
    errors = {}
    if case.is_closed:
        errors.setdefault("__all__", []).append(
            _("Cette situation est clôturée : aucune rencontre ne peut s'y ajouter.")
        )
    if kind not in SessionKind.values:
        errors.setdefault("kind", []).append(_("Type de rencontre inconnu."))
    _check_day(errors, "date", date, not_before=case.opened_on, label=_("l'ouverture de la situation"))
    if errors:
        raise ValidationError(errors)
    line, created = record_intervention(
        actor=actor,
        uuid=uuid,
        date=date,
        territory=case.territory,
        site=case.site,
        team=case.team,
        activity_type=_activity(kind),
        source=InterventionSource.CONFLICT,
        conflict_case=case,
        women=women,
        men=men,
        unknown=unknown,
    )
    if not created:
        session = ConflictSession.objects.filter(intervention=line).first()
        if session is not None:
            return session, False
        raise ValidationError(_("Cet identifiant de saisie appartient déjà à une autre ligne d'activité."))
    session = ConflictSession.objects.create(
        case=case,
        kind=kind,
        date=date,
        outcome=outcome,
        agreement_reached=agreement_reached and kind == SessionKind.ROUND_TABLE,
        intervention=line,
    )
    log_change(actor=actor, instance=session, action=AuditAction.CREATE)
    return session, True


@transaction.atomic
def record_conflict_agreement(
    *, actor, case: ConflictCase, agreement_on: date_type | None, followup_on: date_type | None
) -> ConflictCase:
    """Record the protocole d'accord and when to check it holds; the case becomes "accord à suivre"."""
    case = ConflictCase.objects.select_for_update().get(pk=case.pk)
    errors = {}
    if case.is_closed:
        errors.setdefault("__all__", []).append(_("Cette situation est clôturée."))
    if agreement_on is None:
        errors.setdefault("agreement_on", []).append(_("Indiquez la date du protocole d'accord."))
    if followup_on is None:
        errors.setdefault("agreement_followup_on", []).append(_("Indiquez quand vérifier que l'accord tient."))
    _check_day(errors, "agreement_on", agreement_on, not_before=case.opened_on, label=_("l'ouverture de la situation"))
    if agreement_on and followup_on and followup_on < agreement_on:
        errors.setdefault("agreement_followup_on", []).append(
            _("Le suivi de l'accord ne peut pas précéder sa signature.")
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(case)
    case.agreement_on = agreement_on
    case.agreement_followup_on = followup_on
    case.status = ConflictStatus.AGREEMENT
    case.save(update_fields=["agreement_on", "agreement_followup_on", "status"])
    log_change(actor=actor, instance=case, action=AuditAction.UPDATE, before=before)
    return case


@transaction.atomic
def close_conflict_case(
    *, actor, case: ConflictCase, closed_on: date_type | None, outcome: str, outcome_note: str = ""
) -> ConflictCase:
    case = ConflictCase.objects.select_for_update().get(pk=case.pk)
    errors = {}
    if case.is_closed:
        errors.setdefault("__all__", []).append(_("Cette situation est déjà clôturée."))
    if closed_on is None:
        errors.setdefault("closed_on", []).append(_("Indiquez la date de clôture."))
    if not outcome:
        errors.setdefault("outcome", []).append(_("Indiquez l'issue de la situation."))
    elif outcome not in ConflictOutcome.values:
        errors.setdefault("outcome", []).append(_("Issue inconnue."))
    _check_day(errors, "closed_on", closed_on, not_before=case.opened_on, label=_("l'ouverture de la situation"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(case)
    case.closed_on = closed_on
    case.outcome = outcome
    case.outcome_note = outcome_note
    case.status = ConflictStatus.CLOSED
    case.save(update_fields=["closed_on", "outcome", "outcome_note", "status"])
    log_change(actor=actor, instance=case, action=AuditAction.UPDATE, before=before)
    return case


def age_band_for(birth_year: int, on: date_type) -> str:
    age = on.year - birth_year
    if age < 16:
        return AgeBand.UNDER_16
    if age <= 25:
        return AgeBand.YOUNG_16_25
    if age < 60:
        return AgeBand.ADULT_26_59
    return AgeBand.SENIOR_60


YOUNG_ADULT_AGES = (16, 25)


def _young_adult_errors(person: Person, started_on: date_type) -> list[str]:
    low, high = YOUNG_ADULT_AGES
    age = person.age_on(started_on)
    if age is not None:
        if not low <= age <= high:
            return [
                _("Un suivi jeune adulte concerne les %(low)s-%(high)s ans : cette personne a %(age)s ans.")
                % {"low": low, "high": high, "age": age}
            ]
        return []
    if person.age_band != AgeBand.YOUNG_16_25:
        return [
            _("Un suivi jeune adulte concerne les 16-25 ans : indiquez l'année de naissance ou la tranche 16-25 ans.")
        ]
    return []


@transaction.atomic
def record_followup(
    *,
    actor,
    kind: str,
    team: Team,
    started_on: date_type,
    person: Person | None = None,
    new_person: dict | None = None,
    uuid: uuid_module.UUID | str | None = None,
    next_action_on: date_type | None = None,
    next_action: str = "",
    note: str = "",
) -> tuple[FollowUp, bool]:
    """Start a follow-up of a known person, or of a new minimal person record (`new_person`: alias, birth_year,
    age_band, gender, territory). The age band follows from the birth year when given. Same `uuid` twice: once."""
    if (existing := already_submitted(FollowUp, uuid)) is not None:
        return existing, False
    errors = {}
    created_person = person is None
    if created_person:
        data = dict(new_person or {})
        person = Person(team=team, created_by=actor, last_contact_on=started_on, **data)
        if person.birth_year:
            person.age_band = age_band_for(person.birth_year, _today())
        try:
            person.full_clean(exclude=["team"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if person.birth_year and not 1900 <= person.birth_year <= _today().year:
            errors.setdefault("birth_year", []).append(_("Année de naissance invalide."))
        if person.territory_id and not team.territories.filter(pk=person.territory_id).exists():
            errors.setdefault("territory", []).append(_("Ce secteur n'est pas celui de votre équipe."))
    elif person.team_id != team.pk:
        errors.setdefault("person", []).append(_("Cette personne est suivie par une autre équipe."))
    _check_day(errors, "started_on", started_on, not_before=None, label="")
    if kind == FollowUpKind.YOUNG_ADULT and not errors:
        for message in _young_adult_errors(person, started_on):
            errors.setdefault("kind", []).append(message)
    if errors:
        raise ValidationError(errors)
    if created_person:
        person.save()
        log_change(actor=actor, instance=person, action=AuditAction.CREATE)
    elif person.last_contact_on is None or person.last_contact_on < started_on:
        before = snapshot(person)
        person.last_contact_on = started_on
        person.save(update_fields=["last_contact_on"])
        log_change(actor=actor, instance=person, action=AuditAction.UPDATE, before=before)
    followup = FollowUp(
        uuid=uuid or uuid_module.uuid4(),
        person=person,
        kind=kind,
        mediator=actor,
        team=team,
        territory=person.territory,
        started_on=started_on,
        next_action_on=next_action_on,
        next_action=next_action,
        note=note,
        created_by=actor,
    )
    followup.full_clean(exclude=["uuid", "person", "mediator", "team", "territory"])
    followup.save()
    log_change(actor=actor, instance=followup, action=AuditAction.CREATE)
    return followup, True


@transaction.atomic
def update_followup(
    *,
    actor,
    followup: FollowUp,
    next_action_on: date_type | None,
    next_action: str = "",
    note: str = "",
    ended_on: date_type | None = None,
) -> FollowUp:
    """Plan the next action, add observations, or end the follow-up (an ended follow-up is no longer due)."""
    errors = {}
    _check_day(errors, "ended_on", ended_on, not_before=followup.started_on, label=_("le début du suivi"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(followup)
    followup.next_action_on = next_action_on
    followup.next_action = next_action
    followup.note = note
    followup.ended_on = ended_on
    followup.save(update_fields=["next_action_on", "next_action", "note", "ended_on"])
    log_change(actor=actor, instance=followup, action=AuditAction.UPDATE, before=before)
    return followup


def log_person_read(*, user, person: Person, reason: str = "") -> PersonReadLog:
    """Write who opened a person's record from outside its owning team, and why if they said."""
    return PersonReadLog.objects.create(person=person, user=user, reason=reason.strip()[:300])


@transaction.atomic
def record_technical_report(
    *,
    actor,
    territory: Territory,
    place: str,
    problem: str,
    reported_on: date_type,
    uuid: uuid_module.UUID | str | None = None,
    site: Site | None = None,
    landlord: Landlord | None = None,
    team: Team | None = None,
    equipment: str = "",
    is_danger: bool = False,
) -> tuple[TechnicalReport, bool]:
    """Record a technical-watch report and its `tw_transmission` line, once. The landlord defaults to the site's."""
    if (existing := already_submitted(TechnicalReport, uuid)) is not None:
        return existing, False
    report = TechnicalReport(
        uuid=uuid or uuid_module.uuid4(),
        landlord=landlord or (site.landlord if site is not None else None),
        territory=territory,
        site=site,
        team=team or team_for(actor, territory),
        place=place,
        equipment=equipment,
        problem=problem,
        is_danger=is_danger,
        reported_on=reported_on,
        status=TechnicalReportStatus.OPEN,
        created_by=actor,
    )
    errors = {}
    try:
        report.full_clean(exclude=["uuid", "intervention"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "landlord" in errors:
        errors["landlord"] = [_("Choisissez le bailleur destinataire du signalement.")]
    check_site_in_territory(errors, site, territory)
    _check_day(errors, "reported_on", reported_on, not_before=None, label="")
    if errors:
        raise ValidationError(errors)
    report, created = save_once(report)
    if not created:
        return report, False  # a retry racing the first submission: the first one won
    line, _created = record_intervention(
        actor=actor,
        uuid=_derived_uuid(report.uuid, "tw_transmission"),
        date=reported_on,
        territory=territory,
        site=site,
        team=report.team,
        activity_type=_activity("tw_transmission"),
        source=InterventionSource.TECHNICAL,
        landlord=report.landlord,
    )
    report.intervention = line
    report.save(update_fields=["intervention"])
    log_change(actor=actor, instance=report, action=AuditAction.CREATE)
    return report, True


TECHNICAL_TRANSITIONS = {
    TechnicalReportStatus.OPEN: (TechnicalReportStatus.TRANSMITTED, "transmitted_on"),
    TechnicalReportStatus.TRANSMITTED: (TechnicalReportStatus.RESOLVED, "resolved_on"),
}


@transaction.atomic
def advance_technical_report(*, actor, report: TechnicalReport, status: str, on: date_type | None) -> TechnicalReport:
    """Move a report one step: open → transmitted (transmission date) → resolved (resolution date)."""
    report = TechnicalReport.objects.select_for_update().get(pk=report.pk)
    step = TECHNICAL_TRANSITIONS.get(report.status)
    if step is None or step[0] != status:
        raise ValidationError(
            {
                "status": _("Un signalement « %(current)s » ne peut pas passer à « %(target)s ».")
                % {
                    "current": TechnicalReportStatus(report.status).label,
                    "target": TechnicalReportStatus(status).label
                    if status in TechnicalReportStatus.values
                    else status,
                }
            }
        )
    errors = {}
    if on is None:
        errors["on"] = [_("Indiquez la date.")]
    previous = report.transmitted_on if status == TechnicalReportStatus.RESOLVED else report.reported_on
    label = _("la transmission") if status == TechnicalReportStatus.RESOLVED else _("le constat")
    _check_day(errors, "on", on, not_before=previous, label=label)
    if errors:
        raise ValidationError(errors)
    before = snapshot(report)
    report.status = status
    setattr(report, step[1], on)
    report.save(update_fields=["status", step[1]])
    log_change(actor=actor, instance=report, action=AuditAction.UPDATE, before=before)
    return report


TECHNICAL_ACTIONS = ("tw_securing", "tw_intervention")


@transaction.atomic
def record_technical_action(
    *,
    actor,
    report: TechnicalReport,
    code: str,
    date: date_type,
    uuid: uuid_module.UUID | str | None = None,
    note: str = "",
) -> tuple[Intervention, bool]:
    """Log a securing or a technical intervention on a report, as an intervention line linked to it, once."""
    errors = {}
    if code not in TECHNICAL_ACTIONS:
        errors["code"] = [_("Action inconnue.")]
    _check_day(errors, "date", date, not_before=report.reported_on, label=_("le constat"))
    if errors:
        raise ValidationError(errors)
    line, created = record_intervention(
        actor=actor,
        uuid=uuid,
        date=date,
        territory=report.territory,
        site=report.site,
        team=report.team,
        activity_type=_activity(code),
        source=InterventionSource.TECHNICAL,
        landlord=report.landlord,
        note=note,
    )
    if not created and not report.actions.filter(pk=line.pk).exists():
        raise ValidationError(_("Cet identifiant de saisie appartient déjà à une autre ligne d'activité."))
    report.actions.add(line)
    return line, created
