"""Information shares: recorded only with a valid legal basis (DOMAIN §6), otherwise refused saying what is missing."""

from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change
from altm.models import Agency, AuditAction
from mediation import rules
from mediation.models import (
    Person,
    Team,
)
from partners.models import (
    InformationShare,
    LegalBasis,
    PartnerOrganisation,
    Referral,
    SharingPurpose,
)
from partners.services.common import LegalBasisError
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
    on: date_type | None = None,
) -> InformationShare:
    """Record a share after checking its legal basis; refused with the reason otherwise (nothing recorded)."""
    on = on or timezone.localdate()
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
        if not rules.is_minor(person, on):
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
        sender_name=Agency.current().short_name,
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
