"""Referrals a counsellor can work with (issue 11, points 11-13): who referred and how to reach them, the young
person's phone when they agreed, simple referrals not "to confirm", a refused referral coming back as it was typed
once the consent is recorded, the person created from the referral form, and the partner's view of its
conventions (annual review, partner version, and the minutes of the meetings)."""

import html
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mediation.models import Intervention, Person, ReferralMode
from partners.models import Consent, EventKind, InformationShare, Referral, ReferralDirection
from partners.services import NewPerson, record_incoming_referral, record_referral
from tests.clock import TODAY, frozen
from tests.partners.factories import PartnerEventFactory, make_convention, make_person, make_referral

pytestmark = frozen()


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who referred, and the young person's phone --------------------------------------------------------------


def test_the_counsellor_sees_who_referred_and_how_to_reach_them(world):
    world.mediator.first_name, world.mediator.last_name = "Amina", "Benali"
    world.mediator.phone, world.mediator.email = "06 39 98 00 11", "amina@altm.invalid"
    world.mediator.save()
    referral = make_referral(world)
    page = text(client_for(world.counsellor).get(referral.get_absolute_url()))
    assert "Orientée par" in page and "Amina Benali" in page
    assert 'href="tel:0639980011"' in page and "mailto:amina@altm.invalid" in page


def test_the_counsellor_can_give_the_phone_of_a_young_person_who_agreed(world):
    referral, created = record_incoming_referral(
        actor=world.counsellor,
        organisation=world.organisation,
        date=TODAY,
        mode=ReferralMode.TELEPHONE,
        territory=world.territory_a,
        alias="Lina",
        birth_year=2006,
        phone="06 39 98 12 34",
        person_agreed=True,
    )
    assert created and referral.person.contact == "06 39 98 12 34"
    page = text(client_for(world.mediator).get(referral.get_absolute_url()))
    assert "Téléphone du jeune" in page and "06 39 98 12 34" in page


@pytest.mark.parametrize(
    ("mode", "agreed", "phone", "field"),
    [
        (ReferralMode.TELEPHONE, False, "06 39 98 12 34", "phone"),  # no agreement, no number
        (ReferralMode.SIMPLE, True, "06 39 98 12 34", "phone"),  # a simple referral keeps nobody
        (ReferralMode.TELEPHONE, True, "06 39", "phone"),  # not a phone number
        (ReferralMode.TELEPHONE, True, "appelle-moi", "phone"),
    ],
)
def test_a_phone_travels_only_when_it_may(world, mode, agreed, phone, field):
    with pytest.raises(ValidationError) as refused:
        record_incoming_referral(
            actor=world.counsellor,
            organisation=world.organisation,
            date=TODAY,
            mode=mode,
            territory=world.territory_a,
            alias="Lina",
            phone=phone,
            person_agreed=agreed,
        )
    assert field in refused.value.message_dict
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_the_counsellor_form_refuses_a_phone_without_agreement_next_to_it(world):
    response = client_for(world.counsellor).post(
        reverse("partners:counsellor_referral_create"),
        {
            "uuid": str(uuid.uuid4()),
            "date": TODAY.isoformat(),
            "mode": "telephone",
            "territory": world.territory_a.pk,
            "alias": "Lina",
            "gender": "F",
            "phone": "06 39 98 12 34",
        },
    )
    assert response.status_code == 200
    assert "Le numéro ne peut être transmis qu'avec l'accord du jeune." in text(response)
    assert not Referral.objects.exists()


def test_simple_referrals_are_not_counted_to_confirm(world):
    make_referral(world, mode=ReferralMode.SIMPLE)
    make_referral(world, mode=ReferralMode.SIMPLE)
    page = text(client_for(world.counsellor).get(reverse("partners:counsellor_home")))
    assert "à confirmer" not in page
    make_referral(world, mode=ReferralMode.TELEPHONE)
    page = text(client_for(world.counsellor).get(reverse("partners:counsellor_home")))
    assert "1 à confirmer" in page


