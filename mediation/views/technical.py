"""Technical watch: reports to landlords, their status, and the weekly synthesis each landlord receives."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.audit import history_for
from altm.decorators import role_required
from altm.forms import submit
from altm.models import AuditAction
from altm.pdf import pdf_response, render_pdf
from altm.pwa import offline_page
from mediation import perms, services
from mediation.casework_forms import (
    SynthesisForm,
    TechnicalActionForm,
    TechnicalAdvanceForm,
    TechnicalFilterForm,
    TechnicalReportForm,
    iso_week,
)
from mediation.models import Landlord, TechnicalReport, TechnicalReportStatus
from mediation.synthesis import build_synthesis, synthesis_csv

READERS = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
WORKERS = (Role.MEDIATOR, Role.MANAGER)
NEXT_STATUS = {
    TechnicalReportStatus.OPEN: TechnicalReportStatus.TRANSMITTED,
    TechnicalReportStatus.TRANSMITTED: TechnicalReportStatus.RESOLVED,
}


@role_required(*READERS)
def technical_list(request):
    form = TechnicalFilterForm(request.GET or None)
    today = timezone.localdate()
    reports = (
        TechnicalReport.objects.for_user(request.user)
        .select_related("landlord", "territory", "site")
        .with_too_long(today)
        .open_first()
    )
    if form.is_valid():
        if form.cleaned_data["landlord"]:
            reports = reports.filter(landlord=form.cleaned_data["landlord"])
        if form.cleaned_data["status"]:
            reports = reports.filter(status=form.cleaned_data["status"])
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    for report in page:
        report.days_open = report.open_days(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/technical_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": perms.can_log_activity(request.user),
            "this_week": iso_week(timezone.localdate()),
        },
    )


@offline_page
@role_required(*WORKERS)
def technical_create(request):
    form = TechnicalReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, services.record_technical_report, actor=request.user, **form.cleaned_data)
        if saved is not None:
            report, created = saved
            if created and report.is_danger and report.landlord.email:
                messages.success(request, _("Danger enregistré : il part tout de suite par e-mail au bailleur."))
            elif created:
                messages.success(request, _("Signalement enregistré et compté comme transmission."))
            return redirect(report)
    return render(
        request,
        "mediation/casework_form.html",
        {
            "form": form,
            "title": _("Nouveau signalement technique"),
            "intro": _("Seulement en cas de danger ou de nuisance majeure. Le bailleur est repris du site."),
            "submit_label": _("Enregistrer le signalement"),
            "back_url": "mediation:technical_list",
            "site_picker": True,
            "offline_form": True,
        },
    )


@role_required(*READERS)
def technical_photo(request, pk: int, photo_pk: int):
    """A report's photo, to those who may see the report (the file itself is never public)."""
    report = perms.get_technical_report_or_404(request.user, pk)
    photo = report.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    try:
        with photo.image.open("rb") as handle:
            data = handle.read()  # a resized photo: a few hundred kilobytes
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="signalement-{report.pk}-photo-{photo.pk}.jpg"'
    return response


@role_required(*READERS)
def technical_detail(request, pk: int):
    report = perms.get_technical_report_or_404(request.user, pk)
    can_work = perms.can_work_on_team(request.user, report.team_id)
    next_status = NEXT_STATUS.get(report.status)
    advance_form = TechnicalAdvanceForm(initial={"status": next_status}) if next_status else None
    action_form = TechnicalActionForm()
    if request.method == "POST":
        if not can_work:
            raise Http404
        if request.POST.get("action") == "advance" and next_status:
            advance_form = TechnicalAdvanceForm(request.POST)
            if advance_form.is_valid():
                changed = submit(
                    advance_form,
                    services.advance_technical_report,
                    actor=request.user,
                    report=report,
                    **advance_form.cleaned_data,
                )
                if changed is not None:
                    messages.success(request, _("Statut mis à jour."))
                    return redirect(report)
        elif request.POST.get("action") == "line":
            action_form = TechnicalActionForm(request.POST)
            if action_form.is_valid():
                saved = submit(
                    action_form,
                    services.record_technical_action,
                    actor=request.user,
                    report=report,
                    **action_form.cleaned_data,
                )
                if saved is not None:
                    _line, created = saved
                    if created:
                        messages.success(request, _("Action enregistrée et comptée dans l'activité."))
                    return redirect(report)
        else:
            return redirect(report)
    actions = report.actions.select_related("activity_type", "author").order_by("date", "id")
    return render(
        request,
        "mediation/technical_detail.html",
        {
            "report": report,
            "actions": actions,
            "can_work": can_work,
            "next_status": next_status,
            "next_status_label": TechnicalReportStatus(next_status).label if next_status else "",
            "advance_form": advance_form,
            "action_form": action_form,
            "week": iso_week(report.reported_on),
            "history": history_for(report, actions=[AuditAction.UPDATE]),
            "photos": list(report.photos.all()),
        },
    )


# --- Weekly synthesis per landlord --------------------------------------------------------------------------


def _landlord_overview(user, start: date, end: date) -> list[dict]:
    """Per landlord, the week's counts (one aggregate query), for the page without a chosen landlord."""
    counts = {
        row["landlord"]: row
        for row in TechnicalReport.objects.for_user(user)
        .active_between(start, end)
        .values("landlord")
        .annotate(
            total=Count("id"),
            new=Count("id", filter=Q(reported_on__gte=start)),
            resolved=Count("id", filter=Q(resolved_on__gte=start, resolved_on__lte=end)),
        )
    }
    empty = {"total": 0, "new": 0, "resolved": 0}
    return [{**counts.get(landlord.pk, empty), "landlord": landlord} for landlord in Landlord.objects.order_by("name")]


@role_required(*READERS)
def technical_synthesis(request):
    data = request.GET.copy()
    if not data.get("week"):
        data["week"] = iso_week(timezone.localdate())
    form = SynthesisForm(data)
    if not form.is_valid():
        context = {"form": form, "synthesis": None, "overview": None, "week": data["week"]}
        return render(request, "mediation/technical_synthesis.html", context, status=400)
    start, end = form.cleaned_data["week"]
    landlord = form.cleaned_data["landlord"]
    context = {
        "form": form,
        "start": start,
        "end": end,
        "week": iso_week(start),
        "synthesis": None,
        "is_director": request.user.role == Role.DIRECTOR,
        "issued_on": timezone.localdate(),
        "overview": None,
    }
    if landlord is None:
        context["overview"] = _landlord_overview(request.user, start, end)
        return render(request, "mediation/technical_synthesis.html", context)
    output = request.GET.get("format", "")
    # The PDF is what the landlord receives: each pending report carries its signed link.
    reports = TechnicalReport.objects.for_user(request.user)
    synthesis = build_synthesis(reports, landlord, start, end, with_links=output == "pdf")
    context["synthesis"] = synthesis
    filename = f"veille-technique-{slugify(landlord.name)}-{synthesis.week}"
    if output == "csv":
        response = HttpResponse(synthesis_csv(synthesis), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if output == "pdf":
        pdf = render_pdf("mediation/technical_synthesis_pdf.html", context, request=request)
        return pdf_response(pdf, f"{filename}.pdf")
    return render(request, "mediation/technical_synthesis.html", context)
