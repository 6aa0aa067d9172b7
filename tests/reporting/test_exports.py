import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reporting import exports
from reporting.evaluation import EVALUATION_CODES, build_evaluation
from tests.mediation.factories import TerritoryFactory
from tests.reporting import dataset

NNBSP = "\u202f"


def director_client(world) -> Client:
    client = Client()
    client.force_login(world.director)
    return client


def test_csv_long_format_exactly(world, tmp_path):
    dataset.build(world)
    path = tmp_path / "evaluation.csv"
    call_command("export_evaluation", "--years", "2015-2016", "--format", "csv", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "indicator,territory,year,value"
    rows = list(csv.reader(io.StringIO(text)))[1:]
    # every indicator × (L8, L9, ALL) × (2015, 2016), nothing else
    assert len(rows) == len(EVALUATION_CODES) * 3 * 2
    assert {row[0] for row in rows} == set(EVALUATION_CODES)
    assert {row[1] for row in rows} == {"L8", "L9", "ALL"}
    assert {row[2] for row in rows} == {"2015", "2016"}
    assert all(row[3].isdigit() for row in rows), "values are plain integers"
    assert "conflict.interventions,ALL,2015,17" in lines
    assert "conflict.interventions,L8,2015,15" in lines
    assert "assistance.active_listening,L8,2015,1838" in lines
    assert "partnership.youth_followups,ALL,2016,2" in lines
    assert len({(row[0], row[1], row[2]) for row in rows}) == len(rows), "one row per indicator × territory × year"


def test_csv_for_one_territory(world, tmp_path):
    dataset.build(world)
    path = tmp_path / "l9.csv"
    call_command("export_evaluation", "--years", "2015", "--format", "csv", "--output", str(path), "--territory", "L9")
    lines = path.read_text().splitlines()
    assert "conflict.interventions,L9,2015,2" in lines
    assert "conflict.interventions,ALL,2015,2" in lines
    assert not any(",L8," in line for line in lines)


def test_command_refuses_bad_input(world, tmp_path):
    with pytest.raises(CommandError, match="Période invalide"):
        call_command("export_evaluation", "--years", "deux-mille", "--format", "csv", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="Secteur inconnu"):
        call_command(
            "export_evaluation",
            "--years",
            "2015",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x"),
            "--territory",
            "ZZ",
        )


def test_xlsx_holds_the_same_figures(world, tmp_path):
    dataset.build(world)
    path = tmp_path / "evaluation.xlsx"
    call_command("export_evaluation", "--years", "2015-2016", "--format", "xlsx", "--output", str(path))
    workbook = load_workbook(path)
    data = workbook["Données"]
    rows = list(data.iter_rows(values_only=True))
    assert rows[0] == ("indicator", "territory", "year", "value")
    assert ("conflict.interventions", "ALL", 2015, 17) in rows
    summary = workbook["Évaluation"]
    labels = {row[0].strip(): row for row in summary.iter_rows(values_only=True) if row and isinstance(row[0], str)}
    assert labels["Interventions de gestion de conflits"][2:4] == (17, 0)
    assert labels["Écoute active"][2] == 1838


def normalise(text: str) -> str:
    return text.replace(NNBSP, " ").replace("\xa0", " ")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_html_and_pdf_show_the_same_figures(world, tmp_path):
    """Every value of the evaluation (French formatting) appears in the page and in the PDF; same charts."""
    dataset.build(world)
    client = director_client(world)
    page = client.get("/bilans/evaluation/", {"years": "2015-2016"}).content.decode()
    pdf = client.get("/bilans/evaluation/export.pdf", {"years": "2015-2016"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert f"1{NNBSP}838" in page
    assert f"1{NNBSP}838" in text or "1 838" in text
    report = build_evaluation(2015, 2016)
    for section in report.sections():
        assert str(section["label"]) in text
        for row in section["rows"]:
            # the row label and its yearly values, in order, on one line of the PDF and one row of the page
            formatted = [f"{value:,}".replace(",", NNBSP) for value in row.values]
            # a long label may wrap in its cell: its first words start the line that carries the figures
            assert all(word in text for word in row.label.split())
            matching = [line for line in text.splitlines() if line.strip().startswith(row.label[:24])]
            assert matching, row.label
            expected = [normalise(f) for f in formatted]
            assert any(
                re.split(r"\s{2,}", normalise(line).strip())[1 : 1 + len(expected)] == expected for line in matching
            ), (
                row.label,
                expected,
                matching,
            )
            assert f'data-code="{row.code}"' in page
    # the same charts (inline SVG), in both
    context = exports.context(report)
    for chart in context["charts"]:
        assert chart.svg in page
        assert normalise(chart.title) in normalise(text)  # drawn as text in the PDF: searchable
    assert "Principaux indicateurs par année" in text
    assert "Sommaire" in text and "Page 3 sur" in text


def test_page_exports_in_four_formats(world):
    dataset.build(world)
    client = director_client(world)
    for fmt, content_type in [("csv", "text/csv"), ("xlsx", "spreadsheetml"), ("html", "text/html"), ("pdf", "pdf")]:
        response = client.get(f"/bilans/evaluation/export.{fmt}", {"years": "2015-2016", "territory": "L8"})
        assert response.status_code == 200
        assert content_type in response["Content-Type"]
        assert f"evaluation-2015-2016-L8.{fmt}" in response["Content-Disposition"]
    csv_text = client.get("/bilans/evaluation/export.csv", {"years": "2015-2016"}).content.decode()
    assert csv_text.startswith("indicator,territory,year,value\n")


def test_page_shows_a_clear_error_for_bad_years(world):
    client = director_client(world)
    response = client.get("/bilans/evaluation/", {"years": "2016-2014"})
    assert "La première année doit précéder la dernière." in response.content.decode()
    response = client.get("/bilans/evaluation/export.csv", {"years": "abc"})
    assert response.status_code == 302


def test_evaluation_page_query_count_does_not_grow(world, django_assert_num_queries):
    dataset.build(world)
    client = director_client(world)
    client.get("/bilans/evaluation/", {"years": "2015-2016"})  # warm-up (session, content types)

    def count(years):
        with CaptureQueriesContext(connection) as context:
            assert client.get("/bilans/evaluation/", {"years": years}).status_code == 200
        return len(context)

    small = count("2015-2016")
    for index in range(5):
        TerritoryFactory(code=f"T{index}", name=f"Secteur {index}")
    assert count("2010-2019") == small
