"""Intervention lines as CSV or XLSX files.

Two formats: the list export for people (French headers and labels, dates as 25/11/2026, a CSV for a French
spreadsheet: semicolon, UTF-8 with BOM), and the technical interchange format (`mediation.interchange`, codes and
ISO dates, made to be imported again), used by the import/export command and offered under that name.
"""

from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from altm import spreadsheets
from mediation import interchange
from mediation.models import ReferralMode

FRENCH_VALUES = [
    "date",
    "territory__name",
    "site__name",
    "author__first_name",
    "author__last_name",
    "author__username",
    "activity_type__label",
    "mode",
    "count",
    "women",
    "men",
    "unknown",
    "duration_minutes",
    "note",
]


def french_header() -> list[str]:
    return [
        _("Date"),
        _("Secteur"),
        _("Site"),
        _("Médiateur"),
        _("Activité"),
        _("Modalité"),
        _("Actes"),
        _("Femmes"),
        _("Hommes"),
        _("Non précisé"),
        _("Durée (minutes)"),
        _("Note"),
    ]


def french_rows(queryset) -> Iterator[list]:
    """One row per line with French labels (names, not codes), streamed from the database in one query."""
    modes = dict(ReferralMode.choices)
    values = queryset.order_by("date", "id").values_list(*FRENCH_VALUES)
    for day, territory, site, first, last, username, activity, mode, *numbers, note in values.iterator(2000):
        mediator = f"{first or ''} {last or ''}".strip() or (username or "")
        yield [
            day.strftime("%d/%m/%Y"),
            territory,
            site or "",
            mediator,
            activity,
            str(modes.get(mode, "")) if mode else "",
            *numbers,
            note,
        ]


def french_csv_chunks(queryset) -> Iterator[str]:
    return spreadsheets.csv_lines(french_header(), french_rows(queryset), delimiter=";")


def french_xlsx(queryset, handle: BinaryIO) -> None:
    spreadsheets.write_xlsx(handle, french_header(), french_rows(queryset), sheet_title=_("Interventions"))


def csv_chunks(rows) -> Iterator[str]:
    """The interchange CSV, line by line; formula-like text is escaped (`spreadsheets.safe_cell`)."""
    return spreadsheets.csv_lines(interchange.COLUMNS, rows)


def write_xlsx(rows, handle: BinaryIO) -> None:
    spreadsheets.write_xlsx(handle, interchange.COLUMNS, rows, sheet_title="interventions")


__all__ = ["csv_chunks", "french_csv_chunks", "french_xlsx", "write_xlsx"]
