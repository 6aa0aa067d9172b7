"""Follow-ups ("suivis"): my follow-ups with what is due, start one, plan the next action or end it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from altm.pwa import offline_page
from altm.versions import current_version
from mediation import perms, services
from mediation.casework_forms import (
    FollowUpContactEditForm,
    FollowUpContactForm,
    FollowUpCreateForm,
    FollowUpEditForm,
    FollowUpFilterForm,
)
from mediation.models import FollowUp
from mediation.services import team_for

WORKERS = (Role.MEDIATOR, Role.MANAGER)


@offline_page
@role_required(*WORKERS)
def followup_list(request):
    """Mediators see their own follow-ups by default (or their team's); managers their teams'. Due ones first."""
    user = request.user
    form = FollowUpFilterForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_valid() else {}
    scope = data.get("scope") or ("mine" if user.role == Role.MEDIATOR else "team")
    today = timezone.localdate()
    followups = FollowUp.objects.for_user(user).select_related("person", "mediator", "territory")
    if scope == "mine":
        followups = followups.filter(mediator=user)
    period = form.period
    if period:
        # Those a report counts over the period: active at some point of it, ended since or not.
        followups = followups.active_during(*period)
    elif not data.get("ended"):
        followups = followups.active()
    for name in ("kind", "territory", "team"):
        if data.get(name):
            followups = followups.filter(**{name: data[name]})
    persons = followups.values("person_id").distinct().count() if period else None
    due_first = Case(
        When(ended_on__isnull=True, next_action_on__lte=today, then=0),
        When(next_action_on__isnull=False, then=1),
        default=2,
        output_field=IntegerField(),
    )
    followups = followups.alias(due_rank=due_first).order_by(
        "due_rank", F("next_action_on").asc(nulls_last=True), "person__alias", "id"
    )
    page = Paginator(followups, 30).get_page(request.GET.get("page"))
    due_count = FollowUp.objects.for_user(user).filter(**({"mediator": user} if scope == "mine" else {}))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/followup_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "scope": scope,
            "due_count": due_count.due_by(today).count(),
            "period": period,
            "persons": persons,
            "query": query.urlencode(),
        },
    )


@offline_page
@role_required(*WORKERS)
def followup_create(request):
    form = FollowUpCreateForm(request.POST or None, user=request.user, initial=_initial_person(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["person"]
        territory = person.territory if person else data["territory"]
        team = person.team if person else team_for(request.user, territory)
        saved = submit(
            form,
            services.record_followup,
            actor=request.user,
            uuid=data["uuid"],
            kind=data["kind"],
            team=team,
            started_on=data["started_on"],
            person=person,
            new_person=None if person else form.new_person(),
            next_action_on=data["next_action_on"],
            next_action=data["next_action"],
        )
        if saved is not None:
            followup, created = saved
            if created:
                messages.success(request, _("Suivi commencé."))
            return redirect(followup.person)
    return render(
        request,
        "mediation/casework_form.html",
        {
            "form": form,
            "title": _("Nouveau suivi"),
            "intro": _(
                "Données minimales : un prénom ou un pseudonyme, l'année de naissance ou la tranche d'âge, "
                "le genre et le secteur. Rien d'autre n'est nécessaire."
            ),
            "submit_label": _("Commencer le suivi"),
            "back_url": "mediation:followup_list",
            "offline_form": True,
        },
    )


def _initial_person(request) -> dict:
    """`?personne=<id>` pre-selects a person the team already follows (from the person's page)."""
    value = request.GET.get("personne", "")
    return {"person": value} if value.isdigit() else {}


@offline_page
@role_required(*WORKERS)
def followup_edit(request, pk: int):
    followup = perms.get_followup_or_404(request.user, pk)
    initial = {
        "next_action_on": followup.next_action_on,
        "next_action": followup.next_action,
        "note": followup.note,
        "ended_on": followup.ended_on,
        "version": current_version(followup),
    }
    form = FollowUpEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if submit(form, services.update_followup, actor=request.user, followup=followup, **form.cleaned_data):
            messages.success(request, _("Suivi terminé.") if followup.ended_on else _("Suivi mis à jour."))
            return redirect("mediation:followup_list")
    return _followup_page(request, followup, form=form, contact_form=FollowUpContactForm())


def _followup_page(request, followup, *, form=None, contact_form=None, status=200):
    if form is None:
        form = FollowUpEditForm(
            initial={
                "next_action_on": followup.next_action_on,
                "next_action": followup.next_action,
                "note": followup.note,
                "ended_on": followup.ended_on,
                "version": current_version(followup),
            }
        )
    contacts = list(followup.contacts.select_related("author").order_by("-date", "-created_at", "-id"))
    for contact in contacts:
        contact.editable = perms.can_edit_contact(request.user, contact)
    return render(
        request,
        "mediation/followup_edit.html",
        {
            "followup": followup,
            "form": form,
            "contact_form": contact_form,
            "contacts": contacts,
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_POST
@role_required(*WORKERS)
def followup_contact_add(request, pk: int):
    """Add a dated contact to the follow-up's log (the form on the follow-up page)."""
    followup = perms.get_followup_or_404(request.user, pk)
    form = FollowUpContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            services.record_followup_contact,
            actor=request.user,
            followup=followup,
            uuid=data["uuid"],
            date=data["date"],
            kind=data["kind"],
            note=data["note"],
        )
        if saved is not None:
            if saved[1]:
                messages.success(request, _("Contact noté."))
            return redirect(followup)
    return _followup_page(request, followup, contact_form=form, status=400)


@role_required(*WORKERS)
def followup_contact_edit(request, pk: int):
    """Its author corrects a contact for 7 days; anyone else is told so."""
    contact = perms.get_contact_or_404(request.user, pk)
    followup = perms.get_followup_or_404(request.user, contact.followup_id)
    if not perms.can_edit_contact(request.user, contact):
        messages.error(request, _("Seul son auteur corrige un contact, pendant 7 jours après l'avoir noté."))
        return redirect(followup)
    initial = {"date": contact.date, "kind": contact.kind, "note": contact.note, "version": current_version(contact)}
    form = FollowUpContactEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if submit(form, services.update_followup_contact, actor=request.user, contact=contact, **form.cleaned_data):
            messages.success(request, _("Contact corrigé."))
            return redirect(followup)
    return render(
        request,
        "mediation/casework_form.html",
        {
            "form": form,
            "title": _("Corriger le contact du %(day)s") % {"day": f"{contact.date:%d/%m/%Y}"},
            "intro": _("Vous pouvez corriger ce contact pendant 7 jours après l'avoir noté."),
            "submit_label": _("Enregistrer"),
            "back_href": followup.get_absolute_url(),
        },
    )
