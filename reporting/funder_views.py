"""Funder reports and adultes-relais summaries: pages, downloads, and the director's highlights."""

from datetime import date

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from altm.pdf import pdf_response
from partners.models import AdultRelayPost, Funder
from reporting import funder_exports, services
from reporting.forms import HighlightsForm
from reporting.funders import build_funder_report, build_post_summary


def _year_or_404(year: int) -> int:
    if not 2000 <= year <= date.today().year + 1:
        raise Http404
    return year


def _years(current: int) -> list[int]:
    today = date.today().year
    return list(range(min(current, today) - 3, today + 1))


@role_required(Role.DIRECTOR)
def funder_list(request):
    funders = Funder.objects.annotate(dispositif_count=Count("dispositifs", distinct=True)).prefetch_related(
        "dispositifs"
    )
    posts = AdultRelayPost.objects.select_related("holder", "qpv", "dispositif__funder")
    return render(
        request,
        "reporting/funder_list.html",
        {"funders": funders, "posts": posts, "year": date.today().year, "last_year": date.today().year - 1},
    )


@role_required(Role.DIRECTOR)
def funder_report(request, code: str, year: int):
    funder = get_object_or_404(Funder, code=code)
    _year_or_404(year)
    if request.method == "POST":
        form = HighlightsForm(request.POST)
        if form.is_valid():
            saved = submit(
                form,
                services.save_funder_highlights,
                actor=request.user,
                funder=funder,
                year=year,
                highlights=form.cleaned_data["highlights"],
            )
            if saved is not None:
                messages.success(request, _("Faits marquants enregistrés."))
                return redirect("reporting:funder_report", code=funder.code, year=year)
    report = build_funder_report(funder, year)
    if request.method != "POST":
        form = HighlightsForm(initial={"highlights": report.highlights})
    return render(
        request,
        "reporting/funder_report.html",
        {
            **funder_exports.context(report),
            "form": form,
            "years": _years(year),
            "formats": [("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("csv", "CSV"), ("html", "HTML")],
        },
    )


@role_required(Role.DIRECTOR)
def funder_report_export(request, code: str, year: int, fmt: str):
    if fmt not in funder_exports.FORMATS:
        raise Http404
    funder = get_object_or_404(Funder, code=code)
    report = build_funder_report(funder, _year_or_404(year))
    content = funder_exports.render(report, fmt)
    name = funder_exports.filename(report, fmt)
    if fmt == "pdf":
        return pdf_response(content, name, inline=False)
    response = HttpResponse(content, content_type=funder_exports.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _post_summary(pk: int, year: int):
    post = get_object_or_404(AdultRelayPost.objects.select_related("holder", "qpv", "dispositif__funder"), pk=pk)
    return build_post_summary(post, _year_or_404(year))


@role_required(Role.DIRECTOR)
def post_summary(request, pk: int, year: int):
    summary = _post_summary(pk, year)
    activity = summary.activity
    return render(
        request,
        "reporting/post_summary.html",
        {
            "summary": summary,
            "activity": activity,
            "evaluation": activity.evaluation if activity else None,
            "sections": activity.evaluation.sections() if activity else [],
            "years": _years(year),
        },
    )


@role_required(Role.DIRECTOR)
def post_summary_pdf(request, pk: int, year: int):
    summary = _post_summary(pk, year)
    name = f"poste-adulte-relais-{summary.post.pk}-{year}.pdf"
    return pdf_response(funder_exports.post_pdf(summary), name, inline=False)
