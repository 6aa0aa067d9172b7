"""Conventions on the page: computed dates, commitments realised vs planned, alerts, amendments, constant queries."""

import html
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from partners.alerts import convention_alerts
from partners.commitments import progress_by_convention
from partners.dates import add_months
from partners.models import (
    CommitmentKind,
    Convention,
    EventKind,
    ImmersionDirection,
    PartnerEvent,
)
from tests.clock import TODAY, frozen
from tests.partners.factories import AmendmentFactory, CommitmentFactory, PartnerEventFactory, make_convention

pytestmark = frozen()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_commitments_realised_vs_planned_count_events_of_the_year(world):
    convention = make_convention(world)
    CommitmentFactory(convention=convention, kind=CommitmentKind.IMMERSION_AT_PARTNER, planned_per_year=2)
    CommitmentFactory(convention=convention, kind=CommitmentKind.IMMERSION_AT_AGENCY, planned_per_year=2)
    PartnerEventFactory(
        convention=convention, kind=EventKind.MEETING, date=date(2026, 2, 10), site=world.site_a, situations_reviewed=4
    )
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(2026, 6, 10), site=world.site_a)
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(2026, 6, 12), site=world.site_b)
    # Last year: not counted.
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(2025, 12, 31), site=world.site_b)
    PartnerEventFactory(
        convention=convention,
        kind=EventKind.IMMERSION,
        date=date(2026, 3, 3),
        immersion_direction=ImmersionDirection.AT_PARTNER,
        days=2,
    )
    PartnerEventFactory(
        convention=convention,
        kind=EventKind.IMMERSION,
        date=date(2026, 4, 3),
        immersion_direction=ImmersionDirection.AT_AGENCY,
        days=1,
    )
    progress = {p.commitment.kind: p for p in progress_by_convention([convention], 2026)[convention.pk]}
    meeting = progress[CommitmentKind.MEETING]
    assert (meeting.realised, meeting.planned) == (3, 6)  # 3 a year on each of the 2 common sites
    assert meeting.by_site == {"Santy": 2, "La Duchère": 1}
    assert (progress[CommitmentKind.PRESENTATION].realised, progress[CommitmentKind.PRESENTATION].planned) == (0, 1)
    at_partner = progress[CommitmentKind.IMMERSION_AT_PARTNER]
    assert (at_partner.realised, at_partner.days) == (1, 2)
    assert progress[CommitmentKind.IMMERSION_AT_AGENCY].realised == 1
    last_year = {p.commitment.kind: p for p in progress_by_convention([convention], 2025)[convention.pk]}
    assert not meeting.is_met and last_year[CommitmentKind.MEETING].realised == 1


def test_commitment_progress_takes_a_constant_number_of_queries(world, django_assert_num_queries):
    conventions = [make_convention(world, title=f"Convention {i}") for i in range(4)]
    for convention in conventions:
        for month in range(1, 6):
            PartnerEventFactory(
                convention=convention, kind=EventKind.MEETING, date=date(2026, month, 1), site=world.site_a
            )
    with django_assert_num_queries(3):
        progress_by_convention(conventions[:1], 2026)
    with django_assert_num_queries(3):
        result = progress_by_convention(conventions, 2026)
    meetings = [p for progress in result.values() for p in progress if p.commitment.kind == CommitmentKind.MEETING]
    assert [p.realised for p in meetings] == [5, 5, 5, 5]
    # Commitments come in the convention's order, not alphabetically.
    assert [p.commitment.kind for p in result[conventions[0].pk]] == ["presentation", "meeting"]


def test_the_convention_page_shows_term_notice_deadline_and_commitments(world):
    signed = add_months(TODAY, -18)
    convention = make_convention(world, signed_on=signed, title="Convention Mission Locale")
    AmendmentFactory(convention=convention, number=1, signed_on=TODAY, subject="Ajout du site Santy")
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=TODAY, site=world.site_a)
    response = client_for(world.director).get(convention.get_absolute_url())
    page = html.unescape(response.content.decode())
    term = add_months(signed, 24)
    assert "Reconduite" in page
    assert f"{term:%d/%m/%Y}" in page
    assert f"{add_months(term, -2):%d/%m/%Y}" in page
    assert "1 / 6" in page and "0 / 1" in page
    assert "Avenant n°1" in page and "Ajout du site Santy" in page


def test_alerts_from_sixty_days_before_the_notice_deadline(world, django_assert_num_queries):
    # Signed so that the notice deadline is 30 days away: inside the window.
    deadline = TODAY + timedelta(days=30)
    soon = make_convention(world, signed_on=add_months(add_months(deadline, 2), -12), title="Échéance proche")
    make_convention(world, signed_on=TODAY - timedelta(days=10), title="Toute neuve")
    with django_assert_num_queries(1):
        alerts = convention_alerts(world.director, TODAY)
    assert [(a.convention, a.kind) for a in alerts] == [(soon, "notice_deadline")]
    assert f"décider avant le {deadline:%d/%m/%Y}" in alerts[0].message
    assert convention_alerts(world.manager, TODAY)
    for role in ("mediator", "counsellor", "admin"):
        assert convention_alerts(getattr(world, role), TODAY) == []
    page = html.unescape(client_for(world.manager).get(reverse("partners:convention_list")).content.decode())
    assert "Échéances des conventions" in page and "décider avant le" in page


