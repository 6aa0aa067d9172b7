"""Issue #10, consent and sharing: consent judged today, withdrawal and sharing serialised, legal bases as rules,
the reason hidden with the person, and the consent, withdrawal and share forms idempotent (item 3, the referral
lines, is in test_trust_referral_lines.py)."""

import threading
import time
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from mediation.models import Intervention
from partners import services
from partners.legal_bases import RULES, basis_table
from partners.models import (
    Consent,
    ConsentWithdrawal,
    InformationCategory,
    InformationShare,
    LegalBasis,
    OrganisationKind,
    Referral,
    SharingPurpose,
)
from tests.clock import frozen
from tests.partners.factories import (
    PartnerOrganisationFactory,
    make_consent,
    make_person,
    make_referral,
    make_share,
)
from tests.partners.test_pages import client_for, text

TODAY = date(2026, 12, 2)
pytestmark = frozen(TODAY)
only_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="verrous : PostgreSQL seulement")


# --- 1. Consent is judged today, when the data leaves --------------------------------------------------------


def backdated_referral(world, person, day):
    return make_referral(world, person=person, date=day)


def test_a_backdated_referral_is_refused_on_a_consent_withdrawn_today(world):
    person = make_person(world)
    consent = make_consent(world, person, given_on=date(2026, 11, 1))
    services.withdraw_consent(actor=world.mediator, consent=consent)
    with pytest.raises(ValidationError, match="a été retiré le 02/12/2026"):
        backdated_referral(world, person, date(2026, 11, 20))
    assert not Referral.objects.exists() and not InformationShare.objects.exists()
    assert not Intervention.objects.exists()


def test_a_backdated_referral_is_refused_on_a_consent_expired_in_june(world):
    person = make_person(world)
    make_consent(world, person, given_on=date(2026, 1, 5), expires_on=date(2026, 6, 30))
    with pytest.raises(ValidationError, match="a expiré le 30/06/2026"):
        backdated_referral(world, person, date(2026, 5, 20))
    assert not Referral.objects.exists()


def test_a_backdated_referral_keeps_its_date_and_the_share_is_dated_today(world):
    person = make_person(world)
    make_consent(world, person, given_on=date(2026, 11, 1))
    referral = backdated_referral(world, person, date(2026, 11, 20))
    assert referral.date == date(2026, 11, 20) and referral.intervention.date == date(2026, 11, 20)
    assert referral.information_share.shared_on == TODAY


def test_an_oral_consent_given_now_for_a_backdated_referral_is_dated_today(world):
    person = make_person(world)
    referral = make_referral(world, person=person, date=date(2026, 11, 20), oral_consent_now=True)
    consent = referral.information_share.consent
    assert consent.given_on == TODAY and consent.expires_on == date(2027, 6, 2)


def test_the_referral_form_refuses_a_backdated_telephone_referral_on_a_withdrawn_consent(world):
    person = make_person(world)
    consent = make_consent(world, person, given_on=date(2026, 11, 1))
    services.withdraw_consent(actor=world.mediator, consent=consent)
    response = client_for(world.mediator).post(
        reverse("partners:referral_create"),
        {
            "uuid": str(uuid.uuid4()),
            "date": "2026-11-20",
            "mode": "telephone",
            "organisation": world.organisation.pk,
            "territory": world.territory_a.pk,
            "person": person.pk,
            "reason": "recherche de formation",
        },
    )
    assert response.status_code == 200
    assert "a été retiré le 02/12/2026" in text(response)
    assert not Referral.objects.exists()


# --- 2. Withdrawal and sharing are serialised (PostgreSQL, real threads) ---------------------------------------


def run_in_threads(*targets, stagger: float = 0.1):
    """Run each callable in its own thread with its own connection, started `stagger` seconds apart (the order
    they start in is the race a test sets up); the exceptions they raised, by index."""
    raised = {}

    def runner(index, target):
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            raised[index] = exc
        finally:
            connection.close()

    threads = []
    for index, target in enumerate(targets):
        thread = threading.Thread(target=runner, args=(index, target))
        threads.append(thread)
        thread.start()
        time.sleep(stagger)
    for thread in threads:
        thread.join(timeout=30)
    return raised


