"""Conflict cases: open, log sessions (each one an intervention line, once), agreement, closing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.audit import history_for
from altm.decorators import role_required
from altm.forms import submit
from altm.models import AuditAction
from altm.pdf import pdf_response, render_pdf
from altm.pwa import offline_page
from altm.versions import current_version
from mediation import perms, rules, services
from mediation.casework_forms import (
    ConflictAgreementForm,
    ConflictCaseForm,
    ConflictCloseForm,
    ConflictFilterForm,
    ConflictPartyForm,
    ConflictSessionForm,
)
from mediation.models import ConflictCase, ConflictParty, ConflictStatus, Intervention

READERS = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
WORKERS = (Role.MEDIATOR, Role.MANAGER)


def _get_case_to_work_on(user, pk: int) -> ConflictCase:
    case = perms.get_conflict_case_or_404(user, pk)
    if not perms.can_work_on_team(user, case.team_id):
        raise Http404
    return case


@offline_page
@role_required(*READERS)
def conflict_list(request):
    form = ConflictFilterForm(request.GET or None, user=request.user)
    cases = (
        ConflictCase.objects.for_user(request.user)
        .select_related("territory", "site", "team")
        .annotate(session_count=Count("sessions"))
        .open_first()
    )
    if form.is_valid():
        if form.cleaned_data["status"]:
            cases = cases.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["territory"]:
            cases = cases.filter(territory=form.cleaned_data["territory"])
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due_count = ConflictCase.objects.for_user(request.user).agreement_due_by(today).count()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/conflict_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "due_count": due_count,
            "query": query.urlencode(),
            "can_create": perms.can_log_activity(request.user),
        },
    )


@offline_page
@role_required(*WORKERS)
def conflict_create(request):
    form = ConflictCaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, services.open_conflict_case, actor=request.user, **form.cleaned_data)
        if saved is not None:
            case, created = saved
            if created:
                messages.success(request, _("Situation ouverte."))
            return redirect(case)
    return render(
        request,
        "mediation/casework_form.html",
        {
            "form": form,
            "title": _("Nouvelle situation de conflit"),
            "intro": _(
                "Temps réel : le conflit est géré sur place, la ligne « gestion de conflit en temps réel » est "
                "comptée. Temps différé : la situation est suivie dans la durée (navettes, tables rondes)."
            ),
            "submit_label": _("Ouvrir la situation"),
            "back_url": "mediation:conflict_list",
            "site_picker": True,
            "offline_form": True,
        },
    )


@role_required(*READERS)
def conflict_detail(request, pk: int):
    case = perms.get_conflict_case_or_404(request.user, pk)
    sessions = case.sessions.select_related("intervention__author").order_by("date", "id")
    other_lines = (
        Intervention.objects.filter(conflict_case=case, conflict_session__isnull=True)
        .select_related("activity_type", "author")
        .order_by("date", "id")
    )
    today = timezone.localdate()
    return render(
        request,
        "mediation/conflict_detail.html",
        {
            "case": case,
            "sessions": sessions,
            "other_lines": other_lines,
            "today": today,
            "agreement_due": case.status == ConflictStatus.AGREEMENT
            and case.agreement_followup_on is not None
            and case.agreement_followup_on <= today,
            "can_work": perms.can_work_on_team(request.user, case.team_id) and not case.is_closed,
            "history": history_for(case, actions=[AuditAction.UPDATE]),
            "parties": _parties(case),
        },
    )


def _case_action(request, pk, *, form_class, title, submit_label, intro, handle, offline_form=False):
    case = _get_case_to_work_on(request.user, pk)
    if case.is_closed:
        messages.warning(request, _("Cette situation est clôturée."))
        return redirect(case)
    # The forms that change the case carry the version they were read at (`altm.versions`).
    form = form_class(request.POST or None, initial={"version": current_version(case)})
    if request.method == "POST" and form.is_valid():
        message = submit(form, handle, case=case, data=form.cleaned_data)
        if message is not None:
            if message:
                messages.success(request, message)
            return redirect(case)
    return render(
        request,
        "mediation/casework_form.html",
        {
            "form": form,
            "title": title,
            "subtitle": case.title,
            "intro": intro,
            "submit_label": submit_label,
            "back_href": case.get_absolute_url(),
            "offline_form": offline_form,
        },
    )


@offline_page
@role_required(*WORKERS)
def conflict_session_add(request, pk: int):
    def handle(case, data):
        _session, created = services.record_conflict_session(actor=request.user, case=case, **data)
        return _("Rencontre enregistrée et comptée dans l'activité.") if created else ""

    return _case_action(
        request,
        pk,
        form_class=ConflictSessionForm,
        title=_("Nouvelle rencontre"),
        submit_label=_("Enregistrer la rencontre"),
        intro=_("La rencontre est aussi comptée dans l'activité (navette, table ronde ou suivi en temps différé)."),
        handle=handle,
        offline_form=True,
    )


@role_required(*WORKERS)
def conflict_agreement(request, pk: int):
    def handle(case, data):
        services.record_conflict_agreement(
            actor=request.user,
            case=case,
            agreement_on=data["agreement_on"],
            followup_on=data["agreement_followup_on"],
            points=data["agreement_points"],
            version=data["version"],
        )
        return _("Protocole d'accord enregistré : la situation est à suivre.")

    return _case_action(
        request,
        pk,
        form_class=ConflictAgreementForm,
        title=_("Protocole d'accord"),
        submit_label=_("Enregistrer l'accord"),
        intro=_("Indiquez la date de l'accord et quand vérifier qu'il tient."),
        handle=handle,
    )


@role_required(*WORKERS)
def conflict_close(request, pk: int):
    def handle(case, data):
        services.close_conflict_case(actor=request.user, case=case, **data)
        return _("Situation clôturée.")

    return _case_action(
        request,
        pk,
        form_class=ConflictCloseForm,
        title=_("Clôturer la situation"),
        submit_label=_("Clôturer"),
        intro=_("Une situation clôturée ne reçoit plus de rencontre."),
        handle=handle,
    )


# --- Parties: free consent and its withdrawal; the protocole d'accord to print ---------------------------------


def _parties(case) -> list:
    parties = list(case.party_set.order_by("id"))
    for party in parties:
        party.is_minor = rules.is_minor(party, party.consent_given_on)
    return parties


@role_required(*WORKERS)
def conflict_party_add(request, pk: int):
    def handle(case, data):
        services.add_conflict_party(
            actor=request.user,
            case=case,
            uuid=data["uuid"],
            label=data["label"],
            consent_given_on=data["consent_given_on"],
            birth_year=data["birth_year"],
            age_band=data["age_band"],
            guardian_name=data["guardian_name"],
            guardian_role=data["guardian_role"],
        )
        return _("Partie enregistrée avec son consentement à la médiation.")

    return _case_action(
        request,
        pk,
        form_class=ConflictPartyForm,
        title=_("Ajouter une partie"),
        submit_label=_("Enregistrer la partie"),
        intro=_(
            "La médiation repose sur le libre consentement de chaque partie, qu'elle peut retirer à tout moment. "
            "Pour une partie mineure, indiquez le parent ou le tuteur associé."
        ),
        handle=handle,
    )


@require_POST
@role_required(*WORKERS)
def conflict_party_withdraw(request, pk: int, party_pk: int):
    case = _get_case_to_work_on(request.user, pk)
    party = get_object_or_404(ConflictParty, pk=party_pk, case=case)
    try:
        services.withdraw_party_consent(actor=request.user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consentement retiré : la médiation prend fin et la situation est clôturée."))
    return redirect(case)


@role_required(*READERS)
def conflict_agreement_pdf(request, pk: int):
    case = perms.get_conflict_case_or_404(request.user, pk)
    if not case.agreement_on:
        raise Http404
    points = [line.strip() for line in case.agreement_points.splitlines() if line.strip()]
    parties = [party for party in _parties(case) if party.consents or party.consent_withdrawn_on >= case.agreement_on]
    pdf = render_pdf(
        "mediation/pdf/agreement.html",
        {"case": case, "parties": parties, "points": points, "mediator": request.user},
        request=request,
    )
    return pdf_response(pdf, f"protocole-accord-{case.pk}.pdf")
