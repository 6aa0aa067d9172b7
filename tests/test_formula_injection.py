"""Every CSV and XLSX cell the application writes is escaped against formula injection by one function
(`altm.spreadsheets.safe_cell`): the interchange CSV and XLSX exports, the admin export, the weekly landlord
synthesis and the evaluation files (issue #10, item 13)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from altm.spreadsheets import csv_cell, safe_cell
from mediation.interchange import read_table, validate_table
from tests.clock import frozen
from tests.mediation.factories import InterventionFactory, TechnicalReportFactory, TerritoryFactory

pytestmark = frozen()

MALICIOUS = ['=HYPERLINK("http://evil.invalid","clic")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1", "\r=1"]


def is_formula(text) -> bool:
    return isinstance(text, str) and text.startswith(("=", "+", "-", "@", "\t", "\r"))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_values(response, delimiter=",") -> list[str]:
    return csv_text_values(body(response), delimiter)


def csv_text_values(content: bytes, delimiter=",") -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def xlsx_values(content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("text", MALICIOUS)
def test_safe_cell_quotes_formulas_and_leaves_the_rest(text):
    assert safe_cell(text) == "'" + text
    assert csv_cell(text) == "'" + text
    assert safe_cell("Porte =cassée") == "Porte =cassée"
    assert safe_cell(-3) == -3 and csv_cell(-3) == "-3"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_interchange_export_escapes_every_cell_and_the_import_reads_the_text_back(world, client, fmt):
    for text in MALICIOUS:
        InterventionFactory(territory=world.territory_a, note=text)
    client.force_login(world.director)
    response = client.get(reverse("mediation:intervention_export"), {"format": f"echange-{fmt}"})
    content = body(response)
    values = csv_text_values(content) if fmt == "csv" else xlsx_values(content)
    assert not [value for value in values if is_formula(value)]
    for text in MALICIOUS[:4]:
        assert "'" + text in values
    rows, errors, _total = validate_table(read_table(content, fmt))
    assert not errors
    assert set(MALICIOUS[:4]) <= {row.note for row in rows}  # the quote added on export is removed on import


def test_admin_export_escapes_every_cell(world, client, settings):
    template = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**template, "OPTIONS": {**template["OPTIONS"], "string_if_invalid": ""}}]
    InterventionFactory(territory=world.territory_a, note=MALICIOUS[0], external_id=MALICIOUS[2])
    client.force_login(world.admin)
    fields = {f"interventionresource_{name}": "on" for name in ("note", "external_id")}
    for fmt in ("0", "1"):
        data = {"format": fmt, "resource": "0", **fields}
        response = client.post(reverse("admin:mediation_intervention_export"), data)
        values = csv_values(response) if fmt == "0" else xlsx_values(response.content)
        assert "'" + MALICIOUS[0] in values and "'" + MALICIOUS[2] in values
        assert not [value for value in values if is_formula(value)]


def test_weekly_landlord_synthesis_csv_escapes_every_cell(world, client):
    for text in MALICIOUS:
        TechnicalReportFactory(
            territory=world.territory_a, landlord=world.landlord, place=text, equipment=text, problem=text
        )
    client.force_login(world.director)
    response = client.get(reverse("mediation:technical_synthesis"), {"landlord": world.landlord.pk, "format": "csv"})
    assert response.status_code == 200
    values = csv_values(response, delimiter=";")
    assert not [value for value in values if is_formula(value)]
    assert values.count("'" + MALICIOUS[0]) == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_evaluation_files_escape_every_cell(world, client, fmt):
    territory = TerritoryFactory(code="=1+1", name='=HYPERLINK("http://evil.invalid")')
    InterventionFactory(territory=territory)
    client.force_login(world.director)
    response = client.get(reverse("reporting:evaluation_export", args=[fmt]))
    assert response.status_code == 200
    values = csv_values(response) if fmt == "csv" else xlsx_values(response.content)
    assert not [value for value in values if is_formula(value)]
    assert "'=1+1" in values
    if fmt == "xlsx":
        assert "'" + territory.name in values
