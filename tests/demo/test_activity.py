"""Demo activity lines: plausible, spread over teams and working days, deterministic and idempotent."""

from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from demo import activity, organisation
from mediation.models import Intervention, InterventionSource, Team
from tests.clock import frozen

pytestmark = frozen()


def test_demo_activity_is_idempotent_and_deterministic(db, monkeypatch):
    organisation.load_organisation()
    monkeypatch.setattr(activity, "PERIOD_DAYS", 45)
    activity.load_activity()
    first = {
        line["external_id"]: line
        for line in Intervention.objects.values(
            "external_id", "uuid", "date", "author_id", "site_id", "activity_type_id", "count", "women", "men", "note"
        )
    }
    assert len(first) > 500

    activity.load_activity()
    assert Intervention.objects.count() == len(first)

    Intervention.objects.all().delete()
    activity.load_activity()
    again = {
        line["external_id"]: line
        for line in Intervention.objects.values(
            "external_id", "uuid", "date", "author_id", "site_id", "activity_type_id", "count", "women", "men", "note"
        )
    }
    assert again == first


def test_demo_activity_is_spread_over_teams_mediators_and_working_days(db, monkeypatch):
    organisation.load_organisation()
    monkeypatch.setattr(activity, "PERIOD_DAYS", 60)
    activity.load_activity()
    lines = Intervention.objects.all()
    today = timezone.localdate()
    assert lines.filter(date__gt=today).count() == 0
    assert lines.filter(date__lt=today - timedelta(days=60)).count() == 0
    assert {line.date.weekday() for line in lines.only("date")} <= {0, 1, 2, 3, 4}
    assert set(lines.values_list("source", flat=True)) == {InterventionSource.DEMO}
    assert lines.values("team").distinct().count() == Team.objects.count() == 3
    assert lines.values("author").distinct().count() == 12
    assert lines.exclude(site=None).exists() and lines.filter(site=None).exists()
    for line in lines.select_related("team", "territory").only("team", "territory")[:200]:
        assert line.territory in line.team.territories.all()
    acts = dict(lines.values_list("activity_type__code").annotate(acts=Sum("count")))
    # Active listening dominates, as in the seed (8,320 a year against 1,391 rule reminders).
    assert acts["active_listening"] > acts["rule_reminder"] > acts["referral"] > acts.get("round_table", 0)
    assert (
        lines.filter(activity_type__code="referral").exclude(mode="").count()
        == lines.filter(activity_type__code="referral").count()
    )
    assert lines.exclude(activity_type__uses_mode=True).exclude(mode="").count() == 0
    assert lines.aggregate(n=Count("id"))["n"] > 500
