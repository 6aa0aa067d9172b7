"""Who may see and do what with partners, referrals, consents and shares. Deny by default.

Counsellors (partner staff) see only what is addressed to their own organisation; everything of another
organisation answers 404 through the fetch helpers below.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from mediation.perms import team_ids

AGENCY_STAFF = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
FIELD_STAFF = (Role.MEDIATOR, Role.MANAGER)


def counsellor_organisation_id(user) -> int | None:
    """The organisation of a counsellor account, or None (cached on the user object)."""
    if not user.is_authenticated or user.role != Role.COUNSELLOR:
        return None
    if not hasattr(user, "_altm_partner_org"):
        from partners.models import PartnerContact

        contact = PartnerContact.objects.filter(user=user).values("organisation_id").first()
        user._altm_partner_org = contact["organisation_id"] if contact else None
    return user._altm_partner_org


def is_staff_role(user, roles=AGENCY_STAFF) -> bool:
    return user.is_authenticated and user.role in roles


# --- Organisations and conventions -------------------------------------------------------------------------


def can_view_organisations(user) -> bool:
    return is_staff_role(user)


def can_view_conventions(user) -> bool:
    return is_staff_role(user, (Role.MANAGER, Role.DIRECTOR))


def can_manage_conventions(user) -> bool:
    return is_staff_role(user, (Role.DIRECTOR,))


def can_record_events(user) -> bool:
    return is_staff_role(user, (Role.MANAGER, Role.DIRECTOR))


def visible_conventions(user, conventions: QuerySet) -> QuerySet:
    return conventions if can_view_conventions(user) else conventions.none()


# --- Referrals ----------------------------------------------------------------------------------------------


def visible_referrals(user, referrals: QuerySet) -> QuerySet:
    if not user.is_authenticated:
        return referrals.none()
    if user.role == Role.DIRECTOR:
        return referrals
    if user.role in FIELD_STAFF:
        return referrals.filter(team_id__in=team_ids(user))
    if user.role == Role.COUNSELLOR:
        organisation_id = counsellor_organisation_id(user)
        return referrals.filter(organisation_id=organisation_id) if organisation_id else referrals.none()
    return referrals.none()


def can_list_referrals(user) -> bool:
    return is_staff_role(user)


def can_record_referral(user) -> bool:
    return is_staff_role(user, FIELD_STAFF)


def is_receiver(user, referral) -> bool:
    """The side that confirms "taken in charge" / "not followed": the partner, or the agency for incoming ones."""
    from partners.models import ReferralDirection

    if referral.direction == ReferralDirection.TO_PARTNER:
        return counsellor_organisation_id(user) == referral.organisation_id
    return user.role in FIELD_STAFF and referral.team_id in team_ids(user)


def is_sender(user, referral) -> bool:
    from partners.models import ReferralDirection

    if referral.direction == ReferralDirection.TO_AGENCY:
        return counsellor_organisation_id(user) == referral.organisation_id
    return user.role in FIELD_STAFF and referral.team_id in team_ids(user)


def allowed_statuses(user, referral) -> list[str]:
    """Statuses `user` may move `referral` to now (the workflow of DOMAIN §4)."""
    from partners.models import ReferralStatus

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


# --- Persons, consents, shares -----------------------------------------------------------------------------


def visible_persons(user, persons: QuerySet) -> QuerySet:
    """Persons whose consents and shares a user may handle: their teams' persons; all for the direction."""
    if not user.is_authenticated:
        return persons.none()
    if user.role == Role.DIRECTOR:
        return persons
    if user.role in FIELD_STAFF:
        return persons.filter(team_id__in=team_ids(user))
    return persons.none()


def workable_persons(user, persons: QuerySet) -> QuerySet:
    """Persons a field worker may record a consent, a share or a referral for (not anonymised)."""
    if not is_staff_role(user, FIELD_STAFF):
        return persons.none()
    return persons.filter(team_id__in=team_ids(user), anonymised_at__isnull=True)


def visible_consents(user, consents: QuerySet) -> QuerySet:
    if not user.is_authenticated:
        return consents.none()
    if user.role == Role.DIRECTOR:
        return consents
    if user.role in FIELD_STAFF:
        return consents.filter(person__team_id__in=team_ids(user))
    return consents.none()


def visible_shares(user, shares: QuerySet) -> QuerySet:
    if not user.is_authenticated:
        return shares.none()
    if user.role == Role.DIRECTOR:
        return shares
    if user.role in FIELD_STAFF:
        return shares.filter(Q(team_id__in=team_ids(user)) | Q(person__team_id__in=team_ids(user)))
    if user.role == Role.COUNSELLOR:
        organisation_id = counsellor_organisation_id(user)
        return shares.filter(to_organisation_id=organisation_id) if organisation_id else shares.none()
    return shares.none()


def can_handle_consents(user) -> bool:
    return is_staff_role(user, FIELD_STAFF)


def can_view_person_sharing(user) -> bool:
    return is_staff_role(user)


def can_produce_right_of_access(user) -> bool:
    return is_staff_role(user, (Role.DIRECTOR,))


# --- Fetch helpers: 404 for what a user may not see ---------------------------------------------------------


def get_referral_for_user(user, pk):
    from partners.models import Referral

    return get_object_or_404(
        Referral.objects.for_user(user).select_related("organisation", "counsellor", "person", "territory", "team"),
        pk=pk,
    )


def get_consent_for_user(user, pk):
    from partners.models import Consent

    return get_object_or_404(
        Consent.objects.for_user(user).select_related("person", "recipient_organisation", "recorded_by"), pk=pk
    )


def get_share_for_user(user, pk):
    from partners.models import InformationShare

    return get_object_or_404(
        InformationShare.objects.for_user(user).select_related("person", "to_organisation", "consent", "shared_by"),
        pk=pk,
    )


def get_person_for_user(user, pk):
    from mediation.models import Person

    return get_object_or_404(visible_persons(user, Person.objects.select_related("team", "territory")), pk=pk)
