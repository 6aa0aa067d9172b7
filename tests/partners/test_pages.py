"""The journeys on the pages: refused then accepted referral, consent and mandate, right of access, list queries."""

import html
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from mediation.models import Intervention, ReferralMode
from partners.models import Consent, ConsentState, InformationShare, Referral, ReferralStatus
from partners.services import update_referral_status, withdraw_consent
from tests.clock import TODAY, frozen
from tests.partners.factories import PartnerOrganisationFactory, make_consent, make_person, make_referral, make_share

pytestmark = frozen()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def referral_data(world, person, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "mode": "telephone",
        "organisation": world.organisation.pk,
        "territory": world.territory_a.pk,
        "person": person.pk,
        "reason": "recherche de formation",
        **extra,
    }


def test_telephone_referral_refused_without_consent_then_accepted_and_confirmed(world):
    person = make_person(world)
    mediator = client_for(world.mediator)
    refused = mediator.post(reverse("partners:referral_create"), referral_data(world, person))
    assert refused.status_code == 200
    page = text(refused)
    assert "Refusé : aucun consentement de Yanis" in page
    assert "recherche de formation" in page  # nothing typed is lost
    assert f"?personne={person.pk}&amp;destinataire={world.organisation.pk}" in refused.content.decode()
    assert not Referral.objects.exists() and not Intervention.objects.exists()

    accepted = mediator.post(reverse("partners:referral_create"), referral_data(world, person, oral_consent_now="on"))
    assert accepted.status_code == 302
    referral = Referral.objects.get()
    consent = Consent.objects.get()
    assert consent.form == "oral" and consent.recipient_organisation == world.organisation
    assert referral.information_share.consent == consent
    assert Intervention.objects.get().mode == ReferralMode.TELEPHONE

    counsellor = client_for(world.counsellor)
    assert "Yanis" in text(counsellor.get(reverse("partners:counsellor_home")))
    counsellor.post(
        reverse("partners:referral_status", args=[referral.pk]), {"status": "taken_in_charge", "reason": "RDV tenu"}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_IN_CHARGE


def test_consent_recorded_from_the_form_then_withdrawn(world):
    person = make_person(world)
    client = client_for(world.mediator)
    form_url = reverse("partners:consent_create") + f"?personne={person.pk}&destinataire={world.organisation.pk}"
    initial = client.get(form_url).context["form"].initial
    assert initial.pop("uuid") is not None  # the page's client UUID: a double submit records once
    assert initial == {"person": person.pk, "recipient_organisation": world.organisation.pk, "given_on": TODAY}
    missing = client.post(form_url, {"person": person.pk, "form": "written", "given_on": TODAY.isoformat()})
    assert "Indiquez le destinataire ou la finalité" in text(missing)
    response = client.post(
        form_url,
        {
            "person": person.pk,
            "recipient_organisation": world.organisation.pk,
            "categories": ["identity", "employment"],
            "form": "written",
            "given_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    sharing = text(client.get(reverse("partners:person_sharing", args=[person.pk])))
    assert "Valable" in sharing and "Formation, insertion, emploi" in sharing
    client.post(reverse("partners:consent_withdraw", args=[consent.pk]))
    assert "Retiré" in text(client.get(reverse("partners:person_sharing", args=[person.pk])))


def test_mandate_html_and_pdf_say_purpose_scope_data_and_revocation(world):
    person = make_person(world)
    consent = make_consent(world, person, expires_on=TODAY + timedelta(days=180))
    client = client_for(world.mediator)
    page = text(client.get(reverse("partners:consent_mandate", args=[consent.pk])))
    for expected in (
        "Mandat et accord pour la transmission d'informations",
        "Mission Locale de Lyon",
        "Identité et coordonnées",
        "Informations que l'agence enregistre",
        "Je peux retirer mon accord à tout moment",
        "ne conserve jamais mes mots de passe",
        "Signatures",
    ):
        assert expected in page, expected
    pdf = client.get(reverse("partners:consent_mandate_pdf", args=[consent.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_right_of_access_lists_everything_held_and_every_share(world):
    person = make_person(world, contact="06 11 22 33 44")
    make_consent(world, person, purpose="referral")
    referral = make_referral(world, person=person)
    make_share(world, person, purpose="referral", justification="Préparer l'entretien d'accueil")
    client = client_for(world.director)
    page = text(client.get(reverse("partners:person_access", args=[person.pk])))
    assert "06 11 22 33 44" in page and "Mission Locale de Lyon" in page
    assert "Préparer l'entretien d'accueil" in page and referral.reason in page
    assert page.count("Consentement de la personne") == InformationShare.objects.filter(person=person).count()
    pdf = client.get(reverse("partners:person_access_pdf", args=[person.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_every_consent_state_is_named_on_the_sharing_page_and_in_the_right_of_access(world):
    person = make_person(world)
    make_consent(world, person)
    make_consent(world, person, given_on=TODAY - timedelta(days=400), expires_on=TODAY - timedelta(days=1))
    withdrawn = make_consent(world, person)
    withdraw_consent(actor=world.mediator, consent=withdrawn)
    Consent.objects.create(
        person=person,
        recipient_organisation=world.organisation,
        form="oral",
        given_on=TODAY + timedelta(days=3),
        recorded_by=world.mediator,
    )
    sharing = text(client_for(world.mediator).get(reverse("partners:person_sharing", args=[person.pk])))
    for state in ConsentState:
        assert f'<span class="badge consent-{state.value}">{state.label}</span>' in sharing
    assert sharing.count("La personne retire son accord") == 1  # only the valid consent can be withdrawn
    access = text(client_for(world.director).get(reverse("partners:person_access", args=[person.pk])))
    assert f"<td>retiré le {TODAY:%d/%m/%Y}</td>" in access
    assert f"<td>expiré le {TODAY - timedelta(days=1):%d/%m/%Y}</td>" in access
    assert "<td>valable</td>" in access and "<td>pas encore valable</td>" in access


@pytest.mark.parametrize("rows", [2, 8])
def test_referral_list_queries_do_not_grow(world, django_assert_num_queries, rows):
    for _ in range(rows):
        make_referral(world)
        make_referral(
            world, mode=ReferralMode.SIMPLE, date=TODAY - timedelta(days=5), follow_up_on=TODAY - timedelta(days=1)
        )
    client = client_for(world.mediator)
    client.get(reverse("partners:referral_list"))
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:referral_list"))
    assert len(response.context["page"]) == 2 * rows


@pytest.mark.parametrize("rows", [2, 8])
def test_counsellor_home_queries_do_not_grow(world, django_assert_num_queries, rows):
    for _ in range(rows):
        referral = make_referral(world)
        update_referral_status(actor=world.mediator, referral=referral, status="done")
        make_share(world, referral.person, purpose="referral")
    client = client_for(world.counsellor)
    client.get(reverse("partners:counsellor_home"))
    with django_assert_num_queries(8):  # the 8th writes the read log, one row per person shown, in one statement
        response = client.get(reverse("partners:counsellor_home"))
    assert len(response.context["received"]) == rows and len(response.context["shares"]) == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_organisation_list_queries_do_not_grow(world, django_assert_num_queries, rows):
    for i in range(rows):
        PartnerOrganisationFactory(name=f"Centre social {i}", kind="social_centre")
    client = client_for(world.mediator)
    client.get(reverse("partners:organisation_list"))
    with django_assert_num_queries(3):
        response = client.get(reverse("partners:organisation_list"))
    assert len(response.context["organisations"]) == rows + 2
