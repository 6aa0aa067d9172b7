"""The evaluation in four formats, all from one `EvaluationReport`: CSV (long), XLSX, HTML (standalone), PDF."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from altm import spreadsheets
from altm.models import Agency
from altm.pdf import render_pdf
from altm.spreadsheets import XLSX_CONTENT_TYPE, csv_lines, safe_cell
from mediation.models import ActivityType
from reporting import charts
from reporting.evaluation import CSV_HEADER, EvaluationReport
from reporting.formatting import fr_date
from reporting.indicators import ALL, EVALUATION_CODES, REGISTRY, SECTION_LABELS

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": (XLSX_CONTENT_TYPE, "xlsx"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
}


def filename(report: EvaluationReport, fmt: str) -> str:
    scope = f"-{report.territory[0]}" if report.territory else ""
    return f"evaluation-{report.period_label}{scope}.{FORMATS[fmt][1]}"


def to_csv(report: EvaluationReport) -> str:
    lines = csv_lines(CSV_HEADER, report.csv_rows(), lineterminator="\n")
    next(lines)  # no BOM: this file has always been plain UTF-8
    return "".join(lines)


def evaluation_charts(report: EvaluationReport) -> list[charts.Chart]:
    years = [str(year) for year in report.years]
    main = [
        "conflict.interventions",
        "conflict.rule_reminders",
        "partnership.referrals",
        "partnership.referral_beneficiaries",
        "technical_watch.total",
    ]
    trend = charts.grouped_bars(
        _("Principaux indicateurs par année"),
        years,
        [(str(REGISTRY[code].label), [report.value(code, ALL, y) for y in report.years]) for code in main],
    )
    families = report.family_totals()
    mix = charts.stacked_share(
        _("Répartition des actes par mission"),
        years,
        [(str(SECTION_LABELS[family]), values) for family, values in families.items()],
    )
    result = [trend, mix]
    if len(report.territories) > 1:
        result.append(
            charts.grouped_bars(
                _("Interventions de gestion de conflits par secteur"),
                [name for _code, name in report.territories],
                [
                    (
                        year,
                        [report.value("conflict.interventions", code, int(year)) for code, _n in report.territories],
                    )
                    for year in years
                ],
            )
        )
    return result


def definitions(codes) -> list[tuple[str, str]]:
    """(label, definition) of indicators in French words, activity labels instead of codes (one query)."""
    names = dict(ActivityType.objects.values_list("code", "label"))
    return [(str(REGISTRY[code].label), REGISTRY[code].describe(names)) for code in codes]


def context(report: EvaluationReport, *, link=None, **extra) -> dict:
    return {
        "report": report,
        "sections": report.sections(link=link),
        "charts": evaluation_charts(report),
        "definitions": definitions(EVALUATION_CODES),
        "agency": Agency.current(),  # the standalone HTML file is rendered without a request
        **extra,
    }


def to_html(report: EvaluationReport, **extra) -> str:
    """A standalone HTML file (print stylesheet inlined by reference to nothing external)."""
    return render_to_string("reporting/evaluation_standalone.html", context(report, **extra))


def to_pdf(report: EvaluationReport, **extra) -> bytes:
    return render_pdf("reporting/evaluation_pdf.html", context(report, **extra))


def _append(sheet, values) -> None:
    """One row; no text becomes a formula (`safe_cell`)."""
    sheet.append([safe_cell(value) for value in values])


def to_xlsx(report: EvaluationReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Évaluation")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EEF4")
    section_font = Font(bold=True, color="1F4E79", size=12)
    thin = Side(style="thin", color="B9C3CC")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    _append(sheet, [_("Évaluation de l'activité %(period)s") % {"period": report.period_label}])
    sheet["A1"].font = Font(bold=True, size=14, color="1F4E79")
    subtitle = f"{report.scope_label} · " + _("établi le %(date)s") % {"date": fr_date(report.generated_at)}
    if report.partial_span:
        subtitle += " · " + _("%(year)s en cours : chiffres au %(day)s") % {
            "year": report.partial_span.name,
            "day": fr_date(report.partial_span.end),
        }
    _append(sheet, [subtitle])
    _append(sheet, [])
    years = report.years
    for section in report.sections():
        _append(sheet, [str(section["label"])])
        sheet.cell(sheet.max_row, 1).font = section_font
        _append(sheet, [_("Indicateur"), _("Secteur"), *years, _("Code")])
        for column in range(1, len(years) + 4):
            cell = sheet.cell(sheet.max_row, column)
            cell.font, cell.fill, cell.border = bold, header_fill, border
        for row in section["rows"]:
            label = ("    " if row.is_detail else "") + row.label
            _append(sheet, [label, _("Toute l'agence"), *row.values, row.code])
            for column in range(1, len(years) + 4):
                cell = sheet.cell(sheet.max_row, column)
                cell.border = border
                if not row.is_detail:
                    cell.font = bold
            for _t_code, t_name, values in row.by_territory:
                _append(sheet, ["", t_name, *values, row.code])
                for column in range(1, len(years) + 4):
                    sheet.cell(sheet.max_row, column).border = border
        _append(sheet, [])
    for column in range(3, len(years) + 3):
        for cells in sheet.iter_cols(min_col=column, max_col=column, min_row=4):
            for cell in cells:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                    cell.alignment = Alignment(horizontal="right")
    sheet.column_dimensions["A"].width = 52
    sheet.column_dimensions["B"].width = 18
    for column in range(3, len(years) + 3):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.column_dimensions[get_column_letter(len(years) + 3)].width = 40
    sheet.freeze_panes = "C4"

    data = workbook.create_sheet(_("Données"))
    _append(data, CSV_HEADER)
    for row in report.csv_rows():
        _append(data, list(row))
    data.freeze_panes = "A2"
    data.column_dimensions["A"].width = 44
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(report: EvaluationReport, fmt: str, **extra) -> bytes:
    if fmt == "csv":
        return to_csv(report).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "html":
        return to_html(report, **extra).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(report, **extra)
    raise ValueError(fmt)


# --- Figures of the dashboards (one line per figure, its period and the period it is compared with) ----------


def figures_file(header: list[str], rows: list[list], fmt: str) -> bytes:
    """CSV for a French spreadsheet (semicolon, UTF-8 with BOM) or XLSX."""
    if fmt == "csv":
        return "".join(csv_lines(header, rows, delimiter=";")).encode("utf-8")
    buffer = io.BytesIO()
    spreadsheets.write_xlsx(buffer, header, rows, sheet_title=str(_("Chiffres")))
    return buffer.getvalue()
