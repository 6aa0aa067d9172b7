"""Referrals: one intervention line each, names kept as they were, workflow, overdue first, counsellor access."""

import html
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from mediation.models import Intervention, InterventionSource, ReferralMode
from partners.models import Consent, InformationShare, Referral, ReferralDirection, ReferralStatus
from partners.services import update_referral_status
from tests.clock import TODAY, frozen
from tests.partners.factories import make_consent, make_person, make_referral, make_share

pytestmark = frozen()


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_referral_records_exactly_one_intervention_line(world):
    referral = make_referral(world, mode=ReferralMode.TELEPHONE)
    line = Intervention.objects.get()
    assert referral.intervention == line
    assert line.activity_type.code == "referral"
    assert (line.mode, line.count, line.men, line.women, line.unknown) == ("telephone", 1, 1, 0, 0)
    assert line.source == InterventionSource.REFERRAL
    assert line.partner_name == "Mission Locale de Lyon"
    assert line.person == referral.person and line.team == world.team_a


def test_the_same_submission_twice_records_one_referral_and_one_line(world):
    person = make_person(world)
    make_consent(world, person)
    submission = uuid.uuid4()
    first = make_referral(world, person=person, uuid=submission)
    second = make_referral(world, person=person, uuid=submission)
    assert first == second
    assert Referral.objects.count() == 1 and Intervention.objects.count() == 1
    assert InformationShare.objects.count() == 1


def test_double_submit_of_the_form_records_once(world):
    person = make_person(world)
    make_consent(world, person)
    client = client_for(world.mediator)
    data = {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "mode": "telephone",
        "organisation": world.organisation.pk,
        "territory": world.territory_a.pk,
        "person": person.pk,
        "reason": "recherche d'emploi",
    }
    first = client.post(reverse("partners:referral_create"), data)
    second = client.post(reverse("partners:referral_create"), data)
    assert first.status_code == second.status_code == 302
    assert Referral.objects.count() == 1 and Intervention.objects.count() == 1


def test_partner_and_counsellor_names_are_kept_as_they_were(world):
    referral = make_referral(world)
    world.organisation.name = "Mission Locale de la Métropole"
    world.organisation.save()
    contact = referral.counsellor
    contact.name = "Julie Roche-Martin"
    contact.save()
    referral.refresh_from_db()
    assert referral.partner_name == "Mission Locale de Lyon"
    assert referral.counsellor_name == "Julie Roche"
    assert referral.intervention.partner_name == "Mission Locale de Lyon"


