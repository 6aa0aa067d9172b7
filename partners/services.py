"""Writes on partners, referrals, consents and information shares. Views, forms, commands and the admin call these.

Every write is atomic and audited. A share, or a telephone/physical referral, is only recorded with a valid legal
basis (DOMAIN §6); otherwise a French message says exactly what is missing and nothing is recorded.
"""

import uuid as uuid_module
from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, DateField, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, redact, snapshot
from altm.idempotency import already_submitted, save_once
from altm.models import AuditAction, AuditEntry
from mediation.models import (
    ActivityType,
    FollowUp,
    Gender,
    Intervention,
    InterventionSource,
    Person,
    ReferralMode,
    Team,
)
from mediation.services import check_site_in_territory, record_intervention, team_for
from partners import perms
from partners.models import (
    REFERRAL_CATEGORIES,
    Consent,
    ConsentForm,
    ConsentWithdrawal,
    InformationCategory,
    InformationShare,
    LegalBasis,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralDirection,
    ReferralStatus,
    SharingPurpose,
    category_labels,
)

AGENCY_NAME = "ALTM"
ORAL_CONSENT_MONTHS = 6


class LegalBasisError(ValidationError):
    """A share or referral refused for want of a valid legal basis."""


def _d(day: date_type) -> str:
    return f"{day:%d/%m/%Y}"


# --- Generic audited save for plain records (conventions, amendments, commitments, events) ------------------


@transaction.atomic
def save_record(*, actor, instance, m2m_form=None):
    """Save a plain record (validated by its form) and audit it; `m2m_form` saves the many-to-many fields."""
    creating = instance.pk is None
    before = None
    if not creating:
        previous = type(instance).objects.get(pk=instance.pk)
        before = snapshot(previous)
    instance.save()
    if m2m_form is not None:
        m2m_form.save_m2m()
    log_change(
        actor=actor, instance=instance, action=AuditAction.CREATE if creating else AuditAction.UPDATE, before=before
    )
    return instance


# --- Consent ------------------------------------------------------------------------------------------------


def _clean_categories(categories) -> list[str]:
    categories = list(dict.fromkeys(categories or []))
    unknown = [c for c in categories if c not in InformationCategory.values]
    if unknown:
        raise ValidationError(_("Catégories d'informations inconnues : %(codes)s.") % {"codes": ", ".join(unknown)})
    return categories


@transaction.atomic
def record_consent(
    *,
    actor,
    person: Person,
    categories: list[str],
    form: str,
    given_on: date_type,
    expires_on: date_type | None = None,
    recipient_organisation: PartnerOrganisation | None = None,
    purpose: str = "",
    note: str = "",
) -> Consent:
    errors = {}
    if person.anonymised_at:
        errors["person"] = [_("Cette personne a été anonymisée : plus aucun consentement ne peut être recueilli.")]
    if not categories:
        errors["categories"] = [_("Choisissez au moins une catégorie d'informations.")]
    if recipient_organisation is None and not purpose:
        errors["recipient_organisation"] = [_("Indiquez le destinataire ou la finalité du consentement.")]
    if expires_on is not None and expires_on < given_on:
        errors["expires_on"] = [_("La fin de validité ne peut pas précéder la date de l'accord.")]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("Un accord ne peut pas être daté dans le futur.")]
    if form not in ConsentForm.values:
        errors["form"] = [_("Forme d'accord inconnue.")]
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        person=person,
        recipient_organisation=recipient_organisation,
        purpose=purpose,
        categories=_clean_categories(categories),
        form=form,
        given_on=given_on,
        expires_on=expires_on,
        note=note,
        recorded_by=actor,
    )
    log_change(actor=actor, instance=consent, action=AuditAction.CREATE)
    return consent


