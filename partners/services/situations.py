"""Shared situations (DOMAIN §10): opened only on a valid consent, fed by both sides while it holds, closed when it
is withdrawn (`consents.withdraw_consent`).

Opening a situation tells the partner who the person is: it is recorded as an information share on the consent
basis (`share_information`, the one place that judges a consent), so the share journal, the person's access report
and the partnership review see it like any other transmission. Every later write (a meeting, an outcome) checks
again that a consent still covers the situation today.
"""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, save_once
from altm.models import AuditAction
from mediation.models import Person
from partners import perms
from partners.models import (
    CoordinationMeeting,
    FeedbackSide,
    InformationCategory,
    LegalBasis,
    NextStep,
    OutcomeFeedback,
    OutcomeKind,
    PartnerContact,
    PartnerOrganisation,
    SharedSituation,
    SharingPurpose,
    SituationCloseReason,
)
from partners.services.common import day_text, lock_consents_of
from partners.services.consents import clean_categories, find_valid_consent
from partners.services.sharing import share_information

# What the partner learns about the person through a shared situation, and why.
SITUATION_PURPOSE = SharingPurpose.SOCIAL_SUPPORT
DEFAULT_SITUATION_CATEGORIES = [InformationCategory.IDENTITY]
SITUATION_JUSTIFICATION = gettext_lazy(
    "Situation suivie en commun : coordination de l'accompagnement et retours sur ses suites."
)
MAX_NEXT_STEPS = 5
SITUATION_NAMESPACE = uuid_module.UUID("0b5e1f0c-6a43-4a57-8d0e-5d1f6c2b9a11")


@transaction.atomic
def open_shared_situation(
    *,
    actor,
    person: Person,
    organisation: PartnerOrganisation,
    agency_referent=None,
    partner_referent: PartnerContact | None = None,
    categories: list[str] | None = None,
    uuid: uuid_module.UUID | str | None = None,
) -> SharedSituation:
    """Open a situation shared with `organisation`. Refused (nothing recorded) without a consent of the person
    naming this partner and covering `categories`; the same `uuid` sent twice returns the first situation."""
    lock_consents_of(person.pk)
    if (existing := already_submitted(SharedSituation, uuid)) is not None:
        return existing
    agency_referent = agency_referent or actor
    categories = clean_categories(categories or DEFAULT_SITUATION_CATEGORIES)
    errors = {}
    if person.anonymised_at:
        errors["person"] = [_("Cette personne a été anonymisée : aucune situation ne peut être partagée.")]
    if not organisation.is_active:
        errors["organisation"] = [_("Ce partenaire n'est plus actif.")]
    if partner_referent is not None and partner_referent.organisation_id != organisation.pk:
        errors["partner_referent"] = [_("Ce référent n'appartient pas au partenaire choisi.")]
    if agency_referent.role not in (Role.MEDIATOR, Role.MANAGER) or not agency_referent.is_active:
        errors["agency_referent"] = [_("Le référent de l'agence est un médiateur ou un chef d'équipe.")]
    if SharedSituation.objects.open().filter(person=person, organisation=organisation).exists():
        errors["organisation"] = [_("Une situation partagée est déjà ouverte pour cette personne avec ce partenaire.")]
    if errors:
        raise ValidationError(errors)
    uuid = uuid_module.UUID(str(uuid)) if uuid else uuid_module.uuid4()
    share = share_information(  # the consent gate: LegalBasisError saying what is missing, nothing recorded
        actor=actor,
        person=person,
        to_organisation=organisation,
        recipient_name=str(partner_referent.name) if partner_referent else "",
        categories=categories,
        purpose=SITUATION_PURPOSE,
        legal_basis=LegalBasis.CONSENT,
        justification=str(SITUATION_JUSTIFICATION),
        team=person.team,
        uuid=uuid_module.uuid5(SITUATION_NAMESPACE, str(uuid)),
    )
    situation, created = save_once(
        SharedSituation(
            uuid=uuid,
            person=person,
            organisation=organisation,
            team=person.team,
            agency_referent=agency_referent,
            partner_referent=partner_referent,
            consent=share.consent,
            categories=categories,
            opened_on=timezone.localdate(),
            created_by=actor,
        )
    )
    if created:
        log_change(actor=actor, instance=situation, action=AuditAction.CREATE)
    return situation


