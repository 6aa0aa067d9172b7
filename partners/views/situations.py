"""Shared situations: the list (a counsellor sees their organisation's only), opening one on a consent, its page
with meetings and outcomes, and the writes both sides make on it. Every page showing the person logs the read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from mediation.services import note_person_read
from partners import perms
from partners.forms import MeetingForm, OutcomeForm, SituationForm
from partners.models import ConsentState, NextStep, SharedSituation
from partners.services import (
    close_shared_situation,
    open_shared_situation,
    record_meeting,
    record_outcome,
    situation_consent_problem,
)
from partners.views.sharing import _initial_person

READERS = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR, Role.COUNSELLOR)
FIELD = (Role.MEDIATOR, Role.MANAGER)
PAGE_SIZE = 50


def person_shown_to(user, situation, today) -> bool:
    """A counsellor sees who the person is only while the situation is open on a valid consent."""
    if user.role != Role.COUNSELLOR:
        return True
    return situation.is_open and situation.consent.state_on(today) == ConsentState.VALID


@role_required(*READERS)
def situation_list(request):
    today = timezone.localdate()
    situations = SharedSituation.objects.for_user(request.user).select_related(
        "person", "organisation", "team", "agency_referent", "partner_referent", "consent__withdrawal"
    )
    show = request.GET.get("statut", "ouvertes")
    if show == "ouvertes":
        situations = situations.open()
    elif show == "closes":
        situations = situations.filter(closed_on__isnull=False)
    else:
        show = "toutes"
    page = Paginator(situations.order_by("-opened_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for situation in page:
        situation.person_shown = person_shown_to(request.user, situation, today)
    note_person_read(
        request.user, *(s.person for s in page if s.person_shown), reason=_("Liste des situations partagées")
    )
    return render(
        request,
        "partners/situation_list.html",
        {"page": page, "show": show, "can_open": perms.can_open_situation(request.user), "today": today},
    )


@role_required(*FIELD)
def situation_create(request):
    initial = {}
    person = _initial_person(request)
    if person is not None:
        initial["person"] = person.pk
    form = SituationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        situation = submit(
            form,
            open_shared_situation,
            actor=request.user,
            person=data["person"],
            organisation=data["organisation"],
            partner_referent=data["partner_referent"],
            categories=data["categories"],
            uuid=data["uuid"],
        )
        if situation is not None:
            messages.success(request, _("Situation partagée ouverte : le partage est inscrit au journal."))
            return redirect(situation)
    return render(
        request,
        "partners/form_page.html",
        {
            "form": form,
            "title": _("Partager une situation avec un partenaire"),
            "intro": _(
                "La personne doit avoir donné son accord pour ce partenaire et pour les informations choisies ; "
                "sans consentement valable, rien n'est ouvert ni transmis."
            ),
            "back_url": reverse("partners:situation_list"),
            "submit": _("Vérifier le consentement et ouvrir"),
        },
    )


def _detail_context(request, situation, *, outcome_form=None, meeting_form=None):
    today = timezone.localdate()
    problem = situation_consent_problem(situation, on=today)
    shown = person_shown_to(request.user, situation, today)
    can_update = perms.can_update_situation(request.user, situation) and problem is None
    meetings = []
    outcomes = []
    if shown:
        meetings = list(
            situation.meetings.select_related("recorded_by").prefetch_related(
                Prefetch("next_steps", queryset=NextStep.objects.order_by("id"))
            )
        )
        outcomes = list(situation.outcomes.select_related("recorded_by"))
    note_person_read(request.user, situation.person if shown else None, reason=_("Situation partagée"))
    return {
        "situation": situation,
        "person_shown": shown,
        "problem": problem,
        "meetings": meetings,
        "outcomes": outcomes,
        "can_update": can_update,
        "can_close": situation.is_open and perms.can_close_situation(request.user, situation),
        "outcome_form": outcome_form or (OutcomeForm() if can_update else None),
        "back_url": reverse("partners:situation_list"),
    }


@role_required(*READERS)
def situation_detail(request, pk):
    situation = perms.get_situation_or_404(request.user, pk)
    return render(request, "partners/situation_detail.html", _detail_context(request, situation))


@require_POST
@role_required(*READERS)
def situation_outcome(request, pk):
    situation = perms.get_situation_or_404(request.user, pk)
    if not perms.can_update_situation(request.user, situation):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            record_outcome,
            actor=request.user,
            situation=situation,
            kind=data["kind"],
            dated_on=data["dated_on"],
            note=data["note"],
            uuid=data["uuid"],
        )
        if saved is not None:
            messages.success(request, _("Retour enregistré."))
            return redirect(situation)
    context = _detail_context(request, situation, outcome_form=form)
    return render(request, "partners/situation_detail.html", context, status=400)


@role_required(*READERS)
def situation_meeting(request, pk):
    situation = perms.get_situation_or_404(request.user, pk)
    today = timezone.localdate()
    problem = situation_consent_problem(situation, on=today)
    if not perms.can_update_situation(request.user, situation) or problem is not None:
        messages.error(request, problem or _("Vous ne pouvez pas mettre à jour cette situation partagée."))
        return redirect(situation)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            record_meeting,
            actor=request.user,
            situation=situation,
            date=data["date"],
            attendees=data["attendees"],
            decisions=data["decisions"],
            next_steps=form.next_steps(),
            uuid=data["uuid"],
        )
        if saved is not None:
            messages.success(request, _("Rencontre de coordination enregistrée."))
            return redirect(situation)
    note_person_read(request.user, situation.person, reason=_("Situation partagée : rencontre"))
    return render(
        request,
        "partners/situation_meeting_form.html",
        {"form": form, "situation": situation, "back_url": situation.get_absolute_url()},
    )


@require_POST
@role_required(*FIELD)
def situation_close(request, pk):
    situation = perms.get_situation_or_404(request.user, pk)
    try:
        close_shared_situation(actor=request.user, situation=situation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Situation partagée clôturée."))
    return redirect(situation)
