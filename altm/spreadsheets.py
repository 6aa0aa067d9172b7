"""Generic spreadsheet writers: a CSV streamed line by line, an XLSX written row by row (never all in memory).

They know nothing of the rows they write; the caller gives the header, the rows and, for the CSV, how a value
becomes a cell (for instance escaping what a spreadsheet would run as a formula).
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"  # Excel then reads the file as UTF-8
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable], *, cell: Callable[[object], str] = str) -> Iterator[str]:
    """The CSV file as a stream of text lines: a BOM, the header, then each row with `cell` applied to every value."""
    writer = csv.writer(_Echo())
    yield BOM
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def write_xlsx(handle: BinaryIO, header: Iterable, rows: Iterable[Iterable], *, sheet_title: str) -> None:
    """Write one sheet to `handle` in openpyxl's write-only mode.

    Text stays text (never a formula, whatever it starts with); dates get the ISO display format.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(header))
    for row in rows:
        cells = []
        for value in row:
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                written.data_type = "s"
            elif hasattr(value, "isoformat"):
                written.number_format = "yyyy-mm-dd"
            cells.append(written)
        sheet.append(cells)
    workbook.save(handle)
