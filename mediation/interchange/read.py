"""Reading a CSV or XLSX file into headers and rows, keeping the line numbers a spreadsheet shows."""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from mediation.interchange.columns import FIRST_DATA_LINE, FORMULA_WITHOUT_VALUE, InterchangeError, Table

# What a damaged or truncated XLSX raises while it is opened or read.
UNREADABLE_XLSX = (
    InvalidFileException,
    OSError,
    KeyError,
    ValueError,
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    EOFError,
)


def file_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".xlsx"):
        return "xlsx"
    raise InterchangeError(
        _("Format de fichier non reconnu : « %(name)s » (attendu : .csv ou .xlsx).") % {"name": name}
    )


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; spreadsheets saved by a French Excel are often Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    # A French Excel writes `;` between cells; detect it on the header line.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise InterchangeError(_("Le fichier est vide.")) from None
    return Table(headers=headers, rows=((number, row) for number, row in enumerate(reader, FIRST_DATA_LINE)))


def _open_xlsx(data: bytes, *, data_only: bool):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    sheet = workbook.worksheets[0]
    # Read-only mode trusts the sheet's declared <dimension>, which a generator may get wrong: read every row.
    sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True)


def _xlsx_rows(data: bytes) -> Iterator[list]:
    """Every row's cached values; a formula cell that holds no computed value becomes FORMULA_WITHOUT_VALUE.

    The file is read twice in streaming mode: once for the values a spreadsheet saved, once for the formulas.
    """
    try:
        values, formulas = _open_xlsx(data, data_only=True), _open_xlsx(data, data_only=False)
        for row, formula_row in zip(values, formulas, strict=False):
            cells = list(row)
            for position, value in enumerate(cells):
                if value is None and position < len(formula_row):
                    formula = formula_row[position]
                    if isinstance(formula, str) and formula.startswith("="):
                        cells[position] = FORMULA_WITHOUT_VALUE
            yield cells
    except UNREADABLE_XLSX as exc:
        message = _("Ce fichier n'est pas un classeur XLSX lisible (fichier abîmé ou tronqué ?).")
        raise InterchangeError(message) from exc


def read_xlsx(data: bytes) -> Table:
    # Read whole before anything is checked: a truncated file is refused as a file, not half-read.
    rows = list(_xlsx_rows(data))
    if not rows:
        raise InterchangeError(_("Le fichier est vide."))
    return Table(headers=rows[0], rows=enumerate(rows[1:], FIRST_DATA_LINE))


def read_table(data: bytes, kind: str) -> Table:
    if kind == "csv":
        try:
            return read_csv(decode_csv(data))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InterchangeError(_("Ce fichier n'est pas un CSV lisible : %(error)s") % {"error": exc}) from exc
    if kind == "xlsx":
        return read_xlsx(data)
    raise InterchangeError(_("Format de fichier non reconnu (attendu : csv ou xlsx)."))


def read_path(path: str) -> Table:
    kind = file_kind(str(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InterchangeError(_("Impossible de lire le fichier : %(error)s") % {"error": exc}) from exc
    return read_table(data, kind)
