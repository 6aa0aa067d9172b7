"""Who may do what with partners, referrals, consents and shares. Deny by default.

Which rows a user sees is said once, on the QuerySets (`Model.objects.for_user(user)`, see `partners.scoping`):
counsellors (partner staff) see only what is addressed to their own organisation, and everything of another
organisation answers 404 through the fetch helpers below.
"""

from django.shortcuts import get_object_or_404

from accounts.models import Role
from mediation.scoping import FIELD_STAFF, team_ids
from partners.models import (
    CONVENTION_READERS,
    Consent,
    Convention,
    InformationShare,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from partners.scoping import counsellor_organisation_id

AGENCY_STAFF = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)


def is_staff_role(user, roles=AGENCY_STAFF) -> bool:
    return user.is_authenticated and user.role in roles


# --- Conventions --------------------------------------------------------------------------------------------


def can_view_conventions(user) -> bool:
    return is_staff_role(user, CONVENTION_READERS)


def can_manage_conventions(user) -> bool:
    return is_staff_role(user, (Role.DIRECTOR,))


def can_record_events(user) -> bool:
    return is_staff_role(user, (Role.MANAGER, Role.DIRECTOR))


# --- Referrals ----------------------------------------------------------------------------------------------


def can_record_referral(user) -> bool:
    return is_staff_role(user, FIELD_STAFF)


def is_receiver(user, referral) -> bool:
    """The side that confirms "taken in charge" / "not followed": the partner, or the agency for incoming ones."""
    if referral.direction == ReferralDirection.TO_PARTNER:
        return counsellor_organisation_id(user) == referral.organisation_id
    return user.role in FIELD_STAFF and referral.team_id in team_ids(user)


def is_sender(user, referral) -> bool:
    if referral.direction == ReferralDirection.TO_AGENCY:
        return counsellor_organisation_id(user) == referral.organisation_id
    return user.role in FIELD_STAFF and referral.team_id in team_ids(user)


def allowed_statuses(user, referral) -> list[str]:
    """Statuses `user` may move `referral` to now (the workflow of DOMAIN §4)."""
    if not referral.is_open:
        return []
    allowed = []
    if is_sender(user, referral):
        if referral.status == ReferralStatus.PROPOSED:
            allowed.append(ReferralStatus.DONE)
        allowed.append(ReferralStatus.ABANDONED)
    if is_receiver(user, referral):
        allowed += [ReferralStatus.TAKEN_IN_CHARGE, ReferralStatus.NOT_FOLLOWED]
    return allowed


# --- Consents and shares ------------------------------------------------------------------------------------


def can_handle_consents(user) -> bool:
    return is_staff_role(user, FIELD_STAFF)


# --- Fetch helpers: 404 for what a user may not see ---------------------------------------------------------


def get_convention_or_404(user, pk) -> Convention:
    return get_object_or_404(Convention.objects.for_user(user).select_related("organisation"), pk=pk)


def partner_conventions(user):
    """The signed conventions a partner counsellor's organisation is party to (none for anyone else)."""
    organisation_id = counsellor_organisation_id(user) if user.is_authenticated else None
    if user.role != Role.COUNSELLOR or organisation_id is None:
        return Convention.objects.none()
    return Convention.objects.filter(organisation_id=organisation_id, signed_on__isnull=False).select_related(
        "organisation"
    )


def get_partner_convention_or_404(user, pk) -> Convention:
    """A convention as its partner sees it: a counsellor their organisation's signed ones, agency readers any."""
    if user.role == Role.COUNSELLOR:
        return get_object_or_404(partner_conventions(user), pk=pk)
    return get_convention_or_404(user, pk)


def get_referral_or_404(user, pk) -> Referral:
    return get_object_or_404(
        Referral.objects.for_user(user).select_related(
            "organisation", "counsellor", "person", "territory", "team", "created_by"
        ),
        pk=pk,
    )


def get_consent_or_404(user, pk) -> Consent:
    return get_object_or_404(
        Consent.objects.for_user(user).select_related("person", "recipient_organisation", "recorded_by"), pk=pk
    )


def get_share_or_404(user, pk) -> InformationShare:
    return get_object_or_404(
        InformationShare.objects.for_user(user).select_related("person", "to_organisation", "consent", "shared_by"),
        pk=pk,
    )
