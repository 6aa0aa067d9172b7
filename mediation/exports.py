"""Intervention lines in the interchange format, as CSV or XLSX files (used by the list export and the command)."""

from collections.abc import Iterator
from typing import BinaryIO

from altm import spreadsheets
from mediation import interchange


def csv_chunks(rows) -> Iterator[str]:
    """The CSV export, line by line; formula-like text is escaped (`spreadsheets.safe_cell`)."""
    return spreadsheets.csv_lines(interchange.COLUMNS, rows)


def write_xlsx(rows, handle: BinaryIO) -> None:
    spreadsheets.write_xlsx(handle, interchange.COLUMNS, rows, sheet_title="interventions")
