"""The partnership part of the demo: a renewed convention, referrals in every status, consents in every state."""

import io

from django.core.management import call_command
from django.utils import timezone

from demo import activity
from partners.models import Consent, Convention, InformationShare, Referral, ReferralStatus


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
