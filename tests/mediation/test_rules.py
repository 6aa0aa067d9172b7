"""Each rule of an intervention line (`mediation.rules`) holds on every path that creates or changes a line.

Paths: the quick-entry form, the JSON API (also used by the tally), the edit page, the services (used by conflict
sessions, technical reports and referrals), the import command and the admin import screen. A rule written once
and broken on one path is what this module catches.
"""

import io
import json
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from mediation import rules, services
from mediation.interchange import COLUMNS
from mediation.models import Intervention

DAY = date(2026, 3, 4)

# rule name -> (changes to a valid line, field at fault, column at fault in the interchange file)
CASES = {
    "future date": ({"date": "tomorrow"}, "date", "date"),
    "before the records start": ({"date": date(1999, 12, 31)}, "date", "date"),
    "site of another territory": ({"site": "other"}, "site", "site"),
    "mode for an activity without one": ({"mode": "telephone"}, "mode", "mode"),
    "no act": ({"count": 0}, "count", "count"),
    "too many acts": ({"count": rules.MAX_COUNT + 1}, "count", "count"),
    "too many people": ({"women": rules.MAX_PEOPLE + 1}, "women", "women"),
    "negative people": ({"men": -1}, "men", "men"),
    "duration over a day": ({"duration_minutes": rules.MAX_DURATION_MINUTES + 1}, "duration_minutes", None),
    "note too long": ({"note": "x" * (rules.NOTE_MAX_LENGTH + 1)}, "note", "note"),
}


def line_values(world, changes: dict) -> dict:
    """A valid `presence` line (an activity with a duration, without a mode) of the mediator's territory, with
    `changes` applied (as model values)."""
    values = {
        "date": DAY,
        "territory": world.territory_a,
        "site": world.site_a,
        "activity_type": world.activity("presence"),
        "mode": "",
        "count": 2,
        "women": 1,
        "men": 1,
        "unknown": 0,
        "duration_minutes": None,
        "note": "",
    }
    for name, value in changes.items():
        if value == "tomorrow":
            value = timezone.localdate() + timedelta(days=1)
        elif value == "other":
            value = world.site_b
        values[name] = value
    return values


def form_data(values: dict) -> dict:
    data = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif hasattr(value, "pk"):
            data[name] = str(value.pk)
        else:
            data[name] = value.isoformat() if isinstance(value, date) else str(value)
    return data


def interchange_row(values: dict) -> str:
    row = {
        "date": values["date"].isoformat(),
        "territory": values["territory"].code,
        "site": values["site"].name if values["site"] else "",
        "mediator": "mediateur",
        "activity": values["activity_type"].code,
        "mode": values["mode"],
        "count": str(values["count"]),
        "women": str(values["women"]),
        "men": str(values["men"]),
        "unknown": str(values["unknown"]),
        "duration_minutes": "" if values["duration_minutes"] is None else str(values["duration_minutes"]),
        "note": values["note"],
        "external_id": "",
        "age_band": "",
    }
    return ",".join(COLUMNS) + "\n" + ",".join(row[name] for name in COLUMNS) + "\n"


# The forms blank the fields the chosen activity does not use (a value left over from another activity is never
# saved): there, a mode sent with an activity without one is dropped, not refused.
FORM_CASES = [name for name in CASES if name != "mode for an activity without one"]


def test_the_valid_line_used_below_is_accepted_on_every_path(client, world):
    client.force_login(world.mediator)
    values = line_values(world, {})
    response = client.post(reverse("mediation:entry"), form_data(values))
    assert response.status_code == 302
    payload = {**form_data(values), "uuid": str(uuid.uuid4())}
    api = client.post(reverse("mediation:api_intervention"), json.dumps(payload), content_type="application/json")
    assert api.status_code == 201
    assert Intervention.objects.count() == 2


@pytest.mark.parametrize("case", FORM_CASES)
def test_rule_holds_on_the_quick_entry_form(client, world, case):
    changes, field, _column = CASES[case]
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:entry"), form_data(line_values(world, changes)))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Intervention.objects.count() == 0


@pytest.mark.parametrize("case", FORM_CASES)
def test_rule_holds_on_the_json_api(client, world, case):
    changes, field, _column = CASES[case]
    client.force_login(world.mediator)
    payload = {**form_data(line_values(world, changes)), "uuid": str(uuid.uuid4())}
    response = client.post(reverse("mediation:api_intervention"), json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][field]
    assert Intervention.objects.count() == 0


