"""Import of intervention lines in the interchange format (DOMAIN §8): all or nothing, French errors, idempotent."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from altm.models import AuditAction, AuditEntry
from mediation.interchange import COLUMNS
from mediation.models import Intervention, InterventionSource
from tests.mediation.factories import InterventionFactory, TeamFactory

HEADER = ",".join(COLUMNS)


def write(tmp_path, text, name="lignes.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_interventions", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_file_with_one_bad_row_imports_nothing_and_lists_every_bad_row(world, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2025-03-04,L8,Santy,mediateur,referral,telephone,1,1,0,0,,appel Mission Locale,a1\n"  # line 2: good
        "2025-03-04,L8,,mediateur,active_listening,,2,,,,,,\n"  # line 3: good
        "2025-03-04,L8,,mediateur,foo,,1,,,,,,\n"  # line 4: unknown activity
        "31/02/2025,Lyon 8,Mermoz,inconnu,rule_reminder,physical,0,-2,x,,,,\n"  # line 5: five mistakes
        "\n"  # line 6: blank, ignored
        "2025-03-05,ZZ,,,presence,,1,,,,90,,a1\n",  # line 7: unknown territory, external id repeated
    )
    with pytest.raises(CommandError, match="rien n'a été importé") as excinfo:
        run_import(path)
    assert str(excinfo.value) == "10 erreur(s) sur 3 ligne(s), 5 ligne(s) lue(s) : rien n'a été importé."
    assert Intervention.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_every_bad_row_is_reported_with_line_column_and_french_reason(world, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2025-03-04,L8,Santy,mediateur,referral,telephone,1,1,0,0,,ok,a1\n"
        "2025-03-04,L8,,mediateur,foo,,1,,,,,,\n"
        "31/02/2025,Lyon 8,Mermoz,inconnu,rule_reminder,physical,0,-2,x,,,,\n"
        "\n"
        "2025-03-05,ZZ,,,presence,,1,,,,90,,a1\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interventions", path, stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "ligne 3, colonne activity : code d'activité inconnu « foo »",
        "ligne 4, colonne date : date invalide « 31/02/2025 » (AAAA-MM-JJ ou JJ/MM/AAAA attendu)",
        "ligne 4, colonne site : site inconnu « Mermoz » dans le secteur Lyon 8",
        "ligne 4, colonne mediator : utilisateur inconnu « inconnu » (identifiant ou e-mail attendu)",
        "ligne 4, colonne mode : Pas de modalité pour cette activité.",
        "ligne 4, colonne count : Au moins 1 acte.",
        "ligne 4, colonne women : Le nombre ne peut pas être négatif.",
        "ligne 4, colonne men : nombre entier attendu, pas « x »",
        "ligne 6, colonne territory : secteur inconnu « ZZ » (code ou nom attendu)",
        "ligne 6, colonne external_id : identifiant externe « a1 » déjà présent ligne 2",
    ]
    assert Intervention.objects.count() == 0


def test_unknown_and_missing_columns_are_reported_on_line_one(world, tmp_path):
    path = write(tmp_path, "date,secteur,activity,womens\n2025-03-04,L8,presence,1\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interventions", path, stdout=io.StringIO(), stderr=err)
    message = err.getvalue()
    assert "ligne 1, colonne secteur : colonne inconnue" in message
    assert "ligne 1, colonne womens : colonne inconnue" in message
    assert "ligne 1, colonne territory : colonne obligatoire absente" in message
    assert Intervention.objects.count() == 0


def test_both_date_formats_and_territory_by_code_or_name(world, tmp_path):
    path = write(
        tmp_path,
        "date,territory,site,activity,count\n"
        "2025-03-04,L8,santy,active_listening,3\n"  # code, site name ignoring case
        "05/03/2025,lyon 9,La Duchère,rule_reminder,\n",  # name ignoring case, French date, default count
    )
    out, _err = run_import(path)
    assert "2 créée(s)" in out
    first, second = Intervention.objects.order_by("date")
    assert (first.date, first.territory, first.site, first.count) == (
        date(2025, 3, 4),
        world.territory_a,
        world.site_a,
        3,
    )
    assert (second.date, second.territory, second.site, second.count) == (
        date(2025, 3, 5),
        world.territory_b,
        world.site_b,
        1,
    )


def test_imported_lines_get_source_team_and_importing_user(world, tmp_path):
    world.mediator.email = "amina@altm.invalid"
    world.mediator.save()
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2025-03-04,L8,,amina@altm.invalid,referral,physical,1,1,0,0,45,accompagnée à la ML,\n"
        "2025-03-04,L9,,,rule_reminder,,4,,,,,,\n",
    )
    run_import(path, "--user", "admin")
    referral = Intervention.objects.get(activity_type__code="referral")
    assert referral.author == world.mediator
    assert referral.team == world.team_a  # the mediator's team covering Lyon 8
    assert referral.mode == "physical" and referral.duration_minutes == 45 and referral.women == 1
    assert referral.source == InterventionSource.IMPORT
    assert referral.created_by == world.admin
    reminder = Intervention.objects.get(activity_type__code="rule_reminder")
    assert reminder.author is None and reminder.team == world.team_b  # no mediator: the territory's only team
    entries = AuditEntry.objects.filter(action=AuditAction.CREATE)
    assert entries.count() == 2 and {entry.actor for entry in entries} == {world.admin}


def test_mediator_of_another_team_falls_back_to_the_territory_team(world, tmp_path):
    TeamFactory(name="Équipe bis", territories=[world.territory_a])
    path = write(tmp_path, "date,territory,mediator,activity\n2025-03-04,L8,mediateur.b,presence\n")
    run_import(path)
    line = Intervention.objects.get()
    assert line.author == world.mediator_other_team
    assert line.team is None  # two teams cover Lyon 8 and the mediator is in neither: left to the direction


def test_reimporting_a_file_with_external_ids_updates_instead_of_duplicating(world, tmp_path):
    rows = (
        "2025-03-04,L8,Santy,mediateur,referral,simple,1,1,0,0,,,ext-1\n"
        "2025-03-04,L8,,mediateur,active_listening,,2,,,,,,ext-2\n"
    )
    path = write(tmp_path, f"{HEADER}\n{rows}")
    run_import(path)
    first = {line.external_id: line.pk for line in Intervention.objects.all()}

    out, _err = run_import(path)
    assert "0 créée(s), 0 mise(s) à jour, 2 inchangée(s)" in out
    changed = rows.replace("active_listening,,2,", "active_listening,,5,")
    run_import(write(tmp_path, f"{HEADER}\n{changed}", name="v2.csv"), "--user", "manager")

    assert Intervention.objects.count() == 2
    assert {line.external_id: line.pk for line in Intervention.objects.all()} == first
    line = Intervention.objects.get(external_id="ext-2")
    assert line.count == 5 and line.updated_by == world.manager
    update = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert update.object_id == str(line.pk) and ("count", 2, 5) in update.changed_fields()


def test_rows_without_external_id_are_created_each_time(world, tmp_path):
    path = write(tmp_path, "date,territory,activity\n2025-03-04,L8,presence\n")
    run_import(path)
    run_import(path)
    assert Intervention.objects.count() == 2


def test_dry_run_checks_everything_and_writes_nothing(world, tmp_path):
    path = write(tmp_path, "date,territory,activity\n2025-03-04,L8,presence\n")
    out, _err = run_import(path, "--dry-run")
    assert "1 créée(s)" in out and "rien n'a été enregistré" in out
    assert Intervention.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_french_excel_csv_with_semicolons_in_windows_1252(world, tmp_path):
    path = write(
        tmp_path,
        "date;territory;site;activity;note\r\n04/03/2025;L9;La Duchère;moral_support;écoute, puis relais\r\n",
        encoding="cp1252",
    )
    run_import(path)
    line = Intervention.objects.get()
    assert line.site == world.site_b and line.note == "écoute, puis relais"


def test_xlsx_import_with_date_cells_and_numbers(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append(
        [datetime(2025, 3, 4), "L8", "Santy", "mediateur", "referral", "telephone", 1, 0, 1, 0, None, "", "x1"]
    )
    sheet.append(["05/03/2025", "Lyon 9", None, None, "active_listening", None, 3.0, None, None, 2, None, None, None])
    sheet.append([None] * len(COLUMNS))  # an empty row a spreadsheet leaves behind
    sheet.append(["2025-03-06", "L8", None, None, "nope", None, None, None, None, None, None, None, None])
    path = tmp_path / "lignes.xlsx"
    workbook.save(path)

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interventions", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == "ligne 5, colonne activity : code d'activité inconnu « nope »"
    assert Intervention.objects.count() == 0

    sheet.delete_rows(5)
    workbook.save(path)
    run_import(str(path))
    referral = Intervention.objects.get(external_id="x1")
    assert referral.date == date(2025, 3, 4) and referral.men == 1 and referral.mode == "telephone"
    listening = Intervention.objects.get(activity_type__code="active_listening")
    assert listening.count == 3 and listening.unknown == 2 and listening.date == date(2025, 3, 5)


def test_unknown_file_type_is_refused(world, tmp_path):
    path = write(tmp_path, "date,territory,activity\n", name="lignes.txt")
    with pytest.raises(CommandError, match="Format de fichier non reconnu"):
        run_import(path)


# --- Admin -------------------------------------------------------------------------------------------------


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_admin_import_previews_then_imports(world, client):
    client.force_login(world.admin)
    url = reverse("admin:mediation_intervention_import")
    page = client.get(url)
    assert page.status_code == 200
    assert "Tout ou rien" in page.content.decode()

    content = f"{HEADER}\n2025-03-04,L8,Santy,mediateur,referral,simple,1,1,0,0,,,adm-1\n"
    preview = client.post(url, {"format": "0", "resource": "0", "import_file": upload("lignes.csv", content)})
    assert preview.status_code == 200
    assert Intervention.objects.count() == 0  # the preview writes nothing
    confirm_form = preview.context["confirm_form"]
    done = client.post(
        reverse("admin:mediation_intervention_process_import"),
        {**confirm_form.initial, "resource": "0"},
        follow=True,
    )
    assert "Import terminé : 1 ligne(s) créée(s)" in done.content.decode()
    line = Intervention.objects.get(external_id="adm-1")
    assert line.created_by == world.admin and line.source == InterventionSource.IMPORT


def test_admin_import_of_a_bad_file_shows_french_errors_and_saves_nothing(world, client):
    client.force_login(world.admin)
    content = f"{HEADER}\n2025-03-04,L8,,mediateur,presence,,1,,,,,,\n2025-03-04,L8,,mediateur,foo,,1,,,,,,\n"
    response = client.post(
        reverse("admin:mediation_intervention_import"),
        {"format": "0", "resource": "0", "import_file": upload("lignes.csv", content)},
    )
    html = response.content.decode()
    assert "1 ligne en erreur : rien n'a été importé" in html
    assert "ligne 3, colonne activity : code d&#x27;activité inconnu « foo »" in html
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Intervention.objects.count() == 0


def test_audit_entries_of_an_import_hold_what_log_change_would(world, tmp_path):
    from altm.audit import snapshot

    path = write(tmp_path, f"{HEADER}\n2025-03-04,L8,Santy,mediateur,referral,simple,1,1,0,0,,,e-1\n")
    run_import(path, "--user", "admin")
    line = Intervention.objects.get()
    created = AuditEntry.objects.for_object(line).get()
    assert created.action == AuditAction.CREATE and created.before is None
    assert created.after == snapshot(line)
    assert created.object_repr == str(line)

    run_import(write(tmp_path, f"{HEADER}\n2025-03-04,L8,Santy,mediateur,referral,simple,2,1,0,0,,,e-1\n", "b.csv"))
    line.refresh_from_db()
    update = AuditEntry.objects.for_object(line).get(action=AuditAction.UPDATE)
    assert update.before == created.after
    assert update.after == snapshot(line)


def test_admin_export_gives_the_interchange_columns(world, client, settings):
    # django-import-export's own export template reads variables it does not always set (`export_url`).
    template = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**template, "OPTIONS": {**template["OPTIONS"], "string_if_invalid": ""}}]
    InterventionFactory(date=date(2025, 3, 4), territory=world.territory_a, author=None)
    client.force_login(world.admin)
    url = reverse("admin:mediation_intervention_export")
    assert client.get(url).status_code == 200
    fields = {f"interventionresource_{name}": "on" for name in COLUMNS}
    response = client.post(url, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert lines[1].startswith("2025-03-04,L8,,,presence,,1,0,0,0,,,altm-")


def test_reimport_updates_different_columns_on_different_rows(world, tmp_path):
    run_import(
        write(
            tmp_path,
            f"{HEADER}\n2025-03-04,L8,Santy,mediateur,presence,,1,,,,60,avant,u-1\n"
            "2025-03-04,L8,,mediateur,presence,,1,,,,,,u-2\n2025-03-04,L8,,,presence,,1,,,,,,u-3\n",
        )
    )
    out, _err = run_import(
        write(
            tmp_path,
            f"{HEADER}\n2025-03-04,L8,Santy,mediateur,presence,,4,,,,60,avant,u-1\n"
            "05/03/2025,L8,Santy,manager,presence,,1,,,,,après,u-2\n2025-03-04,L8,,,presence,,1,,,,,,u-3\n",
            name="v2.csv",
        )
    )
    assert "0 créée(s), 2 mise(s) à jour, 1 inchangée(s)" in out
    first, second = Intervention.objects.get(external_id="u-1"), Intervention.objects.get(external_id="u-2")
    assert (first.count, first.site, first.duration_minutes, first.note) == (4, world.site_a, 60, "avant")
    assert (second.date, second.site, second.author, second.note) == (
        date(2025, 3, 5),
        world.site_a,
        world.manager,
        "après",
    )


def test_a_stored_line_named_twice_in_one_file_is_refused(world, tmp_path):
    line = InterventionFactory(external_id="EXT-9", territory=world.territory_a, author=world.mediator, count=1)
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2025-03-04,L8,,mediateur,presence,,5,,,,,,EXT-9\n"
        f"2025-03-04,L8,,mediateur,presence,,7,,,,,,altm-{line.uuid}\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_interventions", path, stdout=io.StringIO(), stderr=err)
    assert "ligne 3, colonne external_id : cette ligne vise la même intervention que la ligne 2" in err.getvalue()
    line.refresh_from_db()
    assert line.count == 1  # nothing written
