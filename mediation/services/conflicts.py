"""Conflict cases: open, sessions (each counted as one line), agreement, closing."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, model_errors, save_once
from altm.models import AuditAction
from altm.versions import check_version
from mediation import rules
from mediation.models import (
    AgeBand,
    ConflictCase,
    ConflictOutcome,
    ConflictParty,
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
    points: str | None = None,
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
    if points is not None:
        case.agreement_points = points.strip()
    case.status = ConflictStatus.AGREEMENT
    case.save(update_fields=["agreement_on", "agreement_followup_on", "agreement_points", "status"])
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


# --- Parties: free consent, its withdrawal, a guardian for a minor ---------------------------------------------


@transaction.atomic
def add_conflict_party(
    *,
    actor,
    case: ConflictCase,
    label: str,
    consent_given_on: date_type | None,
    birth_year: int | None = None,
    age_band: str = "",
    guardian_name: str = "",
    guardian_role: str = "",
    uuid: uuid_module.UUID | str | None = None,
) -> ConflictParty:
    """A party who freely consents to the mediation; a minor only with a parent or guardian recorded
    (`rules.party_errors`). The same `uuid` twice adds one party."""
    if (existing := already_submitted(ConflictParty, uuid)) is not None:
        return existing
    case = ConflictCase.objects.select_for_update().get(pk=case.pk)
    party = ConflictParty(
        uuid=uuid or uuid_module.uuid4(),
        case=case,
        label=(label or "").strip(),
        birth_year=birth_year,
        age_band=age_band or "",
        consent_given_on=consent_given_on,
        guardian_name=(guardian_name or "").strip(),
        guardian_role=(guardian_role or "").strip(),
        recorded_by=actor,
    )
    errors = rules.party_errors(party, today=timezone.localdate())
    if case.is_closed:
        errors.setdefault("__all__", []).append(_("Cette situation est clôturée."))
    if age_band and age_band not in AgeBand.values:
        errors.setdefault("age_band", []).append(_("Tranche d'âge inconnue."))
    if errors:
        raise ValidationError(errors)
    party, created = save_once(party)
    if created:
        log_change(actor=actor, instance=party, action=AuditAction.CREATE)
    return party


@transaction.atomic
def withdraw_party_consent(*, actor, party: ConflictParty) -> ConflictParty:
    """A party withdraws their consent: it takes effect today and ends the mediation (the case is closed)."""
    case = ConflictCase.objects.select_for_update().get(pk=party.case_id)
    party = ConflictParty.objects.select_for_update().get(pk=party.pk)
    if party.consent_withdrawn_on is not None:
        raise ValidationError(_("Cette partie a déjà retiré son consentement."))
    today = timezone.localdate()
    before = snapshot(party)
    party.consent_withdrawn_on = today
    party.save(update_fields=["consent_withdrawn_on"])
    log_change(actor=actor, instance=party, action=AuditAction.UPDATE, before=before)
    if not case.is_closed:
        before = snapshot(case)
        case.status = ConflictStatus.CLOSED
        case.closed_on = max(today, case.opened_on)
        case.outcome = ConflictOutcome.CONSENT_WITHDRAWN
        case.save(update_fields=["status", "closed_on", "outcome"])
        log_change(actor=actor, instance=case, action=AuditAction.UPDATE, before=before)
    return party
