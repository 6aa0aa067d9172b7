"""Issue #10, item 7: every read of a person's data by someone outside the owning team, or by a partner, is logged.

Each page showing a person's data calls `mediation.services.note_person_read`, which asks the one rule
(`mediation.perms.must_log_person_read`). Opening it as a director, a counsellor or an administrator writes one row
for the person; the owning team's mediator and manager read freely.
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from altm.audit import log_change
from altm.models import AuditAction
from mediation.models import ConflictCase, FollowUp, Intervention, Person, PersonReadLog
from partners.models import Consent, ConsentWithdrawal, InformationShare, Referral
from partners.services import withdraw_consent
from tests.clock import frozen
from tests.mediation.factories import RecordedInterventionFactory
from tests.partners.factories import make_consent, make_person, make_referral, make_share

pytestmark = frozen()
ALIAS = "Zébulonne"


@dataclass
class Data:
    person: Person
    consent: Consent
    withdrawal: ConsentWithdrawal
    referral: Referral
    share: InformationShare
    line: Intervention


@pytest.fixture
def data(world) -> Data:
    person = make_person(world, alias=ALIAS)
    log_change(actor=world.mediator, instance=person, action=AuditAction.CREATE)
    consent = make_consent(world, person, note="Accord au local")
    referral = make_referral(world, person=person)
    share = make_share(world, person)
    withdrawn = make_consent(world, person, organisation=world.other_organisation)
    withdrawal = withdraw_consent(actor=world.mediator, consent=withdrawn, note="Ne veut plus")
    line = RecordedInterventionFactory(
        author=world.mediator,
        territory=world.territory_a,
        activity_type=world.activity("administrative_help"),
        person=person,
        men=1,
    )
    return Data(person, consent, withdrawal, referral, share, line)


def audit_url(obj) -> str:
    return reverse("altm:audit_object", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def admin_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# page -> (its address, who is logged opening it, who of the owning team opens it without a log row)
PAGES = {
    "sharing page": (lambda d: reverse("partners:person_sharing", args=[d.person.pk]), ["director"], ["mediator"]),
    "right of access": (lambda d: reverse("partners:person_access", args=[d.person.pk]), ["director"], []),
    "right of access PDF": (lambda d: reverse("partners:person_access_pdf", args=[d.person.pk]), ["director"], []),
    "mandate": (
        lambda d: reverse("partners:consent_mandate", args=[d.consent.pk]),
        ["director"],
        ["mediator", "manager"],
    ),
    "mandate PDF": (lambda d: reverse("partners:consent_mandate_pdf", args=[d.consent.pk]), ["director"], ["manager"]),
    "referral detail": (
        lambda d: reverse("partners:referral_detail", args=[d.referral.pk]),
        ["director", "counsellor"],
        ["mediator", "manager"],
    ),
    "referral list": (lambda d: reverse("partners:referral_list"), ["director"], ["mediator", "manager"]),
    "share detail": (
        lambda d: reverse("partners:share_detail", args=[d.share.pk]),
        ["director", "counsellor"],
        ["mediator", "manager"],
    ),
    "counsellor home": (lambda d: reverse("partners:counsellor_home"), ["counsellor"], []),
    "audit of the person": (lambda d: audit_url(d.person), ["director"], []),
    "audit of a consent": (lambda d: audit_url(d.consent), ["director"], []),
    "audit of a withdrawal": (lambda d: audit_url(d.withdrawal), ["director"], []),
    "audit of a line": (lambda d: audit_url(d.line), ["director"], []),
    "audit journal": (lambda d: reverse("altm:audit_list"), ["director"], []),
    "admin consent": (lambda d: admin_url(d.consent), ["admin"], []),
    "admin withdrawal": (lambda d: admin_url(d.withdrawal), ["admin"], []),
    "admin share": (lambda d: admin_url(d.share), ["admin"], []),
    "admin referral": (lambda d: admin_url(d.referral), ["admin"], []),
    "admin line": (lambda d: admin_url(d.line), ["admin"], []),
}


def open_page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("where", PAGES)
def test_a_reader_outside_the_team_is_logged_once(world, data, where):
    address, logged, _ = PAGES[where]
    url = address(data)
    for role in logged:
        user = world.user(role)
        response = open_page(user, url)
        assert response.status_code == 200, role
        assert PersonReadLog.objects.filter(person=data.person, user=user).count() == 1, role
        assert PersonReadLog.objects.filter(user=user).exclude(person=data.person).count() == 0


@pytest.mark.parametrize("where", [where for where, (_, _, owners) in PAGES.items() if owners])
def test_the_owning_team_reads_without_a_log_row(world, data, where):
    address, _, owners = PAGES[where]
    for role in owners:
        response = open_page(world.user(role), address(data))
        assert response.status_code == 200, role
    assert PersonReadLog.objects.count() == 0


def test_each_opening_is_one_row_with_where_it_was_read(world, data):
    url = reverse("partners:consent_mandate", args=[data.consent.pk])
    open_page(world.director, url)
    open_page(world.director, url)
    reasons = list(PersonReadLog.objects.filter(person=data.person).values_list("reason", flat=True))
    assert reasons == ["Mandat de consentement", "Mandat de consentement"]


def test_a_refused_status_change_shows_the_referral_again_and_is_a_read(world, data):
    client = Client()
    client.force_login(world.counsellor)
    response = client.post(reverse("partners:referral_status", args=[data.referral.pk]), {"status": "inconnu"})
    assert response.status_code == 400 and ALIAS in response.content.decode()
    assert PersonReadLog.objects.filter(person=data.person, user=world.counsellor).count() == 1


def test_a_counsellor_is_not_logged_for_a_person_the_page_hides(world, data):
    """After a withdrawal the counsellor's pages mask the person: nothing of theirs was read, nothing is logged."""
    withdraw_consent(actor=world.mediator, consent=data.consent)
    for url in (
        reverse("partners:referral_detail", args=[data.referral.pk]),
        reverse("partners:share_detail", args=[data.share.pk]),
        reverse("partners:counsellor_home"),
    ):
        response = open_page(world.counsellor, url)
        assert response.status_code == 200 and ALIAS not in response.content.decode()
    assert PersonReadLog.objects.count() == 0


def test_audit_entries_about_no_person_are_not_reads_of_a_person(world, data):
    conflict = ConflictCase.objects.create(
        title="Bruit", territory=world.territory_a, team=world.team_a, parties="residents", opened_on=data.line.date
    )
    log_change(actor=world.mediator, instance=conflict, action=AuditAction.CREATE)
    assert open_page(world.director, audit_url(conflict)).status_code == 200
    assert PersonReadLog.objects.count() == 0


# --- The admin shows no social data by default (DOMAIN §2) -----------------------------------------------------


@pytest.mark.parametrize("model", [Consent, ConsentWithdrawal, InformationShare, Referral, Intervention])
def test_admin_lists_show_no_name_and_no_free_text(world, data, model):
    response = open_page(world.admin, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    for text in (ALIAS, "Accord au local", "Ne veut plus", "recherche de formation"):
        assert text not in content
    assert PersonReadLog.objects.count() == 0


def test_person_records_and_their_notes_have_no_admin_page():
    for model in (Person, FollowUp, PersonReadLog, ConflictCase):
        assert not admin.site.is_registered(model)