@transaction.atomic
def withdraw_consent(*, actor, consent: Consent, note: str = "") -> ConsentWithdrawal:
    """Record the withdrawal of a consent. It takes effect today: every later share on it is refused."""
    if ConsentWithdrawal.objects.filter(consent=consent).exists():
        raise ValidationError(_("Ce consentement a déjà été retiré."))
    withdrawal = ConsentWithdrawal.objects.create(
        consent=consent, withdrawn_on=timezone.localdate(), note=note, recorded_by=actor
    )
    log_change(actor=actor, instance=withdrawal, action=AuditAction.CREATE)
    return withdrawal


def consent_problem(
    consent: Consent, *, organisation: PartnerOrganisation, purpose: str, categories: list[str], on: date_type
) -> str | None:
    """What prevents `consent` from covering this share, in French; None when it does."""
    given = _d(consent.given_on)
    state = consent.state_on(on)
    if state == "withdrawn":
        return _("le consentement du %(given)s a été retiré le %(withdrawn)s") % {
            "given": given,
            "withdrawn": _d(consent.withdrawal.withdrawn_on),
        }
    if state == "not_yet":
        return _("le consentement du %(given)s ne vaut qu'à partir de cette date") % {"given": given}
    if state == "expired":
        return _("le consentement du %(given)s a expiré le %(expired)s") % {
            "given": given,
            "expired": _d(consent.expires_on),
        }
    if consent.recipient_organisation_id and consent.recipient_organisation_id != organisation.pk:
        return _("le consentement du %(given)s vise %(recipient)s, pas %(organisation)s") % {
            "given": given,
            "recipient": consent.recipient_organisation,
            "organisation": organisation,
        }
    if consent.purpose and consent.purpose != purpose:
        return _("le consentement du %(given)s vaut pour « %(consented)s », pas pour « %(purpose)s »") % {
            "given": given,
            "consented": consent.get_purpose_display(),
            "purpose": SharingPurpose(purpose).label if purpose in SharingPurpose.values else purpose,
        }
    missing = [c for c in categories if c not in consent.categories]
    if missing:
        return _("le consentement du %(given)s ne couvre pas : %(missing)s") % {
            "given": given,
            "missing": ", ".join(category_labels(missing)),
        }
    return None


def find_valid_consent(
    *, person: Person, organisation: PartnerOrganisation, purpose: str, categories: list[str], on: date_type
) -> Consent:
    """The most recent consent covering this share; LegalBasisError saying what is missing otherwise."""
    consents = list(
        Consent.objects.filter(person=person)
        .select_related("recipient_organisation", "withdrawal")
        .order_by("-given_on", "-id")
    )
    if not consents:
        raise LegalBasisError(
            _(
                "Refusé : aucun consentement de %(person)s n'est enregistré. Recueillez son accord pour "
                "%(organisation)s (informations : %(categories)s) avant de transmettre quoi que ce soit."
            )
            % {"person": person, "organisation": organisation, "categories": ", ".join(category_labels(categories))}
        )
    problems = []
    for consent in consents:
        problem = consent_problem(consent, organisation=organisation, purpose=purpose, categories=categories, on=on)
        if problem is None:
            return consent
        problems.append(problem)
    raise LegalBasisError(
        _("Refusé : aucun consentement valable pour ce partage — %(problems)s.") % {"problems": " ; ".join(problems)}
    )


def is_minor(person: Person, on: date_type) -> bool:
    """Known to be under 18 on `on`: by birth year (the age reached that year), else by age band."""
    if person.birth_year:
        return on.year - person.birth_year < 18
    return person.age_band == "under_16"


# --- Information shares --------------------------------------------------------------------------------------


