"""Issue 15, point 7: each party's free consent (its withdrawal ends the mediation), a guardian for a minor, and
the protocole d'accord as a printable PDF (read back with pdftotext)."""

import subprocess
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from altm.models import AuditEntry
from mediation import services
from mediation.models import ConflictOutcome, ConflictParties, ConflictParty, ConflictStatus
from partners.services import erase_personal_text
from tests.clock import TODAY, frozen
from tests.concurrency import client_for
from tests.mediation.factories import InterventionFactory, PersonFactory

pytestmark = frozen()


def _case(world):
    case, _ = services.open_conflict_case(
        actor=world.mediator,
        title="Bruit cour intérieure",
        territory=world.territory_a,
        parties=ConflictParties.RESIDENTS,
        opened_on=TODAY - timedelta(days=10),
    )
    return case


def test_a_party_needs_a_consent_and_a_minor_a_guardian(world):
    case = _case(world)
    with pytest.raises(ValidationError) as refused:
        services.add_conflict_party(actor=world.mediator, case=case, label="Locataire", consent_given_on=None)
    assert "libre consentement" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.add_conflict_party(
            actor=world.mediator, case=case, label="Théo", consent_given_on=TODAY, birth_year=TODAY.year - 15
        )
    assert set(refused.value.message_dict) == {"guardian_name", "guardian_role"}
    assert not ConflictParty.objects.exists()
    key = uuid.uuid4()
    for _ in range(2):  # a double submit adds one
        services.add_conflict_party(
            actor=world.mediator,
            case=case,
            label="Théo",
            consent_given_on=TODAY,
            birth_year=TODAY.year - 15,
            guardian_name="Mme L.",
            guardian_role="mère",
            uuid=key,
        )
    assert ConflictParty.objects.get().guardian_role == "mère"


def test_withdrawal_ends_the_mediation(world):
    case = _case(world)
    party = services.add_conflict_party(actor=world.mediator, case=case, label="M. B.", consent_given_on=TODAY)
    response = client_for(world.mediator).post(reverse("mediation:conflict_party_withdraw", args=[case.pk, party.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    party.refresh_from_db()
    assert party.consent_withdrawn_on == TODAY
    assert case.status == ConflictStatus.CLOSED and case.outcome == ConflictOutcome.CONSENT_WITHDRAWN
    with pytest.raises(ValidationError):
        services.record_conflict_session(actor=world.mediator, case=case, kind="shuttle", date=TODAY)


def test_the_party_form_shows_french_errors(world):
    case = _case(world)
    response = client_for(world.mediator).post(
        reverse("mediation:conflict_party_add", args=[case.pk]),
        {"label": "Inès", "consent_given_on": TODAY.isoformat(), "birth_year": str(TODAY.year - 12)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["guardian_name"] == [
        "Cette partie est mineure : indiquez le parent ou le tuteur associé à la médiation."
    ]


def test_protocole_d_accord_pdf(world, tmp_path):
    case = _case(world)
    services.add_conflict_party(actor=world.mediator, case=case, label="Locataire du 3e", consent_given_on=TODAY)
    services.add_conflict_party(
        actor=world.mediator,
        case=case,
        label="Nolan",
        consent_given_on=TODAY,
        birth_year=TODAY.year - 16,
        guardian_name="M. Garnier",
        guardian_role="père",
    )
    services.record_conflict_agreement(
        actor=world.mediator,
        case=case,
        agreement_on=TODAY,
        followup_on=date(2026, 12, 26),
        points="Pas de ballon contre la façade après 20 h\nSe saluer et se parler avant de se plaindre",
    )
    response = client_for(world.mediator).get(reverse("mediation:conflict_agreement_pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "protocole.pdf"
    pdf.write_bytes(response.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Protocole d'accord" in text
    assert (
        "1. Pas de ballon contre la façade après 20 h" in text or "Pas de ballon contre la façade après 20 h" in text
    )
    assert "Se saluer et se parler avant de se plaindre" in text
    assert "Locataire du 3e" in text and "Nolan" in text
    assert "partie mineure, accompagnée de M. Garnier (père)" in text
    assert "Signatures" in text and "Le médiateur" in text
    assert "librement consenti" in text
    assert str(TODAY.year - 16) not in text  # no more personal data than needed: no birth year
    # Without an agreement there is nothing to print.
    other = _case(world)
    assert (
        client_for(world.mediator).get(reverse("mediation:conflict_agreement_pdf", args=[other.pk])).status_code == 404
    )


def test_retention_erases_the_parties_and_the_agreed_points(world):
    case = _case(world)
    services.add_conflict_party(
        actor=world.mediator,
        case=case,
        label="Nolan",
        consent_given_on=TODAY,
        birth_year=TODAY.year - 16,
        guardian_name="M. Garnier",
        guardian_role="père",
    )
    services.record_conflict_agreement(
        actor=world.mediator, case=case, agreement_on=TODAY, followup_on=TODAY, points="Nolan ne joue plus au ballon"
    )
    person = PersonFactory(team=world.team_a, territory=world.territory_a)
    InterventionFactory(person=person, conflict_case=case, territory=world.territory_a, team=world.team_a)
    erase_personal_text([person.pk])
    party = ConflictParty.objects.get()
    case.refresh_from_db()
    assert (party.label, party.guardian_name, party.guardian_role) == ("Partie anonymisée", "", "")
    assert case.agreement_points == ""
    assert all(
        "Garnier" not in str(entry.after) and "ballon" not in str(entry.after) for entry in AuditEntry.objects.all()
    )