def share_for(world, person):
    return lambda: make_share(world, person, purpose=SharingPurpose.REFERRAL)


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_waits_for_a_share_being_checked(world, monkeypatch):
    """The share checks the consent, then takes its time before writing: the withdrawal must wait for it."""
    person = make_person(world)
    consent = make_consent(world, person)
    check = services.sharing.find_valid_consent

    def slow_check(**kwargs):
        found = check(**kwargs)
        time.sleep(0.5)
        return found

    monkeypatch.setattr(services.sharing, "find_valid_consent", slow_check)
    raised = run_in_threads(
        share_for(world, person), lambda: services.withdraw_consent(actor=world.mediator, consent=consent)
    )
    assert raised == {}
    share, withdrawal = InformationShare.objects.get(), ConsentWithdrawal.objects.get()
    assert share.shared_at < withdrawal.recorded_at  # the share left while the consent still held


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_share_waits_for_a_withdrawal_in_progress_and_is_refused(world, monkeypatch):
    person = make_person(world)
    consent = make_consent(world, person)
    log = services.consents.log_change

    def slow_log(**kwargs):
        log(**kwargs)
        time.sleep(0.5)  # the withdrawal is written, not yet committed

    monkeypatch.setattr(services.consents, "log_change", slow_log)
    raised = run_in_threads(
        lambda: services.withdraw_consent(actor=world.mediator, consent=consent), share_for(world, person)
    )
    assert list(raised) == [1] and "a été retiré le" in " ".join(raised[1].messages)
    assert ConsentWithdrawal.objects.count() == 1 and not InformationShare.objects.exists()


# --- 4. Legal bases are rules, not labels --------------------------------------------------------------------


def test_l226_2_2_refuses_a_minors_health_and_family_data_to_a_landlord_for_employment(world):
    landlord = PartnerOrganisationFactory(name="Grand Lyon Habitat", kind=OrganisationKind.LANDLORD)
    minor = make_person(world, birth_year=TODAY.year - 14)
    with pytest.raises(ValidationError) as refused:
        make_share(
            world,
            minor,
            organisation=landlord,
            categories=[InformationCategory.HEALTH, InformationCategory.FAMILY],
            purpose=SharingPurpose.EMPLOYMENT,
            legal_basis=LegalBasis.CASF_L226_2_2,
            parents_informed=True,
        )
    errors = refused.value.message_dict
    assert "ne permet pas de transmettre à Grand Lyon Habitat (bailleur)" in errors["to_organisation"][0]
    assert "ne vaut pas pour la finalité « Insertion sociale et professionnelle »" in errors["purpose"][0]
    assert not InformationShare.objects.exists()


def test_l226_2_2_passes_for_child_protection_to_a_professional_bound_by_secrecy(world):
    child_welfare = PartnerOrganisationFactory(name="ASE du Rhône", kind=OrganisationKind.CHILD_PROTECTION)
    minor = make_person(world, birth_year=TODAY.year - 14)
    share = make_share(
        world,
        minor,
        organisation=child_welfare,
        categories=[InformationCategory.HEALTH, InformationCategory.FAMILY],
        purpose=SharingPurpose.CHILD_PROTECTION,
        legal_basis=LegalBasis.CASF_L226_2_2,
        parents_informed=True,
    )
    assert share.legal_basis == LegalBasis.CASF_L226_2_2 and share.consent is None


def test_l226_2_2_refuses_categories_the_basis_does_not_cover(world):
    minor = make_person(world, birth_year=TODAY.year - 14)
    with pytest.raises(ValidationError) as refused:
        make_share(
            world,
            minor,
            organisation=world.other_organisation,
            categories=[InformationCategory.IDENTITY, InformationCategory.RESOURCES],
            purpose=SharingPurpose.CHILD_PROTECTION,
            legal_basis=LegalBasis.CASF_L226_2_2,
            parents_informed=True,
        )
    assert list(refused.value.message_dict) == ["categories"]
    assert "ne couvre pas ces informations : Ressources et droits" in refused.value.message_dict["categories"][0]


def test_l121_6_2_refuses_a_landlord_and_health_data(world):
    landlord = PartnerOrganisationFactory(name="Grand Lyon Habitat", kind=OrganisationKind.LANDLORD)
    with pytest.raises(ValidationError) as refused:
        make_share(
            world,
            make_person(world),
            organisation=landlord,
            categories=[InformationCategory.HEALTH],
            purpose=SharingPurpose.SOCIAL_SUPPORT,
            legal_basis=LegalBasis.CASF_L121_6_2,
            coordinator_name="Mme Durand, CCAS",
        )
    assert set(refused.value.message_dict) == {"to_organisation", "categories"}


def test_every_basis_has_its_rule_and_the_share_form_shows_them(world):
    assert set(RULES) == set(LegalBasis.values)
    page = text(client_for(world.mediator).get(reverse("partners:share_create")))
    assert "Ce que chaque base légale permet" in page
    for row in basis_table():
        assert str(row["basis"]) in page and str(row["recipients"]) in page and str(row["categories"]) in page