def test_workflow_sender_marks_done_partner_confirms(world):
    referral = make_referral(world)
    update_referral_status(actor=world.mediator, referral=referral, status=ReferralStatus.DONE)
    with pytest.raises(Exception, match="pas possible"):
        update_referral_status(actor=world.mediator, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE)
    with pytest.raises(Exception, match="Choisissez le motif du refus"):
        update_referral_status(actor=world.counsellor, referral=referral, status=ReferralStatus.NOT_FOLLOWED)
    update_referral_status(
        actor=world.counsellor, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE, reason="Inscrit en atelier"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_IN_CHARGE and referral.status_changed_by == world.counsellor
    with pytest.raises(Exception, match="pas possible"):
        update_referral_status(actor=world.mediator, referral=referral, status=ReferralStatus.ABANDONED, reason="x")


def test_overdue_follow_ups_come_first_and_are_flagged(world):
    on_time = make_referral(world, mode=ReferralMode.SIMPLE, follow_up_on=TODAY + timedelta(days=5))
    overdue = make_referral(
        world, mode=ReferralMode.SIMPLE, date=TODAY - timedelta(days=20), follow_up_on=TODAY - timedelta(days=3)
    )
    closed = make_referral(
        world, mode=ReferralMode.SIMPLE, date=TODAY - timedelta(days=30), follow_up_on=TODAY - timedelta(days=10)
    )
    update_referral_status(actor=world.mediator, referral=closed, status=ReferralStatus.ABANDONED, reason="Parti")
    response = client_for(world.mediator).get(reverse("partners:referral_list") + "?statut=toutes")
    rows = list(response.context["page"])
    assert rows[0] == overdue and rows.index(on_time) < rows.index(closed)
    assert response.context["overdue_count"] == 1
    assert "1 suivi en retard" in text(response)


def test_a_manager_sees_their_teams_referrals_only(world):
    mine = make_referral(world, mode=ReferralMode.SIMPLE)
    other = make_referral(
        world, mode=ReferralMode.SIMPLE, actor=world.mediator_other_team, territory=world.territory_b
    )
    listed = list(client_for(world.manager).get(reverse("partners:referral_list")).context["page"])
    assert mine in listed and other not in listed


# --- Counsellor access ------------------------------------------------------------------------------------


def test_a_counsellor_of_organisation_a_gets_404_on_everything_of_organisation_b(world):
    person = make_person(world)
    make_consent(world, person, organisation=world.other_organisation)
    referral_b = make_referral(world, person=person, organisation=world.other_organisation)
    share_b = make_share(world, person, organisation=world.other_organisation, purpose="referral")
    client = client_for(world.counsellor)
    assert client.get(reverse("partners:referral_detail", args=[referral_b.pk])).status_code == 404
    assert client.post(reverse("partners:referral_status", args=[referral_b.pk]), {}).status_code == 404
    assert client.get(reverse("partners:share_detail", args=[share_b.pk])).status_code == 404
    home = client.get(reverse("partners:counsellor_home"))
    assert referral_b not in home.context["received"] and share_b not in home.context["shares"]
    # … and what belongs to the agency only is forbidden.
    for name in ("partners:referral_list", "partners:convention_list", "partners:organisation_list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("partners:person_sharing", args=[person.pk])).status_code == 403


def test_the_counsellor_confirms_taken_in_charge_from_the_inbox(world):
    referral = make_referral(world)
    client = client_for(world.counsellor)
    home = client.get(reverse("partners:counsellor_home"))
    assert referral in home.context["received"]
    assert "Yanis" in text(home)
    refused = client.post(reverse("partners:referral_status", args=[referral.pk]), {"status": "not_followed"})
    assert refused.status_code == 400 and "Choisissez le motif du refus dans la liste" in text(refused)
    response = client.post(
        reverse("partners:referral_status", args=[referral.pk]),
        {"status": "taken_in_charge", "reason": "Premier rendez-vous tenu"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_IN_CHARGE


def test_the_counsellor_no_longer_sees_the_person_once_consent_is_withdrawn(world):
    from partners.services import withdraw_consent

    referral = make_referral(world)
    withdraw_consent(actor=world.mediator, consent=Consent.objects.get())
    page = text(client_for(world.counsellor).get(referral.get_absolute_url()))
    assert "Yanis" not in page and "consentement a été retiré" in page


def test_a_counsellor_refers_a_young_person_to_the_mediators(world):
    client = client_for(world.counsellor)
    data = {
        "uuid": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "mode": "telephone",
        "territory": world.territory_a.pk,
        "alias": "Inès",
        "birth_year": 2006,
        "gender": "F",
        "reason": "Conflit de voisinage, souhaite être accompagnée",
    }
    refused = client.post(reverse("partners:counsellor_referral_create"), data)
    assert "confirmez que le jeune est d'accord" in text(refused)
    assert not Referral.objects.exists()
    response = client.post(reverse("partners:counsellor_referral_create"), {**data, "person_agreed": "on"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.direction == ReferralDirection.TO_AGENCY and referral.team == world.team_a
    assert referral.person.alias == "Inès" and referral.intervention is None
    # The mediators see it and confirm it; the counsellor sees the outcome.
    assert referral in client_for(world.mediator).get(reverse("partners:referral_list")).context["page"]
    update_referral_status(actor=world.mediator, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE)
    assert client_for(world.mediator_other_team).get(referral.get_absolute_url()).status_code == 404
