"""Issue 15, point 8: an anonymous act may carry an age band (at least "16-25 ans") on every path that records it:
the entry form and the JSON API, the tally, the import and the export of the interchange format."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from mediation import rules
from mediation.interchange import COLUMNS
from mediation.models import AgeBand, Intervention, InterventionSource
from tests.clock import frozen
from tests.mediation.test_entry import payload, post_json
from tests.mediation.test_export import LineFactory, content, csv_rows
from tests.mediation.test_import import run_import, write
from tests.mediation.test_tally import tap

pytestmark = frozen()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("16-25 ans", "16_25"),
        ("16_25", "16_25"),
        ("16-25", "16_25"),
        ("60 ANS ET PLUS", "60_plus"),
        ("", ""),
        ("jeunes", None),
    ],
)
def test_age_band_is_read_as_code_or_label(text, code):
    assert rules.parse_age_band(text) == code


def test_the_rule_refuses_an_unknown_band_in_french():
    assert rules.age_band_errors("ados") == [
        "Tranche d'âge inconnue « ados » : Moins de 16 ans, 16-25 ans, 26-59 ans, 60 ans et plus."
    ]
    assert rules.age_band_errors("16_25") == [] and rules.age_band_errors("") == []


def test_api_records_the_band_and_refuses_a_wrong_one(client, world):
    client.force_login(world.mediator)
    response = post_json(client, payload(world, age_band=AgeBand.YOUNG_16_25))
    assert response.status_code == 201 and response.json()["age_band"] == "16_25"
    assert Intervention.objects.get().age_band == AgeBand.YOUNG_16_25
    response = post_json(client, payload(world, age_band="ados"))
    assert response.status_code == 400 and "age_band" in response.json()["errors"]
    assert Intervention.objects.count() == 1


def test_entry_form_offers_the_band(client, world):
    client.force_login(world.mediator)
    page = client.get(reverse("mediation:entry")).content.decode()
    assert 'name="age_band"' in page and "16-25 ans" in page


def test_tally_taps_carry_the_band_with_and_without_javascript(client, world):
    client.force_login(world.mediator)
    response, _body = tap(client, world, "rule_reminder", age_band="16_25")
    assert response.status_code == 201
    page = client.get(reverse("mediation:tally")).content.decode()
    assert 'name="age_band" value="16_25"' in page
    client.post(
        reverse("mediation:tally"),
        {"add": world.activity("rule_reminder").pk, "age_band": "16_25", "split": "M"},
    )
    lines = Intervention.objects.filter(source=InterventionSource.TALLY)
    assert lines.count() == 2 and set(lines.values_list("age_band", flat=True)) == {"16_25"}


def test_import_reads_the_band_and_reports_a_wrong_one(world, tmp_path):
    header = ",".join(COLUMNS)
    bad = write(tmp_path, f"{header}\n2025-03-04,L8,,,rule_reminder,,1,,,,,,,ados\n", name="bad.csv")
    with pytest.raises(CommandError):
        run_import(bad)
    assert not Intervention.objects.exists()
    good = write(
        tmp_path,
        f"{header}\n2025-03-04,L8,,,rule_reminder,,1,,,,,,,16-25 ans\n2025-03-04,L8,,,awareness,,1,,,,,,\n",
    )
    run_import(good)
    assert sorted(Intervention.objects.values_list("age_band", flat=True)) == ["", "16_25"]


def test_a_file_without_the_column_still_imports(world, tmp_path):
    header = ",".join(c for c in COLUMNS if c != "age_band")
    run_import(write(tmp_path, f"{header}\n2025-03-04,L8,,,rule_reminder,,1,,,,,,\n"))
    assert Intervention.objects.get().age_band == ""


def test_export_carries_the_band_and_round_trips(world, client, tmp_path):
    LineFactory(age_band=AgeBand.YOUNG_16_25)
    LineFactory()
    client.force_login(world.director)
    url = reverse("mediation:intervention_export")
    rows = csv_rows(client.get(url, {"format": "echange-csv"}))
    assert rows[0][-1] == "age_band" and sorted(row[-1] for row in rows[1:]) == ["", "16_25"]
    path = tmp_path / "export.csv"
    path.write_bytes(content(client.get(url, {"format": "echange-csv"})))
    Intervention.objects.all().delete()
    call_command("import_interventions", str(path), stdout=io.StringIO())
    assert sorted(Intervention.objects.values_list("age_band", flat=True)) == ["", "16_25"]
