from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from altm.params import day_param
from altm.pdf import pdf_response, render_pdf
from altm.spreadsheets import XLSX_CONTENT_TYPE
from mediation.models import Team, Territory
from partners.alerts import convention_alerts
from partners.models import Convention
from partners.perms import get_convention_or_404
from reporting import charts, exports, indicators, periods, perms, review_exports, services
from reporting import dashboard as dashboards
from reporting.evaluation import EvaluationReport, build_evaluation, compare_figures, frozen_evaluation
from reporting.forms import EvaluationForm, FreezeForm, IndicatorEntryForm, ReviewNoteForm, default_years
from reporting.models import FrozenReport, IndicatorTarget, IndicatorValue, ServiceProject
from reporting.partnership import build_convention_review
from reporting.projects import build_project_report, has_figures, link_cells, project_indicators, summary

# --- Evaluation ---------------------------------------------------------------------------------------------


def _evaluation_form(request) -> EvaluationForm:
    data = request.GET.copy()
    if not data.get("years"):
        data["years"] = default_years()
    return EvaluationForm(data)


@role_required(Role.DIRECTOR)
def evaluation(request):
    form = _evaluation_form(request)
    report = None
    if form.is_valid():
        first, last = form.cleaned_data["years"]
        report = build_evaluation(first, last, territory=form.cleaned_data["territory"], qpv=form.cleaned_data["qpv"])
    context = {
        "form": form,
        "query": request.GET.urlencode() or f"years={form.data['years']}",
        "freeze_form": FreezeForm(initial={"year": date.today().year - 1}),
        "frozen_reports": FrozenReport.objects.select_related("frozen_by").defer("pdf", "figures"),
        "formats": [("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("csv", "CSV"), ("html", "HTML")],
    }
    if report is not None:
        context.update(exports.context(report, link=_evaluation_link(report)))
    return render(request, "reporting/evaluation.html", context)


def _evaluation_link(report: EvaluationReport):
    """The URL of the lines behind an evaluation figure (same period, territory and QPV scope), or None."""
    territory_ids = dict(Territory.objects.values_list("code", "pk"))
    report_qpv = {True: "in", False: "out", None: ""}[report.qpv]

    def link(code: str, territory: str, span) -> str | None:
        scope = territory if territory != indicators.ALL else (report.territory[0] if report.territory else None)
        return dashboards.indicator_lines_url(
            indicators.REGISTRY[code],
            span,
            territory=territory_ids.get(scope) if scope else None,
            qpv=report_qpv,
            whole_agency=territory == indicators.ALL,
        )

    return link


@role_required(Role.DIRECTOR)
def evaluation_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    form = _evaluation_form(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("reporting:evaluation") + "?" + request.GET.urlencode())
    first, last = form.cleaned_data["years"]
    report = build_evaluation(first, last, territory=form.cleaned_data["territory"], qpv=form.cleaned_data["qpv"])
    content = exports.render(report, fmt)
    name = exports.filename(report, fmt)
    if fmt == "pdf":
        return pdf_response(content, name, inline=False)
    response = HttpResponse(content, content_type=exports.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Frozen reports -----------------------------------------------------------------------------------------


@role_required(Role.DIRECTOR)
@require_POST
def freeze(request):
    if not perms.can_freeze_reports(request.user):
        raise PermissionDenied
    form = FreezeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reporting:evaluation")
    try:
        frozen = services.freeze_annual_report(
            actor=request.user, year=form.cleaned_data["year"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:evaluation")
    messages.success(request, _("Le bilan %(year)s est figé.") % {"year": frozen.year})
    return redirect(frozen)


@role_required(Role.DIRECTOR)
def frozen_detail(request, year: int):
    frozen = get_object_or_404(FrozenReport.objects.select_related("frozen_by"), year=year)
    report = frozen_evaluation(frozen)
    live = build_evaluation(year, year)
    changes = compare_figures(frozen.figures["values"], live.figures())
    territory_names = dict(report.territories) | dict(live.territories)
    for change in changes:
        change["territory_name"] = territory_names.get(change["territory"], _("Toute l'agence"))
    return render(
        request,
        "reporting/frozen_detail.html",
        {"frozen": frozen, "changes": changes, **exports.context(report)},
    )


@role_required(Role.DIRECTOR)
def frozen_pdf(request, year: int):
    frozen = get_object_or_404(FrozenReport, year=year)
    return pdf_response(bytes(frozen.pdf), f"bilan-{year}-fige.pdf")


# --- Service projects ---------------------------------------------------------------------------------------


@role_required(Role.DIRECTOR)
def project_list(request):
    projects = ServiceProject.objects.annotate(indicator_count=Count("parts__stakes__axes__indicators"))
    return render(request, "reporting/project_list.html", {"projects": projects})


def _project_context(project: ServiceProject) -> dict:
    parts = build_project_report(project)
    spans = [periods.year_status(year, today=date.today()) for year in project.years]
    return {
        "project": project,
        "parts": parts,
        "summary": summary(parts),
        "years": project.years,
        "spans": spans,
        "partial_span": next((span for span in spans if span.partial), None),
        "is_empty": not has_figures(parts),
    }


@role_required(Role.DIRECTOR)
def project_detail(request, pk: int):
    project = get_object_or_404(ServiceProject, pk=pk)
    context = _project_context(project)
    link_cells(context["parts"])
    return render(request, "reporting/project_detail.html", context)


@role_required(Role.DIRECTOR)
def project_pdf(request, pk: int):
    project = get_object_or_404(ServiceProject, pk=pk)
    context = {**_project_context(project), "generated_at": date.today(), "generated_by": request.user}
    pdf = render_pdf("reporting/project_pdf.html", context)
    return pdf_response(pdf, f"projet-de-service-{project.start_year}-{project.end_year}.pdf")


@role_required(Role.DIRECTOR)
def project_entry(request, pk: int, year: int):
    """Targets of every indicator and values of manual indicators, for one year of the project."""
    project = get_object_or_404(ServiceProject, pk=pk)
    if year not in project.years:
        raise Http404
    items = list(project_indicators(project))
    ids = [item.pk for item in items]
    targets = {t.indicator_id: t for t in IndicatorTarget.objects.filter(indicator_id__in=ids, year=year)}
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(indicator_id__in=ids, year=year)}
    forms = []
    for item in items:
        initial = {}
        if item.pk in targets:
            initial["target"] = _plain(targets[item.pk].value)
        if item.pk in values:
            initial["value"] = _plain(values[item.pk].value)
            initial["note"] = values[item.pk].note
        forms.append(
            IndicatorEntryForm(request.POST or None, initial=initial, indicator=item, prefix=f"ind-{item.pk}")
        )
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            entries = {}
            for form in forms:
                entry = {"target": form.cleaned_data["target"]}
                if not form.indicator.is_computed:
                    entry["value"] = form.cleaned_data["value"]
                    entry["note"] = form.cleaned_data["note"]
                entries[form.indicator.pk] = entry
            changed = services.save_indicator_entries(actor=request.user, project=project, year=year, entries=entries)
            message = ngettext("%(count)s modification enregistrée.", "%(count)s modifications enregistrées.", changed)
            messages.success(request, message % {"count": changed})
            return redirect("reporting:project_detail", pk=project.pk)
        messages.error(
            request, _("Certaines saisies sont invalides : rien n'a été enregistré. Corrigez-les ci-dessous.")
        )
    grouped = []
    for form in forms:
        axis = form.indicator.axis
        if not grouped or grouped[-1]["axis"].pk != axis.pk:
            grouped.append({"axis": axis, "forms": []})
        grouped[-1]["forms"].append(form)
    return render(
        request,
        "reporting/project_entry.html",
        {"project": project, "year": year, "groups": grouped, "years": project.years},
    )


def _plain(value) -> str:
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text.replace(".", ",")


# --- Dashboards ---------------------------------------------------------------------------------------------


def _anchor(request) -> date:
    return day_param(request, "date", default=date.today())


def _kind(request, default: str) -> str:
    return request.GET.get("period") if request.GET.get("period") in ("week", "month") else default


def _team_board(request):
    kind = _kind(request, "week")
    teams = list(Team.objects.for_user(request.user).order_by("name"))
    selected = None
    team_id = request.GET.get("team")
    if team_id:
        selected = next((team for team in teams if str(team.pk) == team_id), None)
        if selected is None:
            raise Http404
    scope = [selected] if selected else teams
    board = dashboards.build_dashboard(
        user=request.user,
        kind=kind,
        anchor=_anchor(request),
        group="mediator",
        teams=scope,
        scope_filters={"team": selected.pk} if selected else None,
    )
    return board, teams, selected


@role_required(Role.MANAGER, Role.DIRECTOR)
def team_dashboard(request):
    board, teams, selected = _team_board(request)
    return render(
        request,
        "reporting/team_dashboard.html",
        {
            "board": board,
            "teams": teams,
            "selected": selected,
            "kind": board.kind,
            "figures_url": "reporting:team_dashboard_figures",
            **_navigation(board, board.kind, selected),
        },
    )


@role_required(Role.MANAGER, Role.DIRECTOR)
def team_dashboard_figures(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    board, _teams, selected = _team_board(request)
    name = f"tableau-de-bord-{board.current.start.isoformat()}-{board.current.end.isoformat()}.{fmt}"
    return _figures_response(dashboards.figure_rows(board), fmt, name)


def _figures_response(rows, fmt: str, name: str) -> HttpResponse:
    content = exports.figures_file(dashboards.FIGURE_COLUMNS, rows, fmt)
    response = HttpResponse(content, content_type=exports.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _navigation(board, kind: str, selected) -> dict:
    previous_anchor = board.current.start - timedelta(days=1)
    next_anchor = board.current.start + timedelta(days=7 if kind == "week" else 31)
    next_anchor = next_anchor.replace(day=1) if kind == "month" else next_anchor
    team = f"&team={selected.pk}" if selected else ""
    date_query = f"&date={board.current.start.isoformat()}"
    return {
        "previous_query": f"period={kind}&date={previous_anchor.isoformat()}{team}",
        "next_query": f"period={kind}&date={next_anchor.isoformat()}{team}" if next_anchor <= date.today() else "",
        "team_query": team,
        "figures_query": f"period={kind}{date_query}{team}",
    }


YEAR_CODES = [
    "conflict.interventions",
    "partnership.referrals",
    "assistance.active_listening",
    "technical_watch.total",
]


def _overview_board(request):
    today = date.today()
    board = dashboards.build_dashboard(
        user=request.user, kind=_kind(request, "month"), anchor=_anchor(request), group="team"
    )
    to_date = periods.year_to_date(today)
    tables = [
        indicators.compute(YEAR_CODES, period=indicators.Period(span.start, span.end), by=())
        for span in (to_date.current, to_date.previous)
    ]
    year_figures = []
    for code in YEAR_CODES:
        indicator = indicators.REGISTRY[code]
        figure = dashboards.Figure(
            key=code,
            label=str(indicator.label),
            filters={"activities": list(indicator.activities)},
            current=tables[0].get(code),
            previous=tables[1].get(code),
        )
        year_figures.append(figure)
    return board, to_date, year_figures


@role_required(Role.DIRECTOR)
def overview(request):
    board, to_date, year_figures = _overview_board(request)
    today = date.today()
    return render(
        request,
        "reporting/overview.html",
        {
            "board": board,
            "kind": board.kind,
            "year": today.year,
            "to_date": to_date,
            "year_figures": [
                (figure, dashboards.lines_url(to_date.current, **figure.filters)) for figure in year_figures
            ],
            "alerts": convention_alerts(request.user, today),
            "conventions": _conventions(request.user),
            "figures_url": "reporting:overview_figures",
            **_navigation(board, board.kind, None),
        },
    )


@role_required(Role.DIRECTOR)
def overview_figures(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    board, to_date, year_figures = _overview_board(request)
    extra = [(f"annee.{f.key}", f"{f.label} ({to_date.current.label})", f, to_date) for f in year_figures]
    name = f"vue-d-ensemble-{board.current.start.isoformat()}-{board.current.end.isoformat()}.{fmt}"
    return _figures_response(dashboards.figure_rows(board, extra), fmt, name)


def _conventions(user):
    return list(Convention.objects.for_user(user).filter(signed_on__isnull=False).select_related("organisation"))


# --- Annual partnership review ------------------------------------------------------------------------------


def review_context(convention, year: int, *, partner_version: bool = False, calendar: bool = False) -> dict:
    """The annual review's page and PDF context; the partner version leaves out what is agency-internal (the
    director's comments until they are frozen, among others). `calendar`: the calendar year instead of the
    convention's (anniversary to anniversary)."""
    if not 2000 <= year <= date.today().year + 1:
        raise Http404
    review = build_convention_review(convention, year, calendar=calendar)
    chart = None
    if review.commitments:
        chart = charts.paired_bars(
            _("Engagements : prévu et réalisé"),
            [str(item.label) for item in review.commitments],
            [
                (_("Prévu"), [item.planned for item in review.commitments]),
                (_("Réalisé"), [item.realised for item in review.commitments]),
            ],
        )
    years = list(
        range(max(year - 3, convention.signed_on.year if convention.signed_on else year - 3), date.today().year + 1)
    )
    return {
        "review": review,
        "chart": chart,
        "year": year,
        "years": years,
        "generated_at": date.today(),
        "query": "?periode=civile" if calendar else "",
        "partner_version": partner_version,
    }


def _review_context(request, pk: int, year: int) -> dict:
    context = review_context(
        get_convention_or_404(request.user, pk), year, calendar=request.GET.get("periode") == "civile"
    )
    note = context["review"].note
    context["can_edit_note"] = request.user.role == Role.DIRECTOR and not (note and note.is_frozen)
    return context


@role_required(Role.MANAGER, Role.DIRECTOR)
def convention_review(request, pk: int, year: int):
    context = _review_context(request, pk, year)
    if context["can_edit_note"]:
        note = context["review"].note
        initial = {"comments": note.comments, "perspectives": note.perspectives} if note else {}
        context["note_form"] = ReviewNoteForm(initial=initial)
    return render(request, "reporting/convention_review.html", context)


@role_required(Role.MANAGER, Role.DIRECTOR)
def convention_review_pdf(request, pk: int, year: int):
    context = {**_review_context(request, pk, year), "generated_by": request.user}
    pdf = render_pdf("reporting/convention_review_pdf.html", context)
    return pdf_response(pdf, f"bilan-convention-{pk}-{year}.pdf")


@role_required(Role.MANAGER, Role.DIRECTOR)
def convention_review_xlsx(request, pk: int, year: int):
    review = _review_context(request, pk, year)["review"]
    response = HttpResponse(review_exports.to_xlsx(review), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bilan-convention-{pk}-{year}.xlsx"'
    return response


@role_required(Role.DIRECTOR)
@require_POST
def convention_review_note(request, pk: int, year: int):
    context = _review_context(request, pk, year)
    review = context["review"]
    form = ReviewNoteForm(request.POST)
    if form.is_valid():
        saved = submit(
            form,
            services.save_review_note,
            actor=request.user,
            convention=review.convention,
            period_start=review.start,
            comments=form.cleaned_data["comments"],
            perspectives=form.cleaned_data["perspectives"],
        )
        if saved is not None:
            messages.success(request, _("Commentaires et perspectives enregistrés."))
            return redirect(reverse("reporting:convention_review", args=[pk, year]) + context["query"])
    context.update({"note_form": form, "can_edit_note": True})
    return render(request, "reporting/convention_review.html", context, status=400)


@role_required(Role.DIRECTOR)
@require_POST
def convention_review_freeze(request, pk: int, year: int):
    context = _review_context(request, pk, year)
    review = context["review"]
    services.freeze_review_note(actor=request.user, convention=review.convention, period_start=review.start)
    messages.success(request, _("Commentaires figés : ils ne se modifient plus."))
    return redirect(reverse("reporting:convention_review", args=[pk, year]) + context["query"])
