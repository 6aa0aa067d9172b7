"""Referrals both ways: recorded with their intervention line and, when personal data leaves, a consent and a share."""

import uuid as uuid_module
from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, save_once
from altm.models import AuditAction
from mediation.models import (
    ActivityType,
    Gender,
    InterventionSource,
    Person,
    ReferralMode,
    Team,
)
from mediation.services import (
    check_site_in_territory,
    create_person,
    derived_uuid,
    prepare_person,
    record_intervention,
    team_for,
)
from partners import perms
from partners.models import (
    REFERRAL_CATEGORIES,
    ConsentForm,
    LegalBasis,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralDirection,
    ReferralStatus,
    RefusalReason,
    SharingPurpose,
)
from partners.notifications import notify_referral_answered, notify_referral_received
from partners.services.consents import record_consent
from partners.services.sharing import share_information

# --- Referrals ----------------------------------------------------------------------------------------------


ORAL_CONSENT_MONTHS = 6


@dataclass(frozen=True)
class NewPerson:
    """A person created with the referral that concerns them (the referral form, the counsellor's form)."""

    alias: str
    birth_year: int | None = None
    gender: str = Gender.UNKNOWN
    phone: str = ""


def _prepare_new_person(errors: dict, *, actor, team, territory, date, uuid, new: NewPerson) -> Person | None:
    """The person a referral creates, checked but not saved; its errors go into `errors` (French, by field)."""
    if not new.alias.strip():
        errors["alias"] = [_("Indiquez au moins un prénom ou un pseudonyme.")]
        return None
    phone_messages = phone_errors(new.phone)
    if phone_messages:
        errors["phone"] = phone_messages
    if team is None:
        return None
    person, person_errors = prepare_person(
        actor=actor,
        team=team,
        territory=territory,
        alias=new.alias,
        birth_year=new.birth_year,
        gender=new.gender,
        contact=" ".join(new.phone.split()),
        last_contact_on=date,
        # Derived from the referral's: a retry or a concurrent copy finds the same person.
        uuid=derived_uuid(uuid, "person"),
    )
    for name, messages in person_errors.items():
        errors.setdefault("phone" if name == "contact" else name, []).extend(messages)
    return person


def phone_errors(value: str) -> list[str]:
    """A phone number as people type it (06 12 34 56 78, +33 6 12…): 10 to 15 digits, nothing else but separators."""
    value = (value or "").strip()
    if not value:
        return []
    digits = "".join(ch for ch in value if ch.isdigit())
    if any(not (ch.isdigit() or ch in " .-+()") for ch in value) or not 10 <= len(digits) <= 15:
        return [_("Numéro de téléphone non reconnu : 10 chiffres, par exemple 06 12 34 56 78.")]
    return []


def beneficiaries_for(gender: str) -> dict[str, int]:
    return {
        "women": 1 if gender == Gender.WOMAN else 0,
        "men": 1 if gender == Gender.MAN else 0,
        "unknown": 1 if gender not in (Gender.WOMAN, Gender.MAN) else 0,
    }


