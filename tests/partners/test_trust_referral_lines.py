"""Issue #10, consent and sharing (item 3): telephone and physical referral lines only come from the referral
workflow, which records the consent and the share. Every other path that writes a line (quick entry, JSON API and
tally, edit page, service) is refused by `mediation.rules.intervention_errors`; the import (command and admin) keeps
them as history without a person, marked as recorded without a consent."""

import io
import json
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mediation import rules
from mediation import services as mediation_services
from mediation.interchange import COLUMNS
from mediation.models import Intervention, InterventionSource, ReferralMode
from tests.clock import frozen
from tests.mediation.test_edit import edit_data
from tests.partners.factories import make_referral
from tests.partners.test_pages import client_for, text

TODAY = date(2026, 12, 2)
pytestmark = frozen(TODAY)


WORKFLOW_MESSAGE = "enregistrez-la depuis « Nouvelle mise en relation »"


def line_payload(world, mode, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("referral").pk,
        "mode": mode,
        "partner_name": "Mission Locale de Lyon",
        "count": 1,
        "men": 1,
        **extra,
    }


@pytest.mark.parametrize("mode", ["telephone", "physical"])
def test_the_quick_entry_form_cannot_record_a_telephone_or_physical_referral(world, mode):
    response = client_for(world.mediator).post(reverse("mediation:entry"), line_payload(world, mode))
    assert WORKFLOW_MESSAGE in text(response)
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("mode", ["telephone", "physical"])
def test_the_json_api_and_the_tally_cannot_record_one(world, mode):
    client = client_for(world.mediator)
    for source in ("entry", "tally"):
        response = client.post(
            reverse("mediation:api_intervention"),
            json.dumps(line_payload(world, mode, source=source)),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert WORKFLOW_MESSAGE in response.json()["errors"]["mode"][0]
    assert not Intervention.objects.exists()
    simple = client.post(
        reverse("mediation:api_intervention"),
        json.dumps(line_payload(world, "simple")),
        content_type="application/json",
    )
    assert simple.status_code == 201


def test_the_service_refuses_one_outside_the_referral_workflow(world):
    with pytest.raises(ValidationError) as refused:
        mediation_services.record_intervention(
            actor=world.mediator,
            date=TODAY,
            territory=world.territory_a,
            activity_type=world.activity("referral"),
            mode=ReferralMode.TELEPHONE,
            count=1,
        )
    assert WORKFLOW_MESSAGE in refused.value.message_dict["mode"][0]
    # The referral workflow records it, with the consent and the share.
    referral = make_referral(world, mode=ReferralMode.TELEPHONE)
    line = referral.intervention
    assert (line.mode, line.source, line.person) == (
        ReferralMode.TELEPHONE,
        InterventionSource.REFERRAL,
        referral.person,
    )
    assert referral.information_share.consent is not None


def edit_payload(world, line, **changes):
    return edit_data(world, line, **{"mode": line.mode, "partner_name": line.partner_name, **changes})


def test_the_edit_page_cannot_turn_a_line_into_one_but_keeps_a_workflow_line(world):
    client = client_for(world.manager)
    simple = make_referral(world, mode=ReferralMode.SIMPLE).intervention
    url = reverse("mediation:intervention_edit", args=[simple.pk])
    refused = client.post(url, edit_payload(world, simple, mode="telephone"))
    assert WORKFLOW_MESSAGE in text(refused)
    simple.refresh_from_db()
    assert simple.mode == ReferralMode.SIMPLE
    with pytest.raises(ValidationError, match="Nouvelle mise en relation"):
        mediation_services.update_intervention(actor=world.manager, intervention=simple, mode=ReferralMode.PHYSICAL)

    telephone = make_referral(world, mode=ReferralMode.TELEPHONE).intervention
    response = client.post(
        reverse("mediation:intervention_edit", args=[telephone.pk]),
        edit_payload(world, telephone, note="rappel prévu"),
    )
    assert response.status_code == 302
    telephone.refresh_from_db()
    assert (telephone.mode, telephone.note) == (ReferralMode.TELEPHONE, "rappel prévu")


HEADER = ",".join(COLUMNS)
HISTORY_ROWS = (
    f"{HEADER}\n"
    "2025-03-04,L8,Santy,mediateur,referral,telephone,1,1,0,0,,appel Mission Locale,h1\n"
    "2025-03-04,L8,,mediateur,referral,physical,1,0,1,0,,,h2\n"
    "2025-03-04,L8,,mediateur,referral,simple,1,0,1,0,,,h3\n"
)


def assert_kept_as_marked_history():
    lines = {line.external_id: line for line in Intervention.objects.all()}
    assert set(lines) == {"h1", "h2", "h3"}
    assert all(line.source == InterventionSource.IMPORT and line.person_id is None for line in lines.values())
    assert lines["h1"].note == f"{rules.HISTORY_REFERRAL_NOTE} appel Mission Locale"
    assert lines["h2"].note == rules.HISTORY_REFERRAL_NOTE
    assert lines["h3"].note == ""  # a simple referral transmits nothing


def test_the_import_command_keeps_history_referrals_marked_without_consent(world, tmp_path):
    path = tmp_path / "historique.csv"
    path.write_text(HISTORY_ROWS, encoding="utf-8")
    call_command("import_interventions", str(path), stdout=io.StringIO())
    assert_kept_as_marked_history()
    # Importing the same file again changes nothing (the mark is not added twice).
    out = io.StringIO()
    call_command("import_interventions", str(path), stdout=out)
    assert "0 créée(s), 0 mise(s) à jour, 3 inchangée(s)" in out.getvalue()
    # The mark is visible in the lists.
    page = text(client_for(world.director).get(reverse("mediation:team_interventions")))
    assert page.count("Historique sans consentement enregistré") == 2  # each line rendered once


def test_the_import_marks_a_line_it_turns_into_a_telephone_referral(world, tmp_path):
    line, _created = mediation_services.record_intervention(
        actor=world.mediator,
        date=date(2026, 11, 20),
        territory=world.territory_a,
        activity_type=world.activity("referral"),
        mode=ReferralMode.SIMPLE,
        source=InterventionSource.ENTRY,
    )
    path = tmp_path / "maj.csv"
    path.write_text(
        f"{HEADER}\n{line.date.isoformat()},L8,,mediateur,referral,telephone,1,0,0,1,,,altm-{line.uuid}\n",
        encoding="utf-8",
    )
    call_command("import_interventions", str(path), stdout=io.StringIO())
    line.refresh_from_db()
    assert line.mode == ReferralMode.TELEPHONE and line.note == rules.HISTORY_REFERRAL_NOTE


def test_the_import_cannot_touch_the_line_of_a_referral_from_the_workflow(world, tmp_path):
    line = make_referral(world, mode=ReferralMode.SIMPLE).intervention
    path = tmp_path / "maj.csv"
    path.write_text(
        f"{HEADER}\n{line.date.isoformat()},L8,,mediateur,referral,telephone,1,0,0,1,,,altm-{line.uuid}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_interventions", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    line.refresh_from_db()
    assert line.mode == ReferralMode.SIMPLE


def test_the_admin_import_keeps_history_referrals_marked_without_consent(world):
    client = client_for(world.admin)
    upload = SimpleUploadedFile("historique.csv", HISTORY_ROWS.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:mediation_intervention_import"), {"format": "0", "resource": "0", "import_file": upload}
    )
    assert preview.status_code == 200
    client.post(
        reverse("admin:mediation_intervention_process_import"),
        {**preview.context["confirm_form"].initial, "resource": "0"},
    )
    assert_kept_as_marked_history()
