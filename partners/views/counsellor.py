"""The partner counsellor's pages: what is addressed to their organisation, and referring a young person."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from mediation.services import note_person_read
from partners import perms
from partners.forms import IncomingReferralForm
from partners.models import (
    ConsentState,
    InformationShare,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralDirection,
)
from partners.scoping import counsellor_organisation_id
from partners.services import record_incoming_referral
from partners.views.referrals import person_shown_to, reason_shown_to

INBOX_SIZE = 100


def _organisation(user) -> PartnerOrganisation:
    organisation_id = counsellor_organisation_id(user)
    if organisation_id is None:
        raise PermissionDenied  # a counsellor account not attached to an organisation sees nothing
    return get_object_or_404(PartnerOrganisation, pk=organisation_id)


@role_required(Role.COUNSELLOR)
def counsellor_home(request):
    organisation = _organisation(request.user)
    today = timezone.localdate()
    referrals = Referral.objects.for_user(request.user).select_related(
        "person", "territory", "information_share__consent__withdrawal"
    )
    received = list(referrals.filter(direction=ReferralDirection.TO_PARTNER).overdue_first(today)[:INBOX_SIZE])
    sent = list(referrals.filter(direction=ReferralDirection.TO_AGENCY).order_by("-date", "-id")[:INBOX_SIZE])
    shares = list(
        InformationShare.objects.for_user(request.user)
        .select_related("person", "consent__withdrawal")
        .filter(referral__isnull=True)
        .order_by("-shared_on", "-id")[:INBOX_SIZE]
    )
    for share in shares:
        share.person_shown = share.consent is None or share.consent.state_on(today) == ConsentState.VALID
    for referral in received:
        referral.person_shown = person_shown_to(request.user, referral)
        referral.reason_shown = reason_shown_to(request.user, referral)
    shown = (
        [r.person for r in received if r.person_shown]
        + [r.person for r in sent]
        + [s.person for s in shares if s.person_shown]
    )
    note_person_read(request.user, *shown, reason=_("Accueil du conseiller"))
    return render(
        request,
        "partners/counsellor_home.html",
        {
            "organisation": organisation,
            "received": received,
            "sent": sent,
            "shares": shares,
            "today": today,
            # A simple referral names nobody: there is nobody to confirm, so it is not "to confirm".
            "open_count": sum(1 for r in received if r.is_open and r.person_id is not None),
        },
    )


@role_required(Role.COUNSELLOR)
def counsellor_referral_create(request):
    organisation = _organisation(request.user)
    form = IncomingReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            record_incoming_referral,
            actor=request.user,
            organisation=organisation,
            counsellor=PartnerContact.objects.filter(user=request.user).first(),
            uuid=data["uuid"],
            date=data["date"],
            mode=data["mode"],
            territory=data["territory"],
            alias=data["alias"],
            birth_year=data["birth_year"],
            gender=data["gender"],
            phone=data["phone"],
            reason=data["reason"],
            person_agreed=data["person_agreed"],
        )
        if saved is not None:
            referral, created = saved
            messages.success(
                request,
                _("Orientation transmise à l'équipe de médiation.") if created else _("Déjà transmise."),
            )
            return redirect("partners:counsellor_home")
    return render(request, "partners/counsellor_referral_form.html", {"form": form, "organisation": organisation})


@role_required(Role.COUNSELLOR, Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def share_detail(request, pk):
    share = perms.get_share_or_404(request.user, pk)
    shown = share.consent is None or share.consent.state_on(timezone.localdate()) == ConsentState.VALID
    if request.user.role != Role.COUNSELLOR:
        shown = True
    note_person_read(request.user, share.person if shown else None, reason=_("Partage d'informations"))
    return render(request, "partners/share_detail.html", {"share": share, "person_shown": shown})