def test_the_share_form_shows_what_the_basis_does_not_allow_next_to_the_field(world):
    landlord = PartnerOrganisationFactory(name="Grand Lyon Habitat", kind=OrganisationKind.LANDLORD)
    minor = make_person(world, birth_year=TODAY.year - 14)
    response = client_for(world.mediator).post(
        reverse("partners:share_create"),
        {
            "uuid": str(uuid.uuid4()),
            "person": minor.pk,
            "to_organisation": landlord.pk,
            "purpose": SharingPurpose.EMPLOYMENT,
            "categories": [InformationCategory.HEALTH, InformationCategory.FAMILY],
            "legal_basis": LegalBasis.CASF_L226_2_2,
            "justification": "Dossier d'embauche",
            "parents_informed": "yes",
        },
    )
    assert response.status_code == 200
    assert "ne permet pas de transmettre à Grand Lyon Habitat" in " ".join(
        response.context["form"].errors["to_organisation"]
    )
    assert not InformationShare.objects.exists()


# --- 5. After a withdrawal the counsellor no longer sees the reason -------------------------------------------


def test_the_counsellor_no_longer_sees_the_reason_after_a_withdrawal(world):
    person = make_person(world)
    consent = make_consent(world, person)
    referral = make_referral(world, person=person, reason="Dettes de loyer et recherche d'emploi")
    counsellor = client_for(world.counsellor)
    pages = (reverse("partners:referral_detail", args=[referral.pk]), reverse("partners:counsellor_home"))
    for url in pages:
        assert "Dettes de loyer" in text(counsellor.get(url))
    services.withdraw_consent(actor=world.mediator, consent=consent)
    for url in pages:
        page = text(counsellor.get(url))
        assert "Dettes de loyer" not in page and "Motif retiré avec le consentement" in page
    # The team keeps the reason on its own pages.
    assert "Dettes de loyer" in text(client_for(world.mediator).get(pages[0]))


# --- 8. The consent, withdrawal and share forms carry a client UUID -------------------------------------------


def test_a_double_post_of_the_consent_form_records_one_consent(world):
    person = make_person(world)
    client = client_for(world.mediator)
    data = {
        "uuid": str(uuid.uuid4()),
        "person": person.pk,
        "recipient_organisation": world.organisation.pk,
        "categories": ["identity", "referral_reason"],
        "form": "oral",
        "given_on": TODAY.isoformat(),
    }
    responses = [client.post(reverse("partners:consent_create"), data) for _ in range(2)]
    assert [response.status_code for response in responses] == [302, 302]
    assert Consent.objects.count() == 1


def test_a_double_post_of_the_withdrawal_withdraws_once_without_error(world):
    person = make_person(world)
    consent = make_consent(world, person)
    client = client_for(world.mediator)
    page = text(client.get(reverse("partners:person_sharing", args=[person.pk])))
    assert 'name="uuid"' in page
    data = {"uuid": str(uuid.uuid4()), "note": "Ne souhaite plus"}
    url = reverse("partners:consent_withdraw", args=[consent.pk])
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert ConsentWithdrawal.objects.count() == 1
    assert "déjà été retiré" not in text(second)


def test_a_double_post_of_the_share_form_records_one_share(world):
    person = make_person(world)
    make_consent(world, person)
    client = client_for(world.mediator)
    data = {
        "uuid": str(uuid.uuid4()),
        "person": person.pk,
        "to_organisation": world.organisation.pk,
        "purpose": SharingPurpose.REFERRAL,
        "categories": ["identity"],
        "legal_basis": LegalBasis.CONSENT,
        "justification": "Premier rendez-vous",
    }
    responses = [client.post(reverse("partners:share_create"), data) for _ in range(2)]
    assert [response.status_code for response in responses] == [302, 302]
    assert InformationShare.objects.count() == 1


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_six_concurrent_copies_give_one_consent_one_share_one_withdrawal(world):
    person = make_person(world)
    key = uuid.uuid4()
    barrier = threading.Barrier(6)

    def copies(call):
        def together():
            barrier.wait(timeout=10)
            call()

        assert run_in_threads(*[together] * 6, stagger=0) == {}

    copies(lambda: make_consent(world, person, uuid=key))
    assert Consent.objects.count() == 1
    share_key = uuid.uuid4()
    copies(lambda: make_share(world, person, purpose=SharingPurpose.REFERRAL, uuid=share_key))
    assert InformationShare.objects.count() == 1
    consent = Consent.objects.get()
    withdrawal_key = uuid.uuid4()
    copies(lambda: services.withdraw_consent(actor=world.mediator, consent=consent, uuid=withdrawal_key))
    assert ConsentWithdrawal.objects.count() == 1
