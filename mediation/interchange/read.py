"""Reading a CSV or XLSX file into headers and rows, keeping the line numbers a spreadsheet shows."""

import csv
import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from mediation.interchange.columns import FIRST_DATA_LINE, InterchangeError, Table


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


def read_xlsx(data: bytes) -> Table:

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InterchangeError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        headers = list(next(rows))
    except StopIteration:
        raise InterchangeError(_("Le fichier est vide.")) from None
    return Table(headers=headers, rows=((number, list(row)) for number, row in enumerate(rows, FIRST_DATA_LINE)))


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