@transaction.atomic
def share_information(
    *,
    actor,
    person: Person,
    to_organisation: PartnerOrganisation,
    categories: list[str],
    purpose: str,
    legal_basis: str,
    justification: str,
    recipient_name: str = "",
    coordinator_name: str = "",
    parents_informed: bool | None = None,
    parents_not_informed_reason: str = "",
    referral: Referral | None = None,
    team: Team | None = None,
    on: date_type | None = None,
) -> InformationShare:
    """Record a share after checking its legal basis; refused with the reason otherwise (nothing recorded)."""
    on = on or timezone.localdate()
    if person.anonymised_at:
        raise ValidationError(_("Cette personne a été anonymisée : aucun partage n'est possible."))
    if not categories:
        raise ValidationError({"categories": [_("Choisissez au moins une catégorie d'informations.")]})
    categories = _clean_categories(categories)
    if not (justification or "").strip():
        raise ValidationError(
            {"justification": [_("Dites pourquoi ce partage est strictement nécessaire à la mission.")]}
        )
    if purpose not in SharingPurpose.values:
        raise ValidationError({"purpose": [_("Choisissez la finalité du partage.")]})
    consent = None
    if legal_basis == LegalBasis.CONSENT:
        consent = find_valid_consent(
            person=person, organisation=to_organisation, purpose=purpose, categories=categories, on=on
        )
    elif legal_basis == LegalBasis.CASF_L121_6_2:
        if not coordinator_name.strip():
            raise LegalBasisError(
                {
                    "coordinator_name": [
                        _(
                            "Refusé : le partage au titre de l'article L121-6-2 du CASF exige le nom du "
                            "coordonnateur désigné par le maire."
                        )
                    ]
                }
            )
    elif legal_basis == LegalBasis.CASF_L226_2_2:
        if not is_minor(person, on):
            known = (
                _("née en %(year)s") % {"year": person.birth_year}
                if person.birth_year
                else _("dont l'âge n'est pas connu")
            )
            raise LegalBasisError(
                _(
                    "Refusé : l'article L226-2-2 du CASF ne vaut que pour un mineur ; %(person)s est une "
                    "personne %(known)s."
                )
                % {"person": person, "known": known}
            )
        if parents_informed is None or (parents_informed is False and not parents_not_informed_reason.strip()):
            raise LegalBasisError(
                {
                    "parents_informed": [
                        _(
                            "Refusé : indiquez si les parents ont été informés au préalable, ou pourquoi les "
                            "informer serait contraire à l'intérêt de l'enfant (CASF art. L226-2-2)."
                        )
                    ]
                }
            )
    else:
        raise ValidationError({"legal_basis": [_("Choisissez la base légale du partage.")]})
    share = InformationShare.objects.create(
        person=person,
        sender_name=AGENCY_NAME,
        to_organisation=to_organisation,
        recipient_name=recipient_name or to_organisation.name,
        categories=categories,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
        coordinator_name=coordinator_name.strip() if legal_basis == LegalBasis.CASF_L121_6_2 else "",
        parents_informed=parents_informed if legal_basis == LegalBasis.CASF_L226_2_2 else None,
        parents_not_informed_reason=parents_not_informed_reason if legal_basis == LegalBasis.CASF_L226_2_2 else "",
        justification=justification.strip(),
        referral=referral,
        team=team or person.team,
        shared_on=on,
        shared_by=actor,
    )
    log_change(actor=actor, instance=share, action=AuditAction.CREATE)
    return share


# --- Referrals ----------------------------------------------------------------------------------------------


def beneficiaries_for(gender: str) -> dict[str, int]:
    return {
        "women": 1 if gender == Gender.WOMAN else 0,
        "men": 1 if gender == Gender.MAN else 0,
        "unknown": 1 if gender not in (Gender.WOMAN, Gender.MAN) else 0,
    }