@pytest.mark.parametrize("case", FORM_CASES)
def test_rule_holds_on_the_edit_page(client, world, case):
    changes, field, _column = CASES[case]
    line, _created = services.record_intervention(actor=world.mediator, **line_values(world, {}))
    client.force_login(world.mediator)
    response = client.post(
        reverse("mediation:intervention_edit", args=[line.pk]), form_data(line_values(world, changes))
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    line.refresh_from_db()
    assert (line.date, line.count, line.note) == (DAY, 2, "")


@pytest.mark.parametrize("case", CASES)
def test_rule_holds_in_the_service_that_every_workflow_calls(world, case):
    changes, field, _column = CASES[case]
    with pytest.raises(services.ValidationError) as excinfo:
        services.record_intervention(actor=world.mediator, **line_values(world, changes))
    assert excinfo.value.message_dict[field]
    assert Intervention.objects.count() == 0


def test_a_form_drops_a_mode_the_activity_does_not_use(client, world):
    client.force_login(world.mediator)
    payload = {**form_data(line_values(world, {"mode": "telephone"})), "uuid": str(uuid.uuid4())}
    response = client.post(reverse("mediation:api_intervention"), json.dumps(payload), content_type="application/json")
    assert response.status_code == 201
    assert Intervention.objects.get().mode == ""


def test_the_service_refuses_an_update_that_breaks_a_rule(world):
    line, _created = services.record_intervention(actor=world.mediator, **line_values(world, {}))
    with pytest.raises(services.ValidationError) as excinfo:
        services.update_intervention(actor=world.manager, intervention=line, date=timezone.localdate() + timedelta(1))
    assert excinfo.value.message_dict["date"] == ["La date ne peut pas être dans le futur."]
    line.refresh_from_db()
    assert line.date == DAY


@pytest.mark.parametrize("case", [name for name, (_c, _f, column) in CASES.items() if column])
def test_rule_holds_in_the_import_command(world, tmp_path, case):
    changes, _field, column = CASES[case]
    path = tmp_path / "lignes.csv"
    path.write_text(interchange_row(line_values(world, changes)))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interventions", str(path), "--user", "admin", stdout=io.StringIO(), stderr=err)
    assert f"ligne 2, colonne {column} : " in err.getvalue()
    assert Intervention.objects.count() == 0


def test_duration_rule_holds_in_the_import_command(world, tmp_path):
    values = line_values(world, {"duration_minutes": rules.MAX_DURATION_MINUTES + 1})
    path = tmp_path / "lignes.csv"
    path.write_text(interchange_row(values))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interventions", str(path), "--user", "admin", stdout=io.StringIO(), stderr=err)
    assert (
        "ligne 2, colonne duration_minutes : Plus de 1440 minutes (24 heures) : vérifiez la durée." in err.getvalue()
    )


@pytest.mark.parametrize("case", ["future date", "too many acts", "note too long", "site of another territory"])
def test_rule_holds_in_the_admin_import(client, world, case):
    changes, _field, column = CASES[case]
    client.force_login(world.admin)
    upload = SimpleUploadedFile("lignes.csv", interchange_row(line_values(world, changes)).encode(), "text/csv")
    response = client.post(
        reverse("admin:mediation_intervention_import"), {"format": "0", "resource": "0", "import_file": upload}
    )
    assert f"ligne 2, colonne {column} : " in response.content.decode()
    assert Intervention.objects.count() == 0


def test_a_referral_needs_its_mode_when_typed_but_not_in_a_history_import(client, world, tmp_path):
    client.force_login(world.mediator)
    values = line_values(world, {"activity_type": world.activity("referral"), "site": None})
    payload = {**form_data(values), "uuid": str(uuid.uuid4()), "partner_name": "Mission Locale"}
    response = client.post(reverse("mediation:api_intervention"), json.dumps(payload), content_type="application/json")
    assert response.json()["errors"]["mode"] == ["Choisissez la modalité de la mise en relation."]
    path = tmp_path / "lignes.csv"
    path.write_text(interchange_row(values))
    call_command("import_interventions", str(path), "--user", "admin", stdout=io.StringIO())
    assert Intervention.objects.get().mode == ""


def test_a_form_shows_every_broken_rule_at_once(client, world):
    client.force_login(world.mediator)
    values = line_values(world, {"date": "tomorrow", "count": 0, "note": "x" * (rules.NOTE_MAX_LENGTH + 1)})
    response = client.post(reverse("mediation:entry"), form_data(values))
    errors = response.context["form"].errors
    assert errors["date"] == ["La date ne peut pas être dans le futur."]
    assert errors["count"] == ["Au moins 1 acte."]
    assert errors["note"] == ["Note trop longue : 2000 caractères au plus (2001 saisis)."]
    # Nothing the user typed is lost.
    assert response.context["form"]["note"].value() == "x" * (rules.NOTE_MAX_LENGTH + 1)