def test_a_formal_notice_raises_a_termination_alert_until_it_takes_effect(world):
    convention = make_convention(world, signed_on=TODAY - timedelta(days=100))
    convention.formal_notice_on = TODAY - timedelta(days=5)
    convention.save()
    kinds = [a.kind for a in convention_alerts(world.director, TODAY)]
    assert "termination" in kinds
    assert convention.schedule(TODAY + timedelta(days=25)).status == "terminated"


@pytest.mark.parametrize("conventions", [1, 5])
def test_convention_list_queries_do_not_grow(world, django_assert_num_queries, conventions):
    for i in range(conventions):
        convention = make_convention(world, title=f"C{i}")
        PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=TODAY, site=world.site_a)
        AmendmentFactory(convention=convention, number=1, signed_on=TODAY, subject="x")
    client = client_for(world.director)
    client.get(reverse("partners:convention_list"))  # warm the session
    with django_assert_num_queries(6) as captured:
        response = client.get(reverse("partners:convention_list"))
    assert len(response.context["rows"]) == conventions, [q["sql"][:90] for q in captured.captured_queries]


def test_director_creates_a_convention_and_records_an_amendment(world):
    client = client_for(world.director)
    response = client.post(
        reverse("partners:convention_create"),
        {
            "organisation": world.organisation.pk,
            "title": "Convention 2026",
            "signed_on": "2026-01-10",
            "duration_months": 12,
            "tacit_renewal": "on",
            "notice_months": 2,
            "termination_days": 30,
            "formal_notice_on": "2025-12-01",
            "sites": [world.site_a.pk],
        },
    )
    assert response.status_code == 200
    assert "ne peut pas précéder la signature" in html.unescape(response.content.decode())
    assert not Convention.objects.exists()
    data = {
        "organisation": world.organisation.pk,
        "title": "Convention 2026",
        "signed_on": "2026-01-10",
        "duration_months": 12,
        "tacit_renewal": "on",
        "notice_months": 2,
        "termination_days": 30,
        "sites": [world.site_a.pk],
    }
    response = client.post(reverse("partners:convention_create"), data)
    convention = Convention.objects.get()
    assert response.status_code == 302 and list(convention.sites.all()) == [world.site_a]
    url = reverse("partners:amendment_create", args=[convention.pk])
    assert client.get(url).context["form"].initial["number"] == 1
    assert client.post(url, {"number": 1, "signed_on": "2026-03-01", "subject": "Nouveau site"}).status_code == 302
    again = client.post(url, {"number": 1, "signed_on": "2026-04-01", "subject": "Doublon"})
    assert "déjà ce numéro" in html.unescape(again.content.decode())


def test_a_manager_records_a_meeting_on_a_common_site(world):
    convention = make_convention(world)
    url = reverse("partners:event_create", args=[convention.pk])
    client = client_for(world.manager)
    missing_site = client.post(
        url, {"kind": "meeting", "date": TODAY.isoformat(), "days": 0, "situations_reviewed": 0}
    )
    assert "site commun" in html.unescape(missing_site.content.decode())
    response = client.post(
        url,
        {
            "kind": "meeting",
            "date": TODAY.isoformat(),
            "site": world.site_a.pk,
            "agency_attendees": "Sophie Lambert, Amina Benali",
            "partner_attendees": "Julie Roche",
            "situations_reviewed": 5,
            "climate_diagnosis": "Calme, tensions en soirée près du city-stade",
            "days": 0,
        },
    )
    assert response.status_code == 302
    event = PartnerEvent.objects.get()
    assert event.situations_reviewed == 5 and event.created_by == world.manager


def test_a_mediator_finds_the_partner_contact_details_for_a_simple_referral(world):
    from partners.models import PartnerContact

    PartnerContact.objects.filter(organisation=world.organisation).update(
        position="Conseillère en insertion", phone="04 72 00 00 00"
    )
    make_convention(world, signed_on=TODAY - timedelta(days=30))
    page = html.unescape(client_for(world.mediator).get(world.organisation.get_absolute_url()).content.decode())
    assert "Julie Roche" in page and "04 72 00 00 00" in page
    assert "Conventions" not in page  # conventions are for managers and the direction
    page = html.unescape(client_for(world.manager).get(world.organisation.get_absolute_url()).content.decode())
    assert "Convention de partenariat" in page and "En vigueur" in page
