"""The annual partnership review as a spreadsheet, from the same `ConventionReview` as the page and the PDF."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from altm.spreadsheets import safe_cell
from reporting.formatting import fr_date
from reporting.partnership import ConventionReview


def period_label(review: ConventionReview) -> str:
    label = _("du %(start)s au %(end)s") % {"start": fr_date(review.start), "end": fr_date(review.end)}
    if review.until:
        label += " " + _("(année en cours : chiffres au %(date)s)") % {"date": fr_date(review.until)}
    return label


def to_xlsx(review: ConventionReview) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Bilan")
    bold = Font(bold=True)
    heading = Font(bold=True, color="1F4E79", size=12)

    def append(values, font=None):
        sheet.append([safe_cell(value) for value in values])
        if font is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = font

    convention = review.convention
    append([_("Bilan annuel de la convention")], Font(bold=True, size=14, color="1F4E79"))
    append([f"{convention.title} — {convention.organisation}"])
    append([period_label(review)])
    append([])
    append([_("Engagements : prévu et réalisé")], heading)
    append([_("Engagement"), _("Prévu"), _("Réalisé"), _("Atteinte (%)")], bold)
    for item in review.commitments:
        append([str(item.label), item.planned, item.realised, item.percent])
    append([])
    append([_("Rencontres par site commun")], heading)
    append([_("Site"), _("Rencontres tenues"), _("Prévues")], bold)
    for name, held, planned in review.sites:
        append([name, held, planned])
    append([])
    append([_("Mises en relation dans les deux sens")], heading)
    append([_("Sens"), *[str(label) for _index, label in review.statuses_shown], _("Total")], bold)
    for row in review.referral_rows:
        append([str(row["label"]), *row["shown"], row["total"]])
    append([])
    append([_("Partages d'informations par base légale")], heading)
    for label, n in review.shares:
        append([str(label), n])
    append([_("Total"), review.shares_total], bold)
    append([])
    append([_("Diagnostics d'ambiance")], heading)
    for event in review.climate:
        append([f"{fr_date(event.date)} · {event.site or ''}".rstrip(" ·"), event.climate_diagnosis])
    if not review.climate:
        append([_("Aucun diagnostic d'ambiance sur la période.")])
    append([])
    note = review.note
    append([_("Commentaires de la direction")], heading)
    append([note.comments if note and note.comments else _("Non rédigés.")])
    append([_("Perspectives")], heading)
    append([note.perspectives if note and note.perspectives else _("Non rédigées.")])
    sheet.column_dimensions["A"].width = 55
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 16
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    events = workbook.create_sheet(_("Actions"))
    events.append([_("Date"), _("Type"), _("Site"), _("Intitulé"), _("Situations examinées")])
    for event in review.events:
        events.append(
            [
                event.date,
                str(event.get_kind_display()),
                str(event.site or ""),
                safe_cell(event.title),
                event.situations_reviewed,
            ]
        )
    for cells in events.iter_rows(min_row=2, max_col=1):
        cells[0].number_format = "dd/mm/yyyy"
    events.column_dimensions["A"].width = 12
    events.column_dimensions["B"].width = 26
    events.column_dimensions["C"].width = 24
    events.column_dimensions["D"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
