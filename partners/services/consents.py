"""Consents: recorded, withdrawn, and judged against a share (what a consent covers, in French when it does not)."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, save_once
from altm.models import AuditAction
from mediation.models import (
    Person,
)
from partners.models import (
    Consent,
    ConsentForm,
    ConsentState,
    ConsentWithdrawal,
    InformationCategory,
    PartnerOrganisation,
    SharedSituation,
    SharingPurpose,
    SituationCloseReason,
    category_labels,
)
from partners.services.common import LegalBasisError, day_text, lock_consents_of

# --- Consent ------------------------------------------------------------------------------------------------


def clean_categories(categories) -> list[str]:
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
    uuid: uuid_module.UUID | str | None = None,
) -> Consent:
    """Record a consent. The same `uuid` sent twice (a double submit, a retry) returns the first consent."""
    if (existing := already_submitted(Consent, uuid)) is not None:
        return existing
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
    consent, created = save_once(
        Consent(
            uuid=uuid or uuid_module.uuid4(),
            person=person,
            recipient_organisation=recipient_organisation,
            purpose=purpose,
            categories=clean_categories(categories),
            form=form,
            given_on=given_on,
            expires_on=expires_on,
            note=note,
            recorded_by=actor,
        )
    )
    if created:
        log_change(actor=actor, instance=consent, action=AuditAction.CREATE)
    return consent


@transaction.atomic
def withdraw_consent(
    *, actor, consent: Consent, note: str = "", uuid: uuid_module.UUID | str | None = None
) -> ConsentWithdrawal:
    """Record the withdrawal of a consent. It takes effect today: every later share on it is refused.

    A share being checked at the same moment waits for the withdrawal, or the withdrawal for the share: both lock
    the person's consents. The same `uuid` sent twice returns the first withdrawal.
    """
    lock_consents_of(consent.person_id)
    if (existing := already_submitted(ConsentWithdrawal, uuid)) is not None:
        return existing
    if ConsentWithdrawal.objects.filter(consent=consent).exists():
        raise ValidationError(_("Ce consentement a déjà été retiré."))
    withdrawal, created = save_once(
        ConsentWithdrawal(
            uuid=uuid or uuid_module.uuid4(),
            consent=consent,
            withdrawn_on=timezone.localdate(),
            note=note,
            recorded_by=actor,
        )
    )
    if created:
        log_change(actor=actor, instance=withdrawal, action=AuditAction.CREATE)
        close_situations_resting_on(actor=actor, consent=consent, on=withdrawal.withdrawn_on)
    return withdrawal


def close_situations_resting_on(*, actor, consent: Consent, on: date_type) -> int:
    """A withdrawn consent closes at once every shared situation opened on it (DOMAIN §10). Returns how many."""
    closed = 0
    for situation in SharedSituation.objects.select_for_update().filter(consent=consent, closed_on__isnull=True):
        before = snapshot(situation)
        situation.closed_on = on
        situation.close_reason = SituationCloseReason.CONSENT_WITHDRAWN
        situation.save(update_fields=["closed_on", "close_reason"])
        log_change(actor=actor, instance=situation, action=AuditAction.UPDATE, before=before)
        closed += 1
    return closed


def consent_problem(
    consent: Consent, *, organisation: PartnerOrganisation, purpose: str, categories: list[str], on: date_type
) -> str | None:
    """What prevents `consent` from covering this share, in French; None when it does."""
    given = day_text(consent.given_on)
    state = consent.state_on(on)
    if state == ConsentState.WITHDRAWN:
        return _("le consentement du %(given)s a été retiré le %(withdrawn)s") % {
            "given": given,
            "withdrawn": day_text(consent.withdrawal.withdrawn_on),
        }
    if state == ConsentState.NOT_YET:
        return _("le consentement du %(given)s ne vaut qu'à partir de cette date") % {"given": given}
    if state == ConsentState.EXPIRED:
        return _("le consentement du %(given)s a expiré le %(expired)s") % {
            "given": given,
            "expired": day_text(consent.expires_on),
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
