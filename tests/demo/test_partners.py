"""The partnership part of the demo: a renewed convention, referrals in every status, consents in every state."""

import io
import uuid

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo import activity
from partners.models import (
    Consent,
    Convention,
    FeedbackSide,
    InformationShare,
    OutcomeKind,
    PartnerOrganisation,
    PartnershipType,
    Referral,
    ReferralStatus,
    SharedSituation,
)


def test_demo_partnership_data(db, monkeypatch):
    # The partnership data does not depend on the length of the activity: the last weeks only, as in test_load_demo.
    monkeypatch.setattr(activity, "PERIOD_DAYS", 21)
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    convention = Convention.objects.get(organisation__name="Mission Locale de Lyon")
    schedule = convention.schedule(today)
    assert schedule.status == "renewed" and schedule.renewals == 1
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert Referral.objects.overdue_on(today).exists()
    states = {c.state_on(today) for c in Consent.objects.all()}
    assert {"valid", "expired", "withdrawn"} <= states
    assert set(InformationShare.objects.values_list("legal_basis", flat=True)) == {
        "consent",
        "casf_l121_6_2",
        "casf_l226_2_2",
    }


def test_with_the_demo_the_mission_locale_counsellor_records_an_outcome(db, monkeypatch):
    """Issue 15, "Done when": conseiller.ml opens a shared situation of the demo and feeds an outcome back; the
    ADSEA's situation stays out of her sight; the city is no longer labelled by hand."""
    monkeypatch.setattr(activity, "PERIOD_DAYS", 21)
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    julie = User.objects.get(username="conseiller.ml")
    client = Client()
    client.force_login(julie)
    listing = client.get(reverse("partners:situation_list")).content.decode()
    assert "Youssef" in listing and "Bilal" in listing and "Anaïs" not in listing
    situation = SharedSituation.objects.get(person__alias="Youssef")
    assert "Inscrire Youssef" in client.get(situation.get_absolute_url()).content.decode()
    response = client.post(
        reverse("partners:situation_outcome", args=[situation.pk]),
        {"kind": OutcomeKind.TRAINING, "dated_on": today.isoformat(), "uuid": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert situation.outcomes.filter(side=FeedbackSide.PARTNER, kind=OutcomeKind.TRAINING).exists()
    anais = SharedSituation.objects.get(person__alias="Anaïs")
    assert client.get(anais.get_absolute_url()).status_code == 404
    city = PartnerOrganisation.objects.get(name="Ville de Lyon")
    assert city.partnership_on(today).type == PartnershipType.INFORMAL and not city.partnership_type_override
    assert PartnerOrganisation.objects.get(name="Mission Locale de Lyon").partnership_on(today).label == "Conventionné"