def situation_consent_problem(situation: SharedSituation, *, on: date_type) -> str | None:
    """Why nothing more may be written on this situation today, in French; None while a consent covers it."""
    if not situation.is_open:
        return _("Cette situation partagée est clôturée depuis le %(date)s (%(reason)s).") % {
            "date": day_text(situation.closed_on),
            "reason": situation.get_close_reason_display().lower(),
        }
    try:
        find_valid_consent(
            person=situation.person,
            organisation=situation.organisation,
            purpose=SITUATION_PURPOSE,
            categories=situation.categories,
            on=on,
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _check_writable(actor, situation: SharedSituation, today: date_type) -> None:
    if not perms.can_update_situation(actor, situation):
        raise ValidationError(_("Vous ne pouvez pas mettre à jour cette situation partagée."))
    lock_consents_of(situation.person_id)
    situation.refresh_from_db(fields=["closed_on", "close_reason"])
    if (problem := situation_consent_problem(situation, on=today)) is not None:
        raise ValidationError(problem)


def _date_errors(day: date_type | None, situation: SharedSituation, today: date_type) -> list[str]:
    if day is None:
        return [_("Indiquez la date.")]
    if day > today:
        return [_("La date ne peut pas être dans le futur.")]
    if day < situation.opened_on:
        return [_("La situation n'est partagée que depuis le %(date)s.") % {"date": day_text(situation.opened_on)}]
    return []


def feedback_side(actor) -> str:
    return FeedbackSide.PARTNER if actor.role == Role.COUNSELLOR else FeedbackSide.AGENCY


@transaction.atomic
def record_outcome(
    *,
    actor,
    situation: SharedSituation,
    kind: str,
    dated_on: date_type | None,
    note: str = "",
    uuid: uuid_module.UUID | str | None = None,
) -> OutcomeFeedback:
    """An outcome fed back by the actor's side (the partner's counsellor or the agency), dated."""
    if (existing := already_submitted(OutcomeFeedback, uuid)) is not None:
        return existing
    today = timezone.localdate()
    _check_writable(actor, situation, today)
    errors = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = [_("Choisissez le résultat.")]
    if date_errors := _date_errors(dated_on, situation, today):
        errors["dated_on"] = date_errors
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = [_("500 caractères au plus.")]
    if errors:
        raise ValidationError(errors)
    outcome, created = save_once(
        OutcomeFeedback(
            uuid=uuid or uuid_module.uuid4(),
            situation=situation,
            side=feedback_side(actor),
            kind=kind,
            dated_on=dated_on,
            note=note,
            recorded_by=actor,
        )
    )
    if created:
        log_change(actor=actor, instance=outcome, action=AuditAction.CREATE)
    return outcome


@transaction.atomic
def record_meeting(
    *,
    actor,
    situation: SharedSituation,
    date: date_type | None,
    attendees: str,
    decisions: str = "",
    next_steps: list[tuple[str, str, date_type | None]] = (),
    uuid: uuid_module.UUID | str | None = None,
) -> CoordinationMeeting:
    """A coordination meeting: who attended, what was decided, the next steps and who does each."""
    if (existing := already_submitted(CoordinationMeeting, uuid)) is not None:
        return existing
    today = timezone.localdate()
    _check_writable(actor, situation, today)
    errors = {}
    if date_errors := _date_errors(date, situation, today):
        errors["date"] = date_errors
    attendees = (attendees or "").strip()
    if not attendees:
        errors["attendees"] = [_("Indiquez qui était présent.")]
    steps = [(a.strip(), r.strip(), d) for a, r, d in next_steps if (a or "").strip() or (r or "").strip()]
    if len(steps) > MAX_NEXT_STEPS:
        errors["next_steps"] = [_("%(max)s prochaines étapes au plus.") % {"max": MAX_NEXT_STEPS}]
    for action, responsible, _due in steps:
        if not action or not responsible:
            errors["next_steps"] = [_("Chaque prochaine étape dit quoi faire et qui s'en charge.")]
    if errors:
        raise ValidationError(errors)
    meeting, created = save_once(
        CoordinationMeeting(
            uuid=uuid or uuid_module.uuid4(),
            situation=situation,
            date=date,
            attendees=attendees,
            decisions=(decisions or "").strip(),
            recorded_by=actor,
        )
    )
    if created:
        log_change(actor=actor, instance=meeting, action=AuditAction.CREATE)
        for action, responsible, due_on in steps:  # one audit entry each, so retention can erase their text
            step = NextStep.objects.create(meeting=meeting, action=action, responsible=responsible, due_on=due_on)
            log_change(actor=actor, instance=step, action=AuditAction.CREATE)
    return meeting


@transaction.atomic
def close_shared_situation(*, actor, situation: SharedSituation) -> SharedSituation:
    """End the coordination (the agency's side decides it); a closed situation takes no more writes."""
    if not perms.can_close_situation(actor, situation):
        raise ValidationError(_("Seule l'équipe référente peut clôturer cette situation partagée."))
    situation = SharedSituation.objects.select_for_update().get(pk=situation.pk)
    if not situation.is_open:
        raise ValidationError(_("Cette situation partagée est déjà clôturée."))
    before = snapshot(situation)
    situation.closed_on = timezone.localdate()
    situation.close_reason = SituationCloseReason.ENDED
    situation.save(update_fields=["closed_on", "close_reason"])
    log_change(actor=actor, instance=situation, action=AuditAction.UPDATE, before=before)
    return situation
