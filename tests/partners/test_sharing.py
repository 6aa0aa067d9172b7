"""Legal basis of every share and of telephone/physical referrals; append-only journals."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from altm.models import AppendOnlyError
from mediation.models import Intervention, ReferralMode
from partners import services
from partners.models import (
    Consent,
    ConsentWithdrawal,
    InformationCategory,
    InformationShare,
    LegalBasis,
    Referral,
    SharingPurpose,
)
from tests.clock import TODAY, frozen
from tests.partners.factories import ConsentFactory, make_consent, make_person, make_referral, make_share

pytestmark = frozen()
CATEGORIES = [InformationCategory.IDENTITY, InformationCategory.REFERRAL_REASON]


def consent_in_state(world, person, state):
    """Build the person's consent history for one of the states the legal check must tell apart."""
    if state == "none":
        return None
    if state == "valid":
        return make_consent(world, person, categories=CATEGORIES)
    if state == "expired":
        return make_consent(world, person, given_on=TODAY - timedelta(days=400), expires_on=TODAY - timedelta(days=1))
    if state == "withdrawn":
        consent = make_consent(world, person)
        services.withdraw_consent(actor=world.mediator, consent=consent)
        return consent
    if state == "other_recipient":
        return make_consent(world, person, organisation=world.other_organisation)
    if state == "other_scope":
        return make_consent(world, person, categories=[InformationCategory.IDENTITY])
    if state == "other_purpose":
        return make_consent(world, person, organisation=None, purpose=SharingPurpose.HOUSING)
    raise AssertionError(state)


REFUSAL = {
    "none": "aucun consentement de Yanis n'est enregistré",
    "expired": f"a expiré le {(TODAY - timedelta(days=1)):%d/%m/%Y}",
    "withdrawn": f"a été retiré le {TODAY:%d/%m/%Y}",
    "other_recipient": "vise ADSEA 69, pas Mission Locale de Lyon",
    "other_scope": "ne couvre pas : Motif de l'orientation",
    "other_purpose": "vaut pour « Accès ou maintien dans le logement »",
}


def attempt(world, person, kind):
    if kind == "share":
        return make_share(world, person, categories=CATEGORIES, purpose=SharingPurpose.REFERRAL)
    mode = ReferralMode.TELEPHONE if kind == "telephone_referral" else ReferralMode.PHYSICAL
    return make_referral(world, mode=mode, person=person)


def journal_counts():
    return (
        InformationShare.objects.count(),
        Referral.objects.count(),
        Intervention.objects.count(),
        Consent.objects.count(),
    )


@pytest.mark.parametrize("kind", ["share", "telephone_referral", "physical_referral"])
@pytest.mark.parametrize("state", ["none", "valid", "expired", "withdrawn", "other_recipient", "other_scope"])
def test_consent_state_decides_every_share_attempt(world, state, kind):
    person = make_person(world)
    consent_in_state(world, person, state)
    before = journal_counts()
    if state == "valid":
        result = attempt(world, person, kind)
        share = result if kind == "share" else result.information_share
        assert share.legal_basis == LegalBasis.CONSENT and share.consent.person == person
        assert InformationShare.objects.count() == before[0] + 1
    else:
        with pytest.raises(ValidationError) as refused:
            attempt(world, person, kind)
        assert REFUSAL[state] in " ".join(refused.value.messages)
        assert journal_counts() == before, "rien ne doit être enregistré à moitié"


def test_a_consent_for_another_purpose_is_refused_with_the_purpose_named(world):
    person = make_person(world)
    consent_in_state(world, person, "other_purpose")
    with pytest.raises(ValidationError) as refused:
        attempt(world, person, "share")
    assert REFUSAL["other_purpose"] in refused.value.messages[0]


def test_a_consent_not_yet_given_does_not_count(world):
    person = make_person(world)
    ConsentFactory(
        person=person,
        recipient_organisation=world.organisation,
        categories=CATEGORIES,
        form="oral",
        given_on=TODAY + timedelta(days=3),
        recorded_by=world.mediator,
    )
    with pytest.raises(ValidationError, match="ne vaut qu'à partir"):
        attempt(world, person, "share")


def test_every_failing_consent_is_explained(world):
    person = make_person(world)
    consent_in_state(world, person, "expired")
    consent_in_state(world, person, "other_recipient")
    with pytest.raises(ValidationError) as refused:
        attempt(world, person, "share")
    message = refused.value.messages[0]
    assert REFUSAL["expired"] in message and REFUSAL["other_recipient"] in message


