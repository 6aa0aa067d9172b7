"""Referrals ("mises en relation"): the team's list, recording one, its page and its status."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import add_service_errors, submit
from mediation.services import note_person_read
from partners import perms
from partners.forms import ReferralForm, ReferralStatusForm
from partners.models import (
    REFERRAL_CATEGORIES,
    ConsentState,
    Referral,
    ReferralDirection,
    ReferralStatus,
    SharingPurpose,
    category_labels,
)
from partners.services import LegalBasisError, record_referral, referral_follow_up_default, update_referral_status

STAFF = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
PAGE_SIZE = 50


def person_shown_to(user, referral) -> bool:
    """A counsellor sees the person of a referral only while the basis of the transmission still holds."""
    if referral.person_id is None:
        return False
    if user.role != Role.COUNSELLOR:
        return True
    if referral.direction == ReferralDirection.TO_AGENCY:
        return True
    share = getattr(referral, "information_share", None)
    if share is None or share.consent is None:
        return share is not None
    return share.consent.state_on(timezone.localdate()) == ConsentState.VALID


def reason_shown_to(user, referral) -> bool:
    """The reason travels with the person: a counsellor no longer sees it once the person is hidden from them."""
    return referral.person_id is None or person_shown_to(user, referral)


@role_required(*STAFF)
def referral_list(request):
    today = timezone.localdate()
    referrals = Referral.objects.for_user(request.user).select_related("territory", "team", "person")
    show = request.GET.get("statut", "ouvertes")
    if show == "ouvertes":
        referrals = referrals.open()
    elif show in ReferralStatus.values:
        referrals = referrals.filter(status=show)
    overdue_count = Referral.objects.for_user(request.user).overdue_on(today).count()
    page = Paginator(referrals.overdue_first(today), PAGE_SIZE).get_page(request.GET.get("page"))
    note_person_read(request.user, *(referral.person for referral in page), reason=_("Liste des mises en relation"))
    return render(
        request,
        "partners/referral_list.html",
        {
            "page": page,
            "today": today,
            "show": show,
            "statuses": ReferralStatus.choices,
            "overdue_count": overdue_count,
            "can_record": perms.can_record_referral(request.user),
        },
    )


DRAFTS_KEY = "referral_drafts"
DRAFTS_KEPT = 5


def _save_draft(request, form) -> str:
    """Keep what the mediator typed in their session, under the form's UUID, so a referral refused for want of
    consent comes back exactly as it was once the consent is recorded (and is still recorded once)."""
    key = str(form.cleaned_data["uuid"] or "")
    if not key:
        return ""
    drafts = request.session.get(DRAFTS_KEY, {})
    drafts.pop(key, None)
    while len(drafts) >= DRAFTS_KEPT:
        drafts.pop(next(iter(drafts)))
    drafts[key] = {name: form.data.getlist(name) for name in form.fields if name in form.data}
    request.session[DRAFTS_KEY] = drafts
    return key


def _draft_initial(request) -> dict | None:
    """The initial values of a kept draft named by `?brouillon=`; None (with a French message) when it is gone."""
    key = request.GET.get("brouillon")
    if key is None:
        return None
    values = request.session.get(DRAFTS_KEY, {}).get(key)
    if values is None:
        messages.warning(
            request, _("Cette saisie n'est plus disponible (déjà enregistrée ou session expirée) : nouvelle saisie.")
        )
        return None
    initial = {name: (items[-1] if items else "") for name, items in values.items()}
    initial["uuid"] = key
    return initial


def _drop_draft(request, key) -> None:
    drafts = request.session.get(DRAFTS_KEY, {})
    if drafts.pop(str(key), None) is not None:
        request.session[DRAFTS_KEY] = drafts


def _refusal_help(request, form, draft_key: str) -> dict:
    """What the page offers after a consent refusal: the person's oral agreement now, or the written consent form
    (pre-filled, the categories the refusal names ticked) that comes back to this same referral."""
    data = form.cleaned_data
    help_ = {"categories": category_labels(REFERRAL_CATEGORIES), "consent_url": None}
    person = data.get("person")
    if person is not None and draft_key:
        query = QueryDict(mutable=True)
        query["personne"] = person.pk
        query["destinataire"] = data["organisation"].pk
        query["finalite"] = SharingPurpose.REFERRAL
        query.setlist("categories", list(REFERRAL_CATEGORIES))
        query["retour"] = f"{reverse('partners:referral_create')}?brouillon={draft_key}"
        help_["consent_url"] = f"{reverse('partners:consent_create')}?{query.urlencode()}"
    return help_


@role_required(Role.MEDIATOR, Role.MANAGER)
def referral_create(request):
    initial = _draft_initial(request) if request.method == "GET" else None
    form = ReferralForm(request.POST or None, user=request.user, initial=initial)
    refusal_help = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral, created = record_referral(
                actor=request.user,
                uuid=data["uuid"],
                date=data["date"],
                mode=data["mode"],
                organisation=data["organisation"],
                counsellor=data["counsellor"],
                territory=data["territory"],
                site=data["site"],
                person=data["person"],
                new_person=form.new_person(),
                beneficiary_gender=data["beneficiary_gender"] or None,
                reason=data["reason"],
                follow_up_on=data["follow_up_on"] or referral_follow_up_default(data["date"]),
                counsellor_agreed=data["counsellor_agreed"],
                oral_consent_now=data["oral_consent_now"],
            )
        except LegalBasisError as exc:
            add_service_errors(form, exc)
            refusal_help = _refusal_help(request, form, _save_draft(request, form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _drop_draft(request, data["uuid"])
            if created:
                messages.success(request, _("Mise en relation enregistrée (et comptée dans l'activité)."))
            else:
                messages.info(request, _("Cette mise en relation était déjà enregistrée."))
            return redirect(referral.get_absolute_url())
    return render(request, "partners/referral_form.html", {"form": form, "refusal_help": refusal_help})


@role_required(*STAFF, Role.COUNSELLOR)
def referral_detail(request, pk):
    referral = perms.get_referral_or_404(request.user, pk)
    allowed = perms.allowed_statuses(request.user, referral)
    share = getattr(referral, "information_share", None)
    person_shown = person_shown_to(request.user, referral)
    note_person_read(request.user, referral.person if person_shown else None, reason=_("Mise en relation"))
    return render(
        request,
        "partners/referral_detail.html",
        {
            "referral": referral,
            "share": share,
            "status_form": ReferralStatusForm(allowed=allowed) if allowed else None,
            "person_shown": person_shown,
            "reason_shown": reason_shown_to(request.user, referral),
            "can_open_person": referral.person_id is not None and request.user.role != Role.COUNSELLOR,
            "today": timezone.localdate(),
            "back_url": reverse(
                "partners:counsellor_home" if request.user.role == Role.COUNSELLOR else "partners:referral_list"
            ),
        },
    )


@require_POST
@role_required(Role.MEDIATOR, Role.MANAGER, Role.COUNSELLOR)
def referral_status(request, pk):
    referral = perms.get_referral_or_404(request.user, pk)
    allowed = perms.allowed_statuses(request.user, referral)
    if not allowed:
        raise PermissionDenied
    form = ReferralStatusForm(request.POST, allowed=allowed)
    if form.is_valid():
        changed = submit(
            form,
            update_referral_status,
            actor=request.user,
            referral=referral,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            refusal_reason=form.cleaned_data["refusal_reason"],
        )
        if changed is not None:
            messages.success(request, _("Statut mis à jour."))
            return redirect(referral.get_absolute_url())
    note_person_read(request.user, referral.person if person_shown_to(request.user, referral) else None)
    return render(
        request,
        "partners/referral_detail.html",
        {
            "referral": referral,
            "share": getattr(referral, "information_share", None),
            "status_form": form,
            "person_shown": person_shown_to(request.user, referral),
            "reason_shown": reason_shown_to(request.user, referral),
            "can_open_person": referral.person_id is not None and request.user.role != Role.COUNSELLOR,
            "today": timezone.localdate(),
            "back_url": reverse(
                "partners:counsellor_home" if request.user.role == Role.COUNSELLOR else "partners:referral_list"
            ),
        },
        status=400,
    )
