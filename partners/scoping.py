"""The ladder of `mediation.scoping`, extended to counsellors: they see what is addressed to their organisation."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from accounts.models import Role
from mediation.scoping import Scope


def counsellor_organisation_id(user) -> int | None:
    """The partner organisation of a counsellor account, or None (cached on the user object)."""
    if not user.is_authenticated or user.role != Role.COUNSELLOR:
        return None
    if not hasattr(user, "_altm_partner_org"):
        try:
            user._altm_partner_org = user.partner_contact.organisation_id
        except ObjectDoesNotExist:  # a counsellor account not (or no longer) tied to a partner contact
            user._altm_partner_org = None
    return user._altm_partner_org


@dataclass(frozen=True)
class PartnerScope(Scope):
    # Lookup from a row to the id of the partner organisation whose counsellors see it (None: they see nothing).
    organisation_path: str | None = None

    def condition(self, user) -> Q | None:
        if user.role == Role.COUNSELLOR and self.organisation_path:
            organisation_id = counsellor_organisation_id(user)
            return Q(**{self.organisation_path: organisation_id}) if organisation_id else None
        return super().condition(user)
