import io
from datetime import date

from openpyxl import load_workbook

from altm.spreadsheets import BOM, csv_lines, write_xlsx


def test_csv_streams_a_bom_the_header_then_each_row_through_the_cell_function():
    lines = list(csv_lines(["a", "b"], [[1, "x;y"], [None, "=1+1"]], cell=lambda v: "" if v is None else f"<{v}>"))
    assert lines[0] == BOM
    assert lines[1:] == ["a,b\r\n", "<1>,<x;y>\r\n", ",<=1+1>\r\n"]


def test_xlsx_keeps_text_as_text_and_dates_as_dates():
    handle = io.BytesIO()
    write_xlsx(handle, ["quand", "note"], [[date(2026, 3, 1), "=HYPERLINK(1)"]], sheet_title="feuille")
    sheet = load_workbook(io.BytesIO(handle.getvalue()))["feuille"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("quand", "note")
    assert rows[1][0].date() == date(2026, 3, 1)
    assert rows[1][1] == "'=HYPERLINK(1)"  # escaped by safe_cell, and stored as text
    assert sheet.cell(2, 2).data_type == "s"
    assert sheet.cell(2, 1).number_format == "yyyy-mm-dd"
