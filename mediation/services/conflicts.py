"""Conflict cases: open, sessions (each counted as one line), agreement, closing."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, model_errors, save_once
from altm.models import AuditAction
from altm.versions import check_version
from mediation.models import (
    ConflictCase,
    ConflictOutcome,
    ConflictSession,
    ConflictStatus,
    InterventionSource,
    SessionKind,
    Site,
    Team,
    Territory,
)
from mediation.services.common import check_day, derived_uuid
from mediation.services.interventions import check_site_in_territory, record_line_for, team_for


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
    errors = model_errors(case, exclude=["uuid"], validate_unique=False)
    check_site_in_territory(errors, site, territory)
    check_day(errors, "opened_on", opened_on, not_before=None, label="")
    if errors:
        raise ValidationError(errors)
    case, created = save_once(case)
    if not created:
        return case, False  # a retry racing the first submission: the first one won
    log_change(actor=actor, instance=case, action=AuditAction.CREATE)
    if is_real_time:
        record_line_for(
            case,
            actor=actor,
            uuid=derived_uuid(case.uuid, "conflict_real_time"),
            date=opened_on,
            code="conflict_real_time",
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
    check_day(errors, "date", date, not_before=case.opened_on, label=_("l'ouverture de la situation"))
    if errors:
        raise ValidationError(errors)
    line, created = record_line_for(
        case,
        actor=actor,
        uuid=uuid,
        date=date,
        code=kind,
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
    *,
    actor,
    case: ConflictCase,
    agreement_on: date_type | None,
    followup_on: date_type | None,
    version: int | None = None,
) -> ConflictCase:
    """Record the protocole d'accord and when to check it holds; the case becomes "accord à suivre".

    `version`, from the form (`altm.versions`): refused when the case changed since it was read."""
    check_version(case, version)
    case = ConflictCase.objects.select_for_update().get(pk=case.pk)
    errors = {}
    if case.is_closed:
        errors.setdefault("__all__", []).append(_("Cette situation est clôturée."))
    if agreement_on is None:
        errors.setdefault("agreement_on", []).append(_("Indiquez la date du protocole d'accord."))
    if followup_on is None:
        errors.setdefault("agreement_followup_on", []).append(_("Indiquez quand vérifier que l'accord tient."))
    check_day(errors, "agreement_on", agreement_on, not_before=case.opened_on, label=_("l'ouverture de la situation"))
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
    *,
    actor,
    case: ConflictCase,
    closed_on: date_type | None,
    outcome: str,
    outcome_note: str = "",
    version: int | None = None,
) -> ConflictCase:
    """Close the case with its outcome. `version`, from the form: refused when the case changed since it was read."""
    check_version(case, version)
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
    check_day(errors, "closed_on", closed_on, not_before=case.opened_on, label=_("l'ouverture de la situation"))
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
