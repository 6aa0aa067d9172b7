"""Export of filtered intervention lists in the interchange format; export → import round-trips."""

import csv
import io
from datetime import date

import factory
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from mediation.interchange import COLUMNS
from mediation.models import Intervention
from tests.mediation.factories import ActivityTypeFactory, InterventionFactory, TerritoryFactory


class LineFactory(InterventionFactory):
    """This module's lines: active listening on 4 March 2025, in L8 (team A's territory) unless told otherwise."""

    date = date(2025, 3, 4)
    territory = factory.SubFactory(TerritoryFactory, code="L8")
    activity_type = factory.SubFactory(ActivityTypeFactory, code="active_listening")


def content(response) -> bytes:
    if response.streaming:
        return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))


def test_csv_export_has_the_interchange_columns_and_values(world, client):
    line = LineFactory(
        site=world.site_a,
        count=3,
        women=1,
        men=2,
        note="=cmd|' /C calc'!A0",
        activity_type__code="referral",
        mode="telephone",
    )
    tagged = LineFactory(date=date(2025, 3, 5), external_id="tableur-12", duration_minutes=30)
    client.force_login(world.manager)
    response = client.get(reverse("mediation:intervention_export"), {"format": "echange-csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == COLUMNS
    assert rows == [
        [
            "2025-03-04",
            "L8",
            "Santy",
            "mediateur",
            "referral",
            "telephone",
            "3",
            "1",
            "2",
            "0",
            "",
            "'=cmd|' /C calc'!A0",
            f"altm-{line.uuid}",
        ],
        ["2025-03-05", "L8", "", "mediateur", "active_listening", "", "1", "0", "0", "0", "30", "", "tableur-12"],
    ]
    assert tagged.external_id == "tableur-12"


def test_export_is_scoped_to_the_user_and_follows_the_list_filters(world, client):
    LineFactory(note="équipe A, mars", date=date(2025, 3, 4))
    LineFactory(note="équipe A, avril", date=date(2025, 4, 4))
    LineFactory(territory=world.territory_b, note="équipe B")
    url = reverse("mediation:intervention_export")

    client.force_login(world.mediator)
    notes = [row[11] for row in csv_rows(client.get(url, {"format": "echange-csv"}))[1:]]
    assert notes == ["équipe A, mars", "équipe A, avril"]
    notes = [row[11] for row in csv_rows(client.get(url, {"start": "2025-04-01", "format": "echange-csv"}))[1:]]
    assert notes == ["équipe A, avril"]

    client.force_login(world.manager_other_team)
    assert [row[11] for row in csv_rows(client.get(url, {"format": "echange-csv"}))[1:]] == ["équipe B"]

    client.force_login(world.director)
    assert len(csv_rows(client.get(url, {"territory": world.territory_b.pk, "format": "echange-csv"}))) == 2


def test_mine_exports_only_the_users_own_lines(world, client):
    LineFactory(note="à moi")
    LineFactory(note="au manager", author=world.manager)
    client.force_login(world.mediator)
    rows = csv_rows(client.get(reverse("mediation:intervention_export"), {"mine": "1", "format": "echange-csv"}))
    assert [row[11] for row in rows[1:]] == ["à moi"]


def test_export_query_count_does_not_grow_with_lines(world, client, django_assert_num_queries):
    client.force_login(world.manager)
    url = reverse("mediation:intervention_export")
    LineFactory()
    client.get(url)  # the first request of a session moves its idle deadline (a write); the next ones only read
    with django_assert_num_queries(4) as first:
        content(client.get(url))
    for day in range(1, 29):
        LineFactory(date=date(2025, 2, day), site=world.site_a)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(csv_rows(client.get(url, {"format": "echange-csv"}))) == 30


def test_xlsx_export(world, client):
    LineFactory(note="=SOMME(A1:A2)")
    client.force_login(world.director)
    response = client.get(reverse("mediation:intervention_export"), {"format": "echange-xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(content(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert rows[1][0].date() == date(2025, 3, 4) and rows[1][1] == "L8"
    assert rows[1][11] == "'=SOMME(A1:A2)"  # text, escaped by safe_cell, never run as a formula
    assert sheet.cell(row=2, column=12).data_type == "s"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_then_import_round_trips(world, client, tmp_path, export_format):
    LineFactory(site=world.site_a, activity_type__code="referral", mode="simple", women=1, note="- à suivre, « RDV »")
    LineFactory(territory=world.territory_b, date=date(2024, 12, 31), count=7, unknown=7, duration_minutes=120)
    LineFactory(external_id="ancien-3", note="ligne 1\nligne 2")
    client.force_login(world.director)
    url = reverse("mediation:intervention_export")
    first = content(client.get(url, {"format": f"echange-{export_format}"}))
    path = tmp_path / f"export.{export_format}"
    path.write_bytes(first)

    # Re-importing the export changes nothing and creates nothing.
    out = io.StringIO()
    call_command("import_interventions", str(path), stdout=out)
    assert "0 créée(s), 0 mise(s) à jour, 3 inchangée(s)" in out.getvalue()
    assert Intervention.objects.count() == 3

    # Into an empty database, the import recreates the same rows.
    before = csv_rows(client.get(url, {"format": "echange-csv"}))
    Intervention.objects.all().delete()
    call_command("import_interventions", str(path), stdout=io.StringIO())
    assert csv_rows(client.get(url, {"format": "echange-csv"})) == before


def test_export_command_writes_a_filtered_file(world, tmp_path):
    LineFactory(date=date(2025, 1, 10))
    LineFactory(date=date(2025, 6, 10))
    LineFactory(territory=world.territory_b, date=date(2025, 6, 11))
    path = tmp_path / "sortie.csv"
    call_command(
        "export_interventions",
        "--output",
        str(path),
        "--from",
        "2025-06-01",
        "--territory",
        "L8",
        stdout=io.StringIO(),
    )
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0] == COLUMNS and [row[0] for row in rows[1:]] == ["2025-06-10"]

    xlsx = tmp_path / "sortie.xlsx"
    call_command("export_interventions", "--output", str(xlsx), "--to", "2025-05-31", stdout=io.StringIO())
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.max_row == 2
