"""The daily team report ("compte rendu"): what one team recorded on one day, by activity and by mediator.

Reads only; the view renders what `daily_report` returns. The figures are summed in SQL, one query per grouping.
"""

from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mediation.models import ActivityFamily, Intervention, InterventionSource, Team

TOTAL_KEYS = ("lines", "acts", "women", "men", "unknown")
AUTHOR_FIELDS = ("author_id", "author__first_name", "author__last_name", "author__username")


def sums(**extra) -> dict:
    """Aggregates of a set of lines: lines, acts and beneficiaries (women, men, unknown)."""
    return {
        "lines": Count("id"),
        "acts": Coalesce(Sum("count"), 0),
        "women": Coalesce(Sum("women"), 0),
        "men": Coalesce(Sum("men"), 0),
        "unknown": Coalesce(Sum("unknown"), 0),
        **extra,
    }


def person_name(row: dict) -> str:
    """The author of a grouped row ("Amina Benali"), their username without a name."""
    full = f"{row['author__first_name']} {row['author__last_name']}".strip()
    return full or row["author__username"] or _("Sans auteur")


def by_activity(lines: QuerySet) -> list[dict]:
    """One row per activity type, in the order of the families (DOMAIN §3, as on the entry page)."""
    rows = list(
        lines.values("activity_type_id", "activity_type__label", "activity_type__family", "activity_type__order")
        .annotate(**sums())
        .order_by("activity_type__order", "activity_type__label")
    )
    families = list(ActivityFamily.values)
    rows.sort(
        key=lambda row: (
            families.index(row["activity_type__family"]) if row["activity_type__family"] in families else len(families)
        )
    )
    return rows


def by_mediator(lines: QuerySet) -> list[dict]:
    """Per author: their totals, their tallies summed by activity, and their other entries one by one."""
    totals = list(lines.values(*AUTHOR_FIELDS).annotate(**sums()).order_by("author__last_name", "author__first_name"))
    tallies = list(
        lines.filter(source=InterventionSource.TALLY)
        .values("author_id", "activity_type__label", "activity_type__order")
        .annotate(**sums())
        .order_by("activity_type__order", "activity_type__label")
    )
    entries = list(
        lines.exclude(source=InterventionSource.TALLY)
        .select_related("activity_type", "site", "territory")
        .order_by("created_at", "id")
    )
    return [
        {
            "name": person_name(row),
            "totals": row,
            "tallies": [t for t in tallies if t["author_id"] == row["author_id"]],
            "entries": [e for e in entries if e.author_id == row["author_id"]],
        }
        for row in totals
    ]


def daily_report(team: Team, day: date) -> dict:
    """`by_activity`, `mediators` and the day's `totals` for one team."""
    lines = Intervention.objects.filter(team=team, date=day).order_by()
    activities = by_activity(lines)
    return {
        "by_activity": activities,
        "mediators": by_mediator(lines),
        "totals": {key: sum(row[key] for row in activities) for key in TOTAL_KEYS},
    }
