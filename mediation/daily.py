"""The daily team report ("compte rendu"): what one team recorded on one day, by activity, by mediator and by
place, with the last lines of the day.

Reads only; the view renders what `daily_report` returns. The figures are summed in SQL, one query per grouping,
so the page costs the same with 5 or 500 lines in the day; the whole day is the filtered list, one link away.
"""

from datetime import date

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mediation.models import ActivityFamily, Intervention, Team

TOTAL_KEYS = ("lines", "acts", "women", "men", "unknown")
LAST_LINES = 20  # lines shown one by one at the foot of the report
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
    """Per author: their totals and their acts summed by activity (tallies and entries alike); one row per
    author and per author × activity, however many lines the day holds."""
    totals = list(lines.values(*AUTHOR_FIELDS).annotate(**sums()).order_by("author__last_name", "author__first_name"))
    activities = list(
        lines.values("author_id", "activity_type__label", "activity_type__order")
        .annotate(**sums())
        .order_by("activity_type__order", "activity_type__label")
    )
    return [
        {
            "name": person_name(row),
            "totals": row,
            "activities": [a for a in activities if a["author_id"] == row["author_id"]],
        }
        for row in totals
    ]


def by_site(lines: QuerySet) -> list[dict]:
    """One row per territory and site (lines without a site count under their territory), by name."""
    return list(
        lines.values("territory_id", "territory__name", "site_id", "site__name")
        .annotate(**sums())
        .order_by("territory__name", F("site__name").asc(nulls_first=True))
    )


def last_lines(lines: QuerySet, count: int = LAST_LINES) -> list[Intervention]:
    """The day's `count` most recent lines, newest first (the whole day is one link away, in the list)."""
    return list(
        lines.select_related("activity_type", "site", "territory", "author").order_by("-created_at", "-id")[:count]
    )


def daily_report(team: Team, day: date) -> dict:
    """`by_activity`, `mediators`, `by_site`, the `last_lines` and the day's `totals` for one team.

    Every part is an aggregate or a bounded slice: the cost does not grow with the number of lines of the day.
    """
    lines = Intervention.objects.filter(team=team, date=day).order_by()
    activities = by_activity(lines)
    return {
        "by_activity": activities,
        "mediators": by_mediator(lines),
        "by_site": by_site(lines),
        "last_lines": last_lines(lines),
        "totals": {key: sum(row[key] for row in activities) for key in TOTAL_KEYS},
    }