@transaction.atomic
def record_referral(
    *,
    actor,
    date: date_type,
    mode: str,
    organisation: PartnerOrganisation,
    territory,
    direction: str = ReferralDirection.TO_PARTNER,
    uuid: uuid_module.UUID | str | None = None,
    team: Team | None = None,
    site=None,
    counsellor: PartnerContact | None = None,
    person: Person | None = None,
    beneficiary_gender: str | None = None,
    reason: str = "",
    follow_up_on: date_type | None = None,
    person_agreed: bool = False,
    counsellor_agreed: bool = False,
    oral_consent_now: bool = False,
    new_person: NewPerson | None = None,
) -> tuple[Referral, bool]:
    """Record a referral and, for the agency's own referrals, its `referral` intervention line (once).

    The same `uuid` sent twice returns the first referral (created=False). A telephone or physical referral to a
    partner transmits the person's identity: it needs a valid consent (recorded now if the person agrees now),
    and records the matching information share. Without `person`, a telephone or physical referral may create the
    person from `new_person`, in the same transaction: a refusal creates nothing.
    """
    if (existing := already_submitted(Referral, uuid)) is not None:
        return existing, False
    uuid = uuid or uuid_module.uuid4()
    errors: dict[str, list[str]] = {}
    if direction == ReferralDirection.TO_AGENCY:
        team = team or team_for(None, territory)
    else:
        team = team or team_for(actor, territory)
    if person is None and new_person is not None and mode in (ReferralMode.TELEPHONE, ReferralMode.PHYSICAL):
        person = _prepare_new_person(
            errors, actor=actor, team=team, territory=territory, date=date, uuid=uuid, new=new_person
        )
    if mode not in ReferralMode.values:
        errors["mode"] = [_("Choisissez la modalité de la mise en relation.")]
    if direction not in ReferralDirection.values:
        errors["direction"] = [_("Sens inconnu.")]
    if mode == ReferralMode.SIMPLE:
        # A simple referral only hands over the partner's details: no personal data is kept.
        if person is not None and beneficiary_gender is None:
            beneficiary_gender = person.gender
        person = None
    elif person is None:
        errors.setdefault("person", []).append(
            _(
                "Une mise en relation téléphonique ou physique nécessite la personne concernée : choisissez-la, ou "
                "créez-la en indiquant son prénom ou pseudonyme."
            )
        )
    elif person.anonymised_at:
        errors["person"] = [_("Cette personne a été anonymisée.")]
    if person is not None and beneficiary_gender is None:
        beneficiary_gender = person.gender
    if counsellor is not None and counsellor.organisation_id != organisation.pk:
        errors["counsellor"] = [_("Ce conseiller ne travaille pas chez ce partenaire.")]
    check_site_in_territory(errors, site, territory)
    if follow_up_on is not None and follow_up_on < date:
        errors["follow_up_on"] = [_("La date de vérification ne peut pas précéder la mise en relation.")]
    if direction == ReferralDirection.TO_AGENCY:
        if mode != ReferralMode.SIMPLE and not person_agreed:
            errors["person_agreed"] = [_("Refusé : confirmez que le jeune est d'accord pour être contacté.")]
    else:
        if mode == ReferralMode.PHYSICAL and not counsellor_agreed:
            errors["counsellor_agreed"] = [
                _("Refusé : une mise en relation physique demande aussi l'accord du conseiller du partenaire.")
            ]
    if team is None:
        errors.setdefault("territory", [_("Aucune équipe ne couvre ce secteur.")])
    if errors:
        raise ValidationError(errors)
    if person is not None and person.pk is None:
        person = create_person(actor=actor, person=person)

    referral = Referral(
        uuid=uuid,
        date=date,
        direction=direction,
        mode=mode,
        organisation=organisation,
        counsellor=counsellor,
        partner_name=organisation.name,
        counsellor_name=counsellor.name if counsellor else "",
        person=person,
        beneficiary_gender=beneficiary_gender or Gender.UNKNOWN,
        territory=territory,
        site=site,
        team=team,
        reason=reason.strip(),
        person_agreed=person_agreed or oral_consent_now,
        counsellor_agreed=counsellor_agreed,
        follow_up_on=follow_up_on,
        created_by=actor,
    )
    referral, created = save_once(referral)
    if not created:
        return referral, False  # a retry racing the first submission: the first one won

    if direction == ReferralDirection.TO_PARTNER and mode != ReferralMode.SIMPLE:
        # The partner is told about the person now, whatever the referral's date: the consent is given now and
        # judged now (a consent withdrawn or expired since a backdated referral date does not cover it).
        today = timezone.localdate()
        if oral_consent_now:
            record_consent(
                actor=actor,
                person=person,
                categories=list(REFERRAL_CATEGORIES),
                form=ConsentForm.ORAL,
                given_on=today,
                expires_on=today + relativedelta(months=ORAL_CONSENT_MONTHS),
                recipient_organisation=organisation,
                purpose=SharingPurpose.REFERRAL,
                note=_("Accord oral recueilli lors de la mise en relation."),
            )
        share_information(
            actor=actor,
            person=person,
            to_organisation=organisation,
            recipient_name=" · ".join(filter(None, [organisation.name, referral.counsellor_name])),
            categories=list(REFERRAL_CATEGORIES),
            purpose=SharingPurpose.REFERRAL,
            legal_basis=LegalBasis.CONSENT,
            justification=_("Mise en relation %(mode)s : %(reason)s")
            % {"mode": referral.get_mode_display().lower(), "reason": referral.reason or _("motif non précisé")},
            referral=referral,
            team=team,
        )

    if direction == ReferralDirection.TO_PARTNER:
        intervention, _created = record_intervention(
            actor=actor,
            uuid=referral.uuid,
            date=date,
            territory=territory,
            site=site,
            activity_type=ActivityType.objects.get(code="referral"),
            team=team,
            source=InterventionSource.REFERRAL,
            mode=mode,
            count=1,
            partner_name=organisation.name,
            person=person,
            **beneficiaries_for(referral.beneficiary_gender),
        )
        referral.intervention = intervention
        referral.save(update_fields=["intervention"])
    log_change(actor=actor, instance=referral, action=AuditAction.CREATE)
    notify_referral_received(referral=referral, actor=actor)
    return referral, True


