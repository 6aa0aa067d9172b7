"""Issue 15, points 1-2: shared situations rest on a consent (no consent, no situation; withdrawal closes it), each
partner's counsellor sees and feeds only their organisation's, everything audited and read-logged."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from altm.models import AuditEntry
from mediation.models import PersonReadLog
from partners.models import (
    CoordinationMeeting,
    FeedbackSide,
    InformationCategory,
    InformationShare,
    NextStep,
    OutcomeFeedback,
    OutcomeKind,
    SharedSituation,
    SituationCloseReason,
)
from partners.services import (
    LegalBasisError,
    apply_retention,
    open_shared_situation,
    record_meeting,
    record_outcome,
    withdraw_consent,
)
from tests.clock import TODAY, frozen
from tests.concurrency import client_for
from tests.partners.factories import make_consent, make_person, make_situation

pytestmark = frozen()


# --- The consent gate ---------------------------------------------------------------------------------------


def test_no_consent_no_shared_situation(world):
    person = make_person(world)
    with pytest.raises(LegalBasisError, match="aucun consentement"):
        open_shared_situation(actor=world.mediator, person=person, organisation=world.organisation)
    assert not SharedSituation.objects.exists()
    assert not InformationShare.objects.exists()


def test_a_consent_for_another_partner_or_other_information_does_not_open_it(world):
    person = make_person(world)
    make_consent(world, person, organisation=world.other_organisation)
    with pytest.raises(LegalBasisError, match="vise ADSEA 69"):
        open_shared_situation(actor=world.mediator, person=person, organisation=world.organisation)
    make_consent(world, person, organisation=world.organisation)  # identity and referral reason only
    with pytest.raises(LegalBasisError, match="ne couvre pas : Santé"):
        open_shared_situation(
            actor=world.mediator,
            person=person,
            organisation=world.organisation,
            categories=[InformationCategory.IDENTITY, InformationCategory.HEALTH],
        )
    assert not SharedSituation.objects.exists()


def test_an_expired_consent_does_not_open_it(world):
    person = make_person(world)
    make_consent(world, person, given_on=TODAY - timedelta(days=400), expires_on=TODAY - timedelta(days=35))
    with pytest.raises(LegalBasisError, match="a expiré"):
        open_shared_situation(actor=world.mediator, person=person, organisation=world.organisation)


def test_opening_records_the_share_on_the_consent_and_is_audited(world):
    person = make_person(world)
    consent = make_consent(world, person)
    key = uuid.uuid4()
    situation = make_situation(world, person, uuid=key)
    assert situation.consent == consent and situation.team == world.team_a and situation.is_open
    share = InformationShare.objects.get(person=person)
    assert share.to_organisation == world.organisation and share.consent == consent
    assert make_situation(world, person, uuid=key) == situation  # a double submit opens one
    assert SharedSituation.objects.count() == 1 and InformationShare.objects.count() == 1
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SharedSituation), object_id=str(situation.pk)
    ).exists()
    with pytest.raises(ValidationError, match="déjà ouverte"):
        make_situation(world, person)


def test_withdrawal_closes_the_situation_and_stops_every_write(world):
    situation = make_situation(world)
    withdraw_consent(actor=world.mediator, consent=situation.consent)
    situation.refresh_from_db()
    assert situation.closed_on == TODAY and situation.close_reason == SituationCloseReason.CONSENT_WITHDRAWN
    with pytest.raises(ValidationError, match="clôturée"):
        record_outcome(actor=world.counsellor, situation=situation, kind=OutcomeKind.EMPLOYMENT, dated_on=TODAY)
    assert not OutcomeFeedback.objects.exists()
    # The counsellor no longer sees who the person is, nor the history.
    response = client_for(world.counsellor).get(situation.get_absolute_url())
    assert response.status_code == 200
    assert "Inès" not in response.content.decode() and response.context["outcome_form"] is None


def test_a_consent_expired_since_blocks_writes(world, time_machine):
    person = make_person(world)
    make_consent(world, person, expires_on=TODAY + timedelta(days=5))
    situation = make_situation(world, person)
    time_machine.move_to(TODAY + timedelta(days=10))
    with pytest.raises(ValidationError, match="a expiré"):
        record_outcome(actor=world.mediator, situation=situation, kind=OutcomeKind.ONGOING, dated_on=TODAY)


# --- Partner isolation and the partner's side ---------------------------------------------------------------


def test_each_counsellor_sees_their_organisation_only(world):
    ours = make_situation(world)
    person_b = make_person(world, alias="Sami")
    make_consent(world, person_b, organisation=world.other_organisation)
    theirs = make_situation(world, person_b, organisation=world.other_organisation)
    assert list(SharedSituation.objects.for_user(world.counsellor)) == [ours]
    assert list(SharedSituation.objects.for_user(world.counsellor_other_org)) == [theirs]
    client = client_for(world.counsellor)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    answer = client.post(
        reverse("partners:situation_outcome", args=[theirs.pk]),
        {"kind": OutcomeKind.EMPLOYMENT, "dated_on": TODAY.isoformat(), "uuid": str(uuid.uuid4())},
    )
    assert answer.status_code == 404 and not OutcomeFeedback.objects.exists()
    listing = client.get(reverse("partners:situation_list")).content.decode()
    assert "Inès" in listing and "Sami" not in listing
    with pytest.raises(ValidationError):
        record_outcome(actor=world.counsellor, situation=theirs, kind=OutcomeKind.EMPLOYMENT, dated_on=TODAY)


def test_the_partner_counsellor_records_an_outcome_audited_and_read_logged(world):
    situation = make_situation(world)
    client = client_for(world.counsellor)
    assert client.get(situation.get_absolute_url()).status_code == 200
    assert PersonReadLog.objects.filter(person=situation.person, user=world.counsellor).count() == 1
    key = str(uuid.uuid4())
    data = {"kind": OutcomeKind.TRAINING, "dated_on": TODAY.isoformat(), "note": "CAP logistique", "uuid": key}
    response = client.post(reverse("partners:situation_outcome", args=[situation.pk]), data)
    assert response.status_code == 302
    client.post(reverse("partners:situation_outcome", args=[situation.pk]), data)  # a double tap
    outcome = OutcomeFeedback.objects.get()
    assert (outcome.side, outcome.kind, outcome.dated_on, outcome.recorded_by) == (
        FeedbackSide.PARTNER,
        OutcomeKind.TRAINING,
        TODAY,
        world.counsellor,
    )
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(OutcomeFeedback), object_id=str(outcome.pk)
    ).exists()
    # The agency's team sees it on the situation page.
    page = client_for(world.mediator).get(situation.get_absolute_url()).content.decode()
    assert "Entrée en formation" in page and "Retour : Partenaire" in page


def test_outcome_input_errors_are_shown_in_french(world):
    situation = make_situation(world)
    client = client_for(world.counsellor)
    response = client.post(
        reverse("partners:situation_outcome", args=[situation.pk]),
        {"kind": "n'importe", "dated_on": (TODAY + timedelta(days=3)).isoformat(), "uuid": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    form = response.context["outcome_form"]
    assert "kind" in form.errors
    response = client.post(
        reverse("partners:situation_outcome", args=[situation.pk]),
        {"kind": OutcomeKind.EMPLOYMENT, "dated_on": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert response.context["outcome_form"].errors["dated_on"] == ["La date ne peut pas être dans le futur."]
    assert not OutcomeFeedback.objects.exists()


def test_a_meeting_records_attendees_decisions_and_who_does_what(world):
    situation = make_situation(world)
    client = client_for(world.counsellor)
    data = {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "attendees": "Julie Roche, Yacine Bouzid",
        "decisions": "Information collective",
        "step_1_action": "Inscrire à l'information collective",
        "step_1_responsible": "Julie Roche",
        "step_1_due_on": (TODAY + timedelta(days=7)).isoformat(),
        "step_2_action": "Rappeler la famille",
    }
    response = client.post(reverse("partners:situation_meeting", args=[situation.pk]), data)
    assert response.status_code == 200 and not CoordinationMeeting.objects.exists()
    assert response.context["form"].errors["step_2_responsible"] == ["Indiquez qui s'en charge."]
    data["step_2_responsible"] = "Yacine Bouzid"
    assert client.post(reverse("partners:situation_meeting", args=[situation.pk]), data).status_code == 302
    meeting = CoordinationMeeting.objects.get()
    assert [(s.action, s.responsible) for s in meeting.next_steps.order_by("id")] == [
        ("Inscrire à l'information collective", "Julie Roche"),
        ("Rappeler la famille", "Yacine Bouzid"),
    ]


def test_retention_erases_the_free_texts_of_situations(world, settings):
    person = make_person(world, last_contact_on=TODAY - timedelta(days=900))
    make_consent(world, person, given_on=TODAY - timedelta(days=900))
    situation = make_situation(world, person)
    record_meeting(
        actor=world.mediator,
        situation=situation,
        date=TODAY,
        attendees="Julie Roche et la mère de Inès",
        decisions="Secret",
        next_steps=[("Appeler la mère de Inès", "Julie Roche", None)],
    )
    record_outcome(actor=world.mediator, situation=situation, kind=OutcomeKind.EMPLOYMENT, dated_on=TODAY, note="x")
    # Move every trace far back, as if nothing happened for years.
    old = TODAY - timedelta(days=900)
    SharedSituation.objects.update(opened_on=old)
    CoordinationMeeting.objects.update(date=old)
    OutcomeFeedback.objects.update(dated_on=old)
    apply_retention(today=TODAY, days=365)
    meeting = CoordinationMeeting.objects.get()
    assert (meeting.attendees, meeting.decisions) == ("", "")
    assert NextStep.objects.get().action == "" and OutcomeFeedback.objects.get().note == ""
    assert OutcomeFeedback.objects.get().kind == OutcomeKind.EMPLOYMENT  # the count stays
    for entry in AuditEntry.objects.filter(content_type__model__in=["coordinationmeeting", "nextstep"]):
        assert "Inès" not in str(entry.after) and "Secret" not in str(entry.after)


def test_a_recent_outcome_keeps_the_person_from_retention(world):
    person = make_person(world, last_contact_on=TODAY - timedelta(days=900))
    make_consent(world, person, given_on=TODAY - timedelta(days=900))
    situation = make_situation(world, person)
    record_outcome(actor=world.counsellor, situation=situation, kind=OutcomeKind.ONGOING, dated_on=TODAY)
    SharedSituation.objects.update(opened_on=TODAY - timedelta(days=900))
    assert apply_retention(today=TODAY, days=365).person_ids == []


@pytest.mark.parametrize("rows", [1, 5])
def test_situation_list_queries_do_not_grow(world, django_assert_num_queries, rows):
    for i in range(rows):
        make_situation(world, alias=f"Jeune {i}")
    client = client_for(world.counsellor)
    client.get(reverse("partners:situation_list"))
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:situation_list"))
    assert len(response.context["page"]) == rows