def test_withdrawal_blocks_the_next_share_at_once(world):
    person = make_person(world)
    consent = make_consent(world, person, categories=CATEGORIES)
    attempt(world, person, "share")
    services.withdraw_consent(actor=world.mediator, consent=consent)
    with pytest.raises(ValidationError, match="retiré"):
        attempt(world, person, "share")
    with pytest.raises(ValidationError, match="déjà été retiré"):
        services.withdraw_consent(actor=world.mediator, consent=consent)


def test_simple_referral_needs_no_consent_and_keeps_no_person(world):
    person = make_person(world)
    referral = make_referral(world, mode=ReferralMode.SIMPLE, person=person)
    assert referral.person is None
    assert not InformationShare.objects.exists()
    assert referral.intervention.men == 1


def test_physical_referral_also_needs_the_counsellor(world):
    person = make_person(world)
    make_consent(world, person)
    with pytest.raises(ValidationError, match="accord du conseiller"):
        make_referral(world, mode=ReferralMode.PHYSICAL, person=person, counsellor_agreed=False)
    assert not Referral.objects.exists()


def test_l121_6_2_needs_the_coordinator_named(world):
    person = make_person(world)
    kwargs = dict(legal_basis=LegalBasis.CASF_L121_6_2, purpose=SharingPurpose.SOCIAL_SUPPORT)
    with pytest.raises(ValidationError, match="nom du coordonnateur"):
        make_share(world, person, **kwargs)
    share = make_share(world, person, coordinator_name="Mme Durand, CCAS", **kwargs)
    assert share.consent is None and share.coordinator_name == "Mme Durand, CCAS"


@pytest.mark.parametrize(
    "birth_year_offset, parents, reason, accepted, message",
    [
        (25, True, "", False, "ne vaut que pour un mineur ; Yanis est une personne née en"),
        (15, None, "", False, "si les parents ont été informés"),
        (15, False, "", False, "contraire à l'intérêt de l'enfant"),
        (15, False, "Parent mis en cause dans la situation", True, ""),
        (15, True, "", True, ""),
    ],
)
def test_l226_2_2_is_for_minors_with_parents_informed(world, birth_year_offset, parents, reason, accepted, message):
    person = make_person(world, birth_year=TODAY.year - birth_year_offset)
    kwargs = dict(
        organisation=world.other_organisation,  # prévention spécialisée: bound by secrecy, child protection
        legal_basis=LegalBasis.CASF_L226_2_2,
        purpose=SharingPurpose.CHILD_PROTECTION,
        parents_informed=parents,
        parents_not_informed_reason=reason,
    )
    if accepted:
        assert make_share(world, person, **kwargs).legal_basis == LegalBasis.CASF_L226_2_2
    else:
        with pytest.raises(ValidationError) as refused:
            make_share(world, person, **kwargs)
        assert message in " ".join(refused.value.messages)
        assert not InformationShare.objects.exists()


def test_a_share_without_justification_or_categories_is_refused(world):
    person = make_person(world)
    make_consent(world, person)
    with pytest.raises(ValidationError, match="strictement nécessaire"):
        make_share(world, person, justification="  ", purpose=SharingPurpose.REFERRAL)
    with pytest.raises(ValidationError, match="au moins une catégorie"):
        make_share(world, person, categories=[], purpose=SharingPurpose.REFERRAL)


# --- Append-only journals ---------------------------------------------------------------------------------


@pytest.fixture
def journal_rows(world):
    person = make_person(world)
    consent = make_consent(world, person, categories=CATEGORIES)
    share = make_share(world, person, categories=CATEGORIES, purpose=SharingPurpose.REFERRAL)
    withdrawal = services.withdraw_consent(actor=world.mediator, consent=consent)
    return {"consent": consent, "share": share, "withdrawal": withdrawal}


@pytest.mark.parametrize("name", ["consent", "share", "withdrawal"])
def test_journal_rows_cannot_be_changed_or_deleted(journal_rows, name):
    row = journal_rows[name]
    model = type(row)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(pk=row.pk)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_withdrawal_is_a_new_row_and_the_consent_is_unchanged(journal_rows):
    consent = Consent.objects.get(pk=journal_rows["consent"].pk)
    assert consent.given_on == journal_rows["consent"].given_on
    assert ConsentWithdrawal.objects.get().consent == consent
    assert consent.state_on(TODAY) == "withdrawn"