# --- The person created from the referral form -----------------------------------------------------------------


def test_a_referral_creates_its_person_with_the_oral_agreement_in_one_go(world):
    submission = uuid.uuid4()
    for _ in range(2):  # a retry gives one person, one referral, one line
        referral, _created = record_referral(
            actor=world.mediator,
            uuid=submission,
            date=TODAY,
            mode=ReferralMode.TELEPHONE,
            organisation=world.organisation,
            territory=world.territory_a,
            new_person=NewPerson(alias="Sami", birth_year=2005),
            reason="recherche de formation",
            oral_consent_now=True,
        )
    person = Person.objects.get()
    assert (person.alias, person.birth_year, person.team) == ("Sami", 2005, world.team_a)
    assert referral.person == person
    assert Referral.objects.count() == Intervention.objects.count() == Consent.objects.count() == 1


def test_a_refused_referral_creates_no_person(world):
    with pytest.raises(ValidationError):
        record_referral(
            actor=world.mediator,
            date=TODAY,
            mode=ReferralMode.TELEPHONE,
            organisation=world.organisation,
            territory=world.territory_a,
            new_person=NewPerson(alias="Sami"),
        )
    assert not Person.objects.exists() and not Referral.objects.exists() and not Intervention.objects.exists()


def test_the_form_refuses_choosing_a_person_and_typing_a_new_one(world):
    person = make_person(world)
    response = client_for(world.mediator).post(
        reverse("partners:referral_create"),
        {
            "uuid": str(uuid.uuid4()),
            "date": TODAY.isoformat(),
            "mode": "telephone",
            "organisation": world.organisation.pk,
            "territory": world.territory_a.pk,
            "person": person.pk,
            "new_alias": "Sami",
            "oral_consent_now": "on",
        },
    )
    assert "pas les deux" in text(response)
    assert not Referral.objects.exists()


# --- Refused, then the consent, then the same referral -------------------------------------------------------


def referral_data(world, person, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "mode": "telephone",
        "organisation": world.organisation.pk,
        "territory": world.territory_a.pk,
        "person": person.pk,
        "reason": "Recherche d'apprentissage",
        **extra,
    }


def test_a_refused_referral_comes_back_as_typed_after_the_written_consent(world):
    person = make_person(world, alias="Camille")
    client = client_for(world.mediator)
    data = referral_data(world, person)
    refused = client.post(reverse("partners:referral_create"), data)
    page = text(refused)
    assert "Il manque l'accord de la personne" in page and "Votre saisie est gardée" in page
    assert not Referral.objects.exists()
    consent_url = refused.context["refusal_help"]["consent_url"]
    query = parse_qs(urlparse(consent_url).query)
    assert query["categories"] == ["identity", "referral_reason"]
    assert query["personne"] == [str(person.pk)] and query["finalite"] == ["referral"]

    form_page = client.get(consent_url)
    form = form_page.context["form"]
    assert form.initial["categories"] == ["identity", "referral_reason"]
    assert form.initial["person"] == person.pk and form.initial["recipient_organisation"] == world.organisation.pk
    saved = client.post(
        consent_url,
        {
            "uuid": str(uuid.uuid4()),
            "person": person.pk,
            "recipient_organisation": world.organisation.pk,
            "purpose": "referral",
            "categories": ["identity", "referral_reason"],
            "form": "written",
            "given_on": TODAY.isoformat(),
        },
    )
    assert saved.status_code == 302 and saved.url == query["retour"][0]

    back = client.get(saved.url)
    again = back.context["form"]
    assert str(again.initial["uuid"]) == data["uuid"]  # the same submission: recorded once whatever happens
    assert again.initial["reason"] == "Recherche d'apprentissage" and again.initial["person"] == str(person.pk)
    assert "vérifiez-la et enregistrez-la" in text(back)

    posted = {name: again.initial[name] for name in data}
    recorded = client.post(reverse("partners:referral_create"), posted)
    assert recorded.status_code == 302
    referral = Referral.objects.get()
    assert str(referral.uuid) == data["uuid"] and referral.reason == "Recherche d'apprentissage"
    assert InformationShare.objects.get().consent == Consent.objects.get()
    assert "referral_drafts" not in client.session or not client.session["referral_drafts"]


