"""Information shares: recorded only with a valid legal basis (DOMAIN §6, §10), otherwise refused saying what is
missing. The basis is judged on the day the data leaves the agency (today), against the table of
`partners.legal_bases`."""

import uuid as uuid_module

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change
from altm.idempotency import already_submitted, save_once
from altm.models import Agency, AuditAction
from mediation.models import (
    Person,
    Team,
)
from partners.legal_bases import RULES, basis_errors
from partners.models import (
    InformationShare,
    LegalBasis,
    PartnerOrganisation,
    Referral,
    SharingPurpose,
)
from partners.services.common import LegalBasisError, lock_consents_of
from partners.services.consents import clean_categories, find_valid_consent

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
    uuid: uuid_module.UUID | str | None = None,
) -> InformationShare:
    """Record a share after checking its legal basis; refused with the reason otherwise (nothing recorded).

    The basis is checked today, when the information leaves, whatever the date of what it is about (a backdated
    referral): a consent withdrawn or expired since then no longer covers it. The person's consents stay locked
    from the check to the insert, so a withdrawal cannot slip in between. The same `uuid` sent twice returns the
    first share.
    """
    lock_consents_of(person.pk)
    if (existing := already_submitted(InformationShare, uuid)) is not None:
        return existing
    today = timezone.localdate()
    if person.anonymised_at:
        raise ValidationError(_("Cette personne a été anonymisée : aucun partage n'est possible."))
    if not categories:
        raise ValidationError({"categories": [_("Choisissez au moins une catégorie d'informations.")]})
    categories = clean_categories(categories)
    if not (justification or "").strip():
        raise ValidationError(
            {"justification": [_("Dites pourquoi ce partage est strictement nécessaire à la mission.")]}
        )
    if purpose not in SharingPurpose.values:
        raise ValidationError({"purpose": [_("Choisissez la finalité du partage.")]})
    if legal_basis not in RULES:
        raise ValidationError({"legal_basis": [_("Choisissez la base légale du partage.")]})
    rule = RULES[legal_basis]
    errors = basis_errors(
        legal_basis,
        person=person,
        organisation=to_organisation,
        categories=categories,
        purpose=purpose,
        on=today,
        coordinator_name=coordinator_name,
        parents_informed=parents_informed,
        parents_not_informed_reason=parents_not_informed_reason,
    )
    if errors:
        raise LegalBasisError(errors)
    consent = None
    if legal_basis == LegalBasis.CONSENT:
        consent = find_valid_consent(
            person=person, organisation=to_organisation, purpose=purpose, categories=categories, on=today
        )
    share, created = save_once(
        InformationShare(
            uuid=uuid or uuid_module.uuid4(),
            person=person,
            sender_name=Agency.current().short_name,
            to_organisation=to_organisation,
            recipient_name=recipient_name or to_organisation.name,
            categories=categories,
            purpose=purpose,
            legal_basis=legal_basis,
            consent=consent,
            coordinator_name=coordinator_name.strip() if rule.coordinator else "",
            parents_informed=parents_informed if rule.parents_informed else None,
            parents_not_informed_reason=parents_not_informed_reason if rule.parents_informed else "",
            justification=justification.strip(),
            referral=referral,
            team=team or person.team,
            shared_on=today,
            shared_by=actor,
        )
    )
    if created:
        log_change(actor=actor, instance=share, action=AuditAction.CREATE)
    return share
