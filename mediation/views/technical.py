"""Technical watch: reports to landlords, their status, and the weekly synthesis each landlord receives."""

from dataclasses import dataclass, field
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
from altm import spreadsheets
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

READERS = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
WORKERS = (Role.MEDIATOR, Role.MANAGER)
NEXT_STATUS = {
    TechnicalReportStatus.OPEN: TechnicalReportStatus.TRANSMITTED,
    TechnicalReportStatus.TRANSMITTED: TechnicalReportStatus.RESOLVED,
}


@role_required(*READERS)
def technical_list(request):
    form = TechnicalFilterForm(request.GET or None)
    reports = (
        TechnicalReport.objects.for_user(request.user).select_related("landlord", "territory", "site").open_first()
    )
    if form.is_valid():
        if form.cleaned_data["landlord"]:
            reports = reports.filter(landlord=form.cleaned_data["landlord"])
        if form.cleaned_data["status"]:
            reports = reports.filter(status=form.cleaned_data["status"])
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
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
            if created:
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


@dataclass
class SynthesisRow:
    report: TechnicalReport
    status: str  # as it stood at the end of the week
    status_label: str
    transmitted_on: date | None
    resolved_on: date | None
    is_new: bool


@dataclass
class SiteGroup:
    name: str
    territory: str
    rows: list[SynthesisRow] = field(default_factory=list)


@dataclass
class Synthesis:
    """What one landlord is sent for one week: every report pending at some point of the week, by site."""

    landlord: Landlord
    start: date
    end: date
    week: str
    groups: list[SiteGroup]
    new_count: int = 0
    resolved_count: int = 0
    pending_count: int = 0
    danger_count: int = 0

    @property
    def rows(self) -> list[SynthesisRow]:
        return [row for group in self.groups for row in group.rows]


def _status_at(report: TechnicalReport, end: date) -> tuple[str, date | None, date | None]:
    transmitted = report.transmitted_on if report.transmitted_on and report.transmitted_on <= end else None
    resolved = report.resolved_on if report.resolved_on and report.resolved_on <= end else None
    if resolved:
        return TechnicalReportStatus.RESOLVED, transmitted, resolved
    if transmitted:
        return TechnicalReportStatus.TRANSMITTED, transmitted, None
    return TechnicalReportStatus.OPEN, None, None


def build_synthesis(user, landlord: Landlord, start: date, end: date) -> Synthesis:
    """One query: the user's visible reports for the landlord that were pending during the week, by site."""
    reports = (
        TechnicalReport.objects.for_user(user)
        .filter(landlord=landlord)
        .active_between(start, end)
        .select_related("site", "territory")
        .prefetch_related("photos")
        .order_by("territory__name", "site__name", "reported_on", "id")
    )
    synthesis = Synthesis(landlord=landlord, start=start, end=end, week=iso_week(start), groups=[])
    groups: dict = {}
    for report in reports:
        status, transmitted, resolved = _status_at(report, end)
        key = (report.territory_id, report.site_id)
        if key not in groups:
            groups[key] = SiteGroup(
                name=report.site.name if report.site else _("Hors site"), territory=report.territory.name
            )
            synthesis.groups.append(groups[key])
        row = SynthesisRow(
            report=report,
            status=status,
            status_label=TechnicalReportStatus(status).label,
            transmitted_on=transmitted,
            resolved_on=resolved,
            is_new=start <= report.reported_on <= end,
        )
        groups[key].rows.append(row)
        synthesis.new_count += row.is_new
        synthesis.resolved_count += bool(resolved and resolved >= start)
        synthesis.pending_count += status != TechnicalReportStatus.RESOLVED
        synthesis.danger_count += report.is_danger and status != TechnicalReportStatus.RESOLVED
    return synthesis


CSV_HEADER = [
    "N°",
    "Secteur",
    "Site",
    "Lieu",
    "Équipement",
    "Problème",
    "Danger",
    "Statut en fin de semaine",
    "Constaté le",
    "Transmis le",
    "Résolu le",
]


def _fr(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _synthesis_csv(synthesis: Synthesis, filename: str) -> HttpResponse:
    """Semicolon-separated UTF-8 with BOM: what a French spreadsheet opens without asking."""
    rows = (
        [
            row.report.pk,
            group.territory,
            group.name,
            row.report.place,
            row.report.equipment,
            row.report.problem,
            "oui" if row.report.is_danger else "non",
            row.status_label,
            _fr(row.report.reported_on),
            _fr(row.transmitted_on),
            _fr(row.resolved_on),
        ]
        for group in synthesis.groups
        for row in group.rows
    )
    response = HttpResponse(
        spreadsheets.csv_lines(CSV_HEADER, rows, delimiter=";", lineterminator="\r\n"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


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
    synthesis = build_synthesis(request.user, landlord, start, end)
    context["synthesis"] = synthesis
    filename = f"veille-technique-{slugify(landlord.name)}-{synthesis.week}"
    output = request.GET.get("format", "")
    if output == "csv":
        return _synthesis_csv(synthesis, filename)
    if output == "pdf":
        pdf = render_pdf("mediation/technical_synthesis_pdf.html", context, request=request)
        return pdf_response(pdf, f"{filename}.pdf")
    return render(request, "mediation/technical_synthesis.html", context)