def _team_covering(territory) -> Team | None:
    return Team.objects.filter(territories=territory).order_by("name").first()


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
) -> tuple[Referral, bool]:
    """Record a referral and, for the agency's own referrals, its `referral` intervention line (once).

    The same `uuid` sent twice returns the first referral (created=False). A telephone or physical referral to a
    partner transmits the person's identity: it needs a valid consent (recorded now if the person agrees now),
    and records the matching information share.
    """
    if (existing := already_submitted(Referral, uuid)) is not None:
        return existing, False
    errors: dict[str, list[str]] = {}
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
        errors["person"] = [_("Une mise en relation téléphonique ou physique nécessite la personne concernée.")]
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
        team = team or _team_covering(territory)
        if mode != ReferralMode.SIMPLE and not person_agreed:
            errors["person_agreed"] = [_("Refusé : confirmez que le jeune est d'accord pour être contacté.")]
    else:
        team = team or team_for(actor, territory)
        if mode == ReferralMode.PHYSICAL and not counsellor_agreed:
            errors["counsellor_agreed"] = [
                _("Refusé : une mise en relation physique demande aussi l'accord du conseiller du partenaire.")
            ]
    if team is None:
        errors["territory"] = [_("Aucune équipe ne couvre ce secteur.")]
    if errors:
        raise ValidationError(errors)

    referral = Referral(
        uuid=uuid or uuid_module.uuid4(),
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
        if oral_consent_now:
            record_consent(
                actor=actor,
                person=person,
                categories=list(REFERRAL_CATEGORIES),
                form=ConsentForm.ORAL,
                given_on=min(date, timezone.localdate()),
                expires_on=_add_months_safe(date, ORAL_CONSENT_MONTHS),
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
            on=min(date, timezone.localdate()),
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
    return referral, True


def _add_months_safe(day: date_type, months: int) -> date_type:
    return day + relativedelta(months=months)


TERMINAL_REASON_REQUIRED = (ReferralStatus.NOT_FOLLOWED, ReferralStatus.ABANDONED)


@transaction.atomic
def update_referral_status(*, actor, referral: Referral, status: str, reason: str = "") -> Referral:
    """Move a referral along its workflow (proposed → done → taken in charge / not followed / abandoned)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in perms.allowed_statuses(actor, referral):
        raise ValidationError(
            {"status": [_("Ce changement de statut n'est pas possible pour vous sur cette mise en relation.")]}
        )
    if status in TERMINAL_REASON_REQUIRED and not reason.strip():
        raise ValidationError({"reason": [_("Indiquez le motif.")]})
    before = snapshot(referral)
    referral.status = status
    referral.status_reason = reason.strip()
    referral.status_changed_at = timezone.now()
    referral.status_changed_by = actor
    referral.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    log_change(actor=actor, instance=referral, action=AuditAction.UPDATE, before=before)
    return referral


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
    content_type = ContentType.objects.get_for_model(Person)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=content_type,
                object_id=str(person.pk),
                object_repr=str(person)[:255],
                action=AuditAction.UPDATE,
                actor=actor,
                after=snapshot(person),
            )
            for person in persons.iterator(chunk_size=2000)
        ],
        batch_size=500,
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
    reason: str = "",
    person_agreed: bool = False,
    counsellor: PartnerContact | None = None,
) -> tuple[Referral, bool]:
    """A partner counsellor refers a young person to the mediators; the person record goes to the covering team."""
    if (existing := already_submitted(Referral, uuid)) is not None:
        return existing, False
    team = _team_covering(territory)
    if mode != ReferralMode.SIMPLE:
        errors = {}
        if not person_agreed:
            errors["person_agreed"] = [_("Refusé : confirmez que le jeune est d'accord pour être contacté.")]
        if not alias.strip():
            errors["alias"] = [_("Indiquez au moins un prénom ou un pseudonyme pour que l'équipe le retrouve.")]
        if team is None:
            errors["territory"] = [_("Aucune équipe ne couvre ce secteur.")]
        if errors:
            raise ValidationError(errors)
    person = None
    if mode != ReferralMode.SIMPLE:
        person = Person.objects.create(
            alias=alias.strip(),
            birth_year=birth_year,
            gender=gender,
            territory=territory,
            team=team,
            last_contact_on=date,
            created_by=actor,
        )
        log_change(actor=actor, instance=person, action=AuditAction.CREATE)
    return record_referral(
        actor=actor,
        uuid=uuid,
        date=date,
        direction=ReferralDirection.TO_AGENCY,
        mode=mode,
        organisation=organisation,
        counsellor=counsellor,
        territory=territory,
        team=team,
        person=person,
        beneficiary_gender=gender,
        reason=reason,
        person_agreed=person_agreed,
        follow_up_on=referral_follow_up_default(date),
    )
