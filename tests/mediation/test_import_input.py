"""Bad input in an import file: a line-numbered French error and nothing imported, through the command and the admin
(issue #10, item 12)."""

import io
import re
import zipfile
from datetime import date, timedelta
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import strip_tags

from mediation.interchange import COLUMNS
from mediation.models import Intervention, InterventionSource
from tests.clock import TODAY, frozen
from tests.mediation.factories import ConflictSessionFactory, InterventionFactory, TechnicalReportFactory
from tests.partners.factories import ReferralFactory

pytestmark = frozen()

HEADER = ",".join(COLUMNS)
GOOD = "2025-03-04,L8,,mediateur,presence,,1,,,,,,"


def xlsx(rows, *, header=COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def command_errors(tmp_path, content: bytes, name: str) -> str:
    """What the command prints when it refuses the file (every error line and the summary)."""
    path = tmp_path / name
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_interventions", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue() + str(excinfo.value)


def admin_errors(client, content: bytes, name: str) -> str:
    formats = {"csv": "0", "xlsx": "1"}
    response = client.post(
        reverse("admin:mediation_intervention_import"),
        {
            "format": formats[name.rsplit(".", 1)[1]],
            "resource": "0",
            "import_file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    return unescape(strip_tags(response.content.decode()))


@pytest.fixture(params=["command", "admin"])
def refused(request, world, tmp_path, client, settings):
    """Import a file through one path; return the French text of the refusal. Nothing may be written."""
    client.force_login(world.admin)
    # django-import-export's form-error template reads variables it does not always set (`fields_list`).
    template = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**template, "OPTIONS": {**template["OPTIONS"], "string_if_invalid": ""}}]

    def run(content: bytes, name: str = "lignes.csv") -> str:
        before = set(Intervention.objects.values_list("pk", "updated_at"))
        if request.param == "command":
            text = command_errors(tmp_path, content, name)
        else:
            text = admin_errors(client, content, name)
        assert set(Intervention.objects.values_list("pk", "updated_at")) == before
        return " ".join(text.split())

    return run


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_a_row_may_not_target_a_line_owned_by_a_case_a_referral_or_a_report(world, refused):
    session = ConflictSessionFactory(case__territory=world.territory_a, intervention__external_id="conflit-1")
    report_line = InterventionFactory(territory=world.territory_a, source=InterventionSource.TECHNICAL)
    TechnicalReportFactory(territory=world.territory_a, landlord=world.landlord, intervention=report_line)
    referral_line = InterventionFactory(territory=world.territory_a, external_id="rel-1")
    ReferralFactory(territory=world.territory_a, intervention=referral_line)
    text = refused(
        csv(
            GOOD.replace(",,,,,,", ",,,,,,conflit-1"),
            GOOD.replace(",,,,,,", f",,,,,,altm-{report_line.uuid}"),
            GOOD.replace(",,,,,,", ",,,,,,rel-1"),
            GOOD,
        )
    )
    owned = "appartient à une situation de conflit, une mise en relation ou une veille technique"
    for line in (2, 3, 4):
        assert f"ligne {line}, colonne external_id : cette ligne {owned}" in text
    assert "ligne 5" not in text
    assert session.intervention.count == Intervention.objects.get(pk=session.intervention.pk).count


def test_an_xlsx_is_read_whole_whatever_its_declared_dimension(world, tmp_path):
    content = xlsx([[f"2025-03-0{day}", "L8", None, None, "presence", None, 1] + [None] * 6 for day in (1, 2, 3)])
    # A generator that declares only the header cell: read-only openpyxl would stop there.
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, found = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
                assert found == 1
            target.writestr(item, data)
    path = tmp_path / "lignes.xlsx"
    path.write_bytes(buffer.getvalue())
    call_command("import_interventions", str(path), stdout=io.StringIO())
    assert sorted(Intervention.objects.values_list("date", flat=True)) == [date(2025, 3, day) for day in (1, 2, 3)]


def test_a_formula_cell_without_a_computed_value_is_an_error(world, refused):
    content = xlsx([["2025-03-04", "L8", None, None, "presence", None, "=1+1"] + [None] * 6])
    text = refused(content, "lignes.xlsx")
    assert "ligne 2, colonne count : cellule de formule sans valeur calculée" in text


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not a workbook", b"date,territory,activity\n", "truncated"],
    ids=["not-a-zip", "csv-named-xlsx", "truncated"],
)
def test_an_unreadable_xlsx_is_refused_in_french(world, refused, content):
    if content == "truncated":
        whole = xlsx([[f"2025-03-0{day}", "L8", None, None, "presence"] for day in range(1, 10)])
        content = whole[: len(whole) * 2 // 3]
    assert "pas un classeur XLSX lisible" in refused(content, "lignes.xlsx")


def test_a_nul_byte_is_a_line_error(world, refused):
    text = refused(csv(GOOD, "2025-03-04,L8,,mediateur,presence,,1,,,,,bon\x00jour,"))
    assert "ligne 3, colonne note : caractère nul (NUL) interdit dans une cellule" in text


@pytest.mark.parametrize("number", [str(10**20), "9" * 5000, "-" + str(2**63)])
def test_a_count_beyond_any_database_range_is_a_line_error(world, refused, number):
    text = refused(csv(GOOD, f"2025-03-04,L8,,mediateur,presence,,{number},,,,,,"))
    assert "ligne 3, colonne count :" in text


def test_huge_numbers_in_an_xlsx_are_line_errors(world, refused):
    row = ["2025-03-04", "L8", None, None, "presence", None, 1e20, 1e300, None, None, float("nan")] + [None] * 2
    text = refused(xlsx([row]), "lignes.xlsx")
    assert "ligne 2, colonne count : Plus de 500 actes" in text
    assert "ligne 2, colonne women : Plus de 1000 personnes" in text


def test_external_ids_differing_only_by_case_are_duplicates(world, refused):
    text = refused(csv(GOOD.replace(",,,,,,", ",,,,,,Abc-1"), GOOD.replace(",,,,,,", ",,,,,,aBC-1")))
    assert "ligne 3, colonne external_id : identifiant externe « aBC-1 » déjà présent ligne 2" in text


def test_an_external_id_stored_under_another_case_is_refused(world, refused):
    InterventionFactory(territory=world.territory_a, external_id="abc-1", source=InterventionSource.IMPORT)
    text = refused(csv(GOOD.replace(",,,,,,", ",,,,,,ABC-1")))
    expected = "ligne 2, colonne external_id : identifiant externe « ABC-1 » déjà enregistré sous la forme « abc-1 »"
    assert expected in text


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("1999-12-31", "La date ne peut pas précéder le 01/01/2000."),
        ((TODAY + timedelta(days=1)).isoformat(), "La date ne peut pas être dans le futur."),
    ],
)
def test_a_date_before_2000_or_in_the_future_is_a_line_error(world, refused, day, message):
    text = refused(csv(GOOD, GOOD.replace("2025-03-04", day)))
    assert f"ligne 3, colonne date : {message}" in text


def test_a_note_over_the_limit_is_a_line_error(world, refused):
    text = refused(csv(GOOD.replace(",,,,,,", ",,,,," + "x" * 2001 + ",")))
    assert "ligne 2, colonne note : Note trop longue : 2000 caractères au plus (2001 saisis)." in text
