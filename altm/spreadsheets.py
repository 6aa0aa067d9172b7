"""Generic spreadsheet writers: a CSV streamed line by line, an XLSX written row by row (never all in memory).

They know nothing of the rows they write. Every cell the application writes, in any CSV or XLSX file, goes
through `safe_cell`: text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd…`, `@SUM(…)`) gets a
leading quote, so it is shown as text and never run. The interchange import removes that quote again.
"""

import csv
import numbers
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"  # Excel then reads the file as UTF-8
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write in a cell: text that a spreadsheet would run as a formula gets a leading quote;
    numbers, dates and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_cell(value) -> str:
    """A CSV cell: empty for None, ISO for a date, `safe_cell` for the rest."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(safe_cell(value if isinstance(value, numbers.Number) else str(value)))


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def csv_lines(
    header: Iterable, rows: Iterable[Iterable], *, cell: Callable[[object], str] = csv_cell, **dialect
) -> Iterator[str]:
    """The CSV file as a stream of text lines: a BOM, the header, then each row with `cell` applied to every value.

    `dialect` goes to `csv.writer` (a French spreadsheet's `delimiter=";"`, for instance).
    """
    writer = csv.writer(_Echo(), **dialect)
    yield BOM
    yield writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def write_xlsx(handle: BinaryIO, header: Iterable, rows: Iterable[Iterable], *, sheet_title: str) -> None:
    """Write one sheet to `handle` in openpyxl's write-only mode.

    Text stays text (never a formula, whatever it starts with, and escaped by `safe_cell` for whoever edits the
    cell later); dates get the ISO display format.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append([safe_cell(str(value)) for value in header])
    for row in rows:
        cells = []
        for value in row:
            written = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, str):
                written.data_type = "s"
            elif hasattr(value, "isoformat"):
                written.number_format = "yyyy-mm-dd"
            cells.append(written)
        sheet.append(cells)
    workbook.save(handle)
