"""The funder report in four formats, all from one `FunderReport`: HTML (standalone), PDF, XLSX, CSV."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from altm.models import Agency
from altm.pdf import render_pdf
from altm.spreadsheets import XLSX_CONTENT_TYPE, csv_lines, safe_cell
from reporting.formatting import fr_date
from reporting.funders import FunderReport, PostSummary
from reporting.indicators import EVALUATION_CODES, REGISTRY

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "xlsx": (XLSX_CONTENT_TYPE, "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
CSV_HEADER = ["indicateur", "secteur_ou_qpv", "valeur"]


def filename(report: FunderReport, fmt: str) -> str:
    return f"rapport-financeur-{report.funder.code}-{report.year}.{FORMATS[fmt][1]}"


def context(report: FunderReport, **extra) -> dict:
    return {
        "report": report,
        "evaluation": report.activity.evaluation,
        "sections": report.activity.evaluation.sections(),
        "definitions": [REGISTRY[code] for code in EVALUATION_CODES],
        "agency": Agency.current(),
        **extra,
    }


def to_pdf(report: FunderReport) -> bytes:
    return render_pdf("reporting/funder_report_pdf.html", context(report))


def to_html(report: FunderReport) -> str:
    return render_to_string("reporting/funder_report_standalone.html", context(report))


def to_csv(report: FunderReport) -> str:
    return "".join(csv_lines(CSV_HEADER, report.csv_rows(), delimiter=";", lineterminator="\r\n"))


def to_xlsx(report: FunderReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rapport")
    bold = Font(bold=True)

    def append(values, font=None):
        sheet.append([safe_cell(value) for value in values])
        if font is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = font

    append([report.title], Font(bold=True, size=14, color="1F4E79"))
    period = _("du %(start)s au %(end)s") % {
        "start": fr_date(report.period.start),
        "end": fr_date(report.until or report.period.end),
    }
    if report.until:
        period += " " + _("(année en cours)")
    append([period])
    append([_("établi le %(date)s") % {"date": fr_date(report.generated_at)}])
    append([])
    activity = report.activity
    append([_("Actes par mission")], bold)
    for label, value in activity.families:
        append([label, value])
    append([_("Total"), activity.acts], bold)
    append([])
    append([_("Quartier prioritaire"), _("Code"), _("Actes"), _("Femmes"), _("Hommes"), _("Non précisé")], bold)
    for row in activity.qpv_rows:
        append([row.label, row.code, row.acts, row.women, row.men, row.unknown])
    append([])
    append([_("Personnes touchées"), _("Femmes"), _("Hommes"), _("Non précisé"), _("Total")], bold)
    append(["", activity.women, activity.men, activity.unknown, activity.beneficiaries])
    append([])
    territories = activity.evaluation.territories
    for section in activity.evaluation.sections():
        append([str(section["label"])], Font(bold=True, color="1F4E79"))
        append([_("Indicateur"), _("Ensemble"), *[name for _code, name in territories]], bold)
        for row in section["rows"]:
            append([row.label, row.values[0], *[values[0] for _c, _n, values in row.by_territory]])
        append([])
    if report.highlights:
        append([_("Faits marquants")], bold)
        append([report.highlights])
    sheet.column_dimensions["A"].width = 50
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 14
    data = workbook.create_sheet(_("Données"))
    data.append(CSV_HEADER)
    for row in report.csv_rows():
        data.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(report: FunderReport, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(report).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "html":
        return to_html(report).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(report)
    raise ValueError(fmt)


def post_pdf(summary: PostSummary) -> bytes:
    activity = summary.activity
    return render_pdf(
        "reporting/post_summary_pdf.html",
        {
            "summary": summary,
            "activity": activity,
            "evaluation": activity.evaluation if activity else None,
            "sections": activity.evaluation.sections() if activity else [],
        },
    )