TERMINAL_REASON_REQUIRED = (ReferralStatus.ABANDONED,)  # a refusal takes a reason from the list


@transaction.atomic
def update_referral_status(
    *, actor, referral: Referral, status: str, reason: str = "", refusal_reason: str = ""
) -> Referral:
    """Move a referral along its workflow (proposed → done → taken in charge / not followed / abandoned).

    Every path that answers a referral calls this: a refusal ("sans suite") takes a reason from the list
    (`RefusalReason`, free text required with "other"); the one who made the referral is told by e-mail.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in perms.allowed_statuses(actor, referral):
        raise ValidationError(
            {"status": [_("Ce changement de statut n'est pas possible pour vous sur cette mise en relation.")]}
        )
    errors = {}
    if status == ReferralStatus.NOT_FOLLOWED:
        if refusal_reason not in RefusalReason.values:
            errors["refusal_reason"] = [_("Choisissez le motif du refus dans la liste.")]
        elif refusal_reason == RefusalReason.OTHER and not reason.strip():
            errors["reason"] = [_("Précisez le motif.")]
    else:
        refusal_reason = ""
        if status in TERMINAL_REASON_REQUIRED and not reason.strip():
            errors["reason"] = [_("Indiquez le motif.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(referral)
    referral.status = status
    referral.status_reason = reason.strip()
    referral.refusal_reason = refusal_reason
    referral.status_changed_at = timezone.now()
    referral.status_changed_by = actor
    referral.save(
        update_fields=["status", "status_reason", "refusal_reason", "status_changed_at", "status_changed_by"]
    )
    log_change(actor=actor, instance=referral, action=AuditAction.UPDATE, before=before)
    notify_referral_answered(referral=referral, actor=actor)
    return referral


def referral_follow_up_default(day: date_type) -> date_type:
    return day + timedelta(days=14)


@transaction.atomic
def record_incoming_referral(
    *,
    actor,
    organisation: PartnerOrganisation,
    date: date_type,
    mode: str,
    territory,
    uuid: uuid_module.UUID | str | None = None,
    alias: str = "",
    birth_year: int | None = None,
    gender: str = Gender.UNKNOWN,
    phone: str = "",
    reason: str = "",
    person_agreed: bool = False,
    counsellor: PartnerContact | None = None,
) -> tuple[Referral, bool]:
    """A partner counsellor refers a young person to the mediators; the person record goes to the covering team.

    The young person's phone number travels only when they agreed to be contacted (and never with a simple
    referral, which keeps no person).
    """
    if (existing := already_submitted(Referral, uuid)) is not None:
        return existing, False
    errors: dict[str, list[str]] = {}
    if mode == ReferralMode.SIMPLE:
        if phone.strip():
            errors["phone"] = [_("Une orientation simple ne transmet aucune coordonnée : retirez le numéro.")]
    else:
        if not person_agreed:
            errors["person_agreed"] = [_("Refusé : confirmez que le jeune est d'accord pour être contacté.")]
            if phone.strip():
                errors["phone"] = [_("Le numéro ne peut être transmis qu'avec l'accord du jeune.")]
        if not alias.strip():
            errors["alias"] = [_("Indiquez au moins un prénom ou un pseudonyme pour que l'équipe le retrouve.")]
    if errors:
        raise ValidationError(errors)
    return record_referral(
        actor=actor,
        uuid=uuid,
        date=date,
        direction=ReferralDirection.TO_AGENCY,
        mode=mode,
        organisation=organisation,
        counsellor=counsellor,
        territory=territory,
        beneficiary_gender=gender,
        reason=reason,
        person_agreed=person_agreed,
        follow_up_on=referral_follow_up_default(date),
        new_person=NewPerson(alias=alias, birth_year=birth_year, gender=gender, phone=phone),
    )