def test_the_oral_agreement_button_records_the_referral_in_place(world):
    person = make_person(world, alias="Camille")
    client = client_for(world.mediator)
    data = referral_data(world, person)
    client.post(reverse("partners:referral_create"), data)
    recorded = client.post(reverse("partners:referral_create"), {**data, "oral_consent_now": "on"})
    assert recorded.status_code == 302
    assert Referral.objects.count() == Consent.objects.count() == 1


def test_a_consent_return_address_elsewhere_is_ignored_with_a_message(world):
    person = make_person(world)
    client = client_for(world.mediator)
    for retour in ("https://evil.example/", "/admin/", "//evil.example/x"):
        response = client.get(reverse("partners:consent_create"), {"personne": person.pk, "retour": retour})
        assert response.status_code == 200
        assert "Adresse de retour ignorée" in text(response)


def test_an_unknown_draft_starts_a_new_entry_with_a_message(world):
    response = client_for(world.mediator).get(reverse("partners:referral_create"), {"brouillon": "n'importe quoi"})
    assert response.status_code == 200 and "Cette saisie n'est plus disponible" in text(response)


# --- The partner's conventions -------------------------------------------------------------------------------


def test_the_counsellor_reads_the_partner_version_of_their_convention_review(world):
    convention = make_convention(world)
    PartnerEventFactory(
        convention=convention,
        kind=EventKind.MEETING,
        site=world.site_a,
        date=TODAY.replace(day=3),
        title="Point trimestriel",
        note="Trois situations examinées ; prochaine rencontre en janvier.",
    )
    client = client_for(world.counsellor)
    listing = text(client.get(reverse("reporting:partner_conventions")))
    assert "Point trimestriel" in listing and "prochaine rencontre en janvier" in listing
    review = client.get(reverse("reporting:partner_review", args=[convention.pk, TODAY.year]))
    assert review.status_code == 200
    page = text(review)
    assert "version partenaire" in page and "Engagements" in page
    assert "Dénonciation possible" not in page  # the agency's own deadline stays inside
    pdf = client.get(reverse("reporting:partner_review_pdf", args=[convention.pk, TODAY.year]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_another_organisation_sees_nothing_of_the_convention(world):
    convention = make_convention(world)
    client = client_for(world.counsellor_other_org)
    assert client.get(reverse("reporting:partner_review", args=[convention.pk, TODAY.year])).status_code == 404
    assert client.get(reverse("reporting:partner_review_pdf", args=[convention.pk, TODAY.year])).status_code == 404
    assert convention.title not in text(client.get(reverse("reporting:partner_conventions")))
    # The agency's own review page stays closed to counsellors.
    assert (
        client_for(world.counsellor).get(reverse("reporting:convention_review", args=[convention.pk, TODAY.year]))
    ).status_code in (302, 403)


def test_an_unsigned_convention_is_not_shown_to_the_partner(world):
    convention = make_convention(world, signed_on=None)
    client = client_for(world.counsellor)
    assert client.get(reverse("reporting:partner_review", args=[convention.pk, TODAY.year])).status_code == 404


def test_incoming_referral_still_lands_with_the_covering_team(world):
    referral, _ = record_incoming_referral(
        actor=world.counsellor,
        organisation=world.organisation,
        date=TODAY,
        mode=ReferralMode.TELEPHONE,
        territory=world.territory_a,
        alias="Lina",
        person_agreed=True,
    )
    assert referral.direction == ReferralDirection.TO_AGENCY and referral.person.team == world.team_a
