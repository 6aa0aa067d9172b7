"""Team dashboard (manager) and agency overview (director): activity of a week or a month compared with the
previous one, by person (or team) and by activity family; a trend over the last periods; open items.

Query count is fixed: one aggregate for the two periods, one for the trend, one per open-item list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, Sum, Window
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import gettext_lazy as _

from mediation.models import (
    ActivityFamily,
    ConflictCase,
    FollowUp,
    Intervention,
    TechnicalReport,
    TechnicalReportStatus,
)
from partners.models import Referral
from reporting import charts
from reporting.formatting import fr_date

FAMILIES = [(value, label) for value, label in ActivityFamily.choices]
TREND_LENGTH = {"week": 12, "month": 12}


@dataclass(frozen=True)
class Span:
    start: date
    end: date
    label: str


def period_span(kind: str, anchor: date) -> tuple[Span, Span]:
    """The week (Monday–Sunday) or calendar month holding `anchor`, and the one before it."""
    if kind == "week":
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=6)
        previous = Span(start - timedelta(days=7), start - timedelta(days=1), "")
        week = start.isocalendar()[1]
        current = Span(
            start,
            end,
            str(_("semaine %(week)s (du %(start)s au %(end)s)"))
            % {"week": week, "start": fr_date(start), "end": fr_date(end)},
        )
        previous = Span(
            previous.start, previous.end, str(_("semaine %(week)s")) % {"week": previous.start.isocalendar()[1]}
        )
        return current, previous
    start = anchor.replace(day=1)
    previous_start = start - relativedelta(months=1)
    return (
        Span(start, start + relativedelta(day=31), month_label(start)),
        Span(previous_start, start - timedelta(days=1), month_label(previous_start)),
    )


def month_label(day: date) -> str:
    """ "novembre 2026", in the active language (Django's month names)."""
    return f"{MONTHS[day.month]} {day.year}"


@dataclass
class ActivityRow:
    key: object
    label: str
    current: dict[str, int] = field(default_factory=dict)
    previous: dict[str, int] = field(default_factory=dict)

    @property
    def current_total(self) -> int:
        return sum(self.current.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())

    @property
    def delta(self) -> int:
        return self.current_total - self.previous_total

    def cells(self) -> list[tuple[int, int]]:
        return [(self.current.get(code, 0), self.previous.get(code, 0)) for code, _label in FAMILIES]


@dataclass
class Dashboard:
    kind: str
    current: Span
    previous: Span
    rows: list[ActivityRow]
    totals: ActivityRow
    trend_chart: charts.Chart | None
    open_items: dict[str, dict]
    families: list[tuple[str, str]] = field(default_factory=lambda: FAMILIES)


def _person_label(row) -> str:
    if row["author_id"] is None:
        return str(_("Sans médiateur"))
    full = f"{row['author__first_name'] or ''} {row['author__last_name'] or ''}".strip()
    return full or row["author__username"]


def build_dashboard(*, user, kind: str, anchor: date, group: str, teams=None, today: date | None = None) -> Dashboard:
    """`group` is "mediator" (team dashboard) or "team" (agency overview); `teams` narrows to some teams."""
    today = today or date.today()
    current, previous = period_span(kind, anchor)
    interventions = Intervention.objects.for_user(user)
    if teams is not None:
        interventions = interventions.filter(team__in=teams)

    if group == "mediator":
        keys = ["author_id", "author__first_name", "author__last_name", "author__username"]
    else:
        keys = ["team_id", "team__name"]
    in_current = Q(date__gte=current.start, date__lte=current.end)
    in_previous = Q(date__gte=previous.start, date__lte=previous.end)
    grouped = (
        interventions.filter(date__gte=previous.start, date__lte=current.end)
        .order_by()
        .values(*keys, "activity_type__family")
        .annotate(cur=Sum("count", filter=in_current), prev=Sum("count", filter=in_previous))
    )
    rows: dict[object, ActivityRow] = {}
    totals = ActivityRow(key=None, label=str(_("Total")))
    for item in grouped:
        key = item[keys[0]]
        if key not in rows:
            label = _person_label(item) if group == "mediator" else (item["team__name"] or str(_("Sans équipe")))
            rows[key] = ActivityRow(key=key, label=label)
        family = item["activity_type__family"]
        for target in (rows[key], totals):
            target.current[family] = target.current.get(family, 0) + (item["cur"] or 0)
            target.previous[family] = target.previous.get(family, 0) + (item["prev"] or 0)

    # Trend over the last periods, by family: one query.
    length = TREND_LENGTH[kind]
    if kind == "week":
        trend_start = current.start - timedelta(weeks=length - 1)
        trunc = TruncWeek("date")
        buckets = [trend_start + timedelta(weeks=i) for i in range(length)]
        bucket_label = [f"{b:%d/%m}" for b in buckets]
    else:
        trend_start = current.start - relativedelta(months=length - 1)
        trunc = TruncMonth("date")
        buckets = [trend_start + relativedelta(months=i) for i in range(length)]
        bucket_label = [f"{MONTHS_AP[b.month]} {str(b.year)[2:]}" for b in buckets]
    trend_rows = (
        interventions.filter(date__gte=trend_start, date__lte=current.end)
        .order_by()
        .annotate(bucket=trunc)
        .values("bucket", "activity_type__family")
        .annotate(total=Sum("count"))
    )
    trend: dict[str, dict[date, int]] = {}
    for item in trend_rows:
        bucket = item["bucket"]
        bucket = bucket.date() if hasattr(bucket, "date") and callable(bucket.date) else bucket
        trend.setdefault(item["activity_type__family"], {})[bucket] = item["total"] or 0
    series = [(str(label), [trend.get(code, {}).get(b, 0) for b in buckets]) for code, label in FAMILIES]
    series = [s for s in series if any(s[1])]
    title = _("Actes par semaine, par mission") if kind == "week" else _("Actes par mois, par mission")
    trend_chart = charts.line_trend(str(title), bucket_label, series) if series else None

    return Dashboard(
        kind=kind,
        current=current,
        previous=previous,
        rows=sorted(rows.values(), key=lambda row: row.label.lower()),
        totals=totals,
        trend_chart=trend_chart,
        open_items=open_items(user=user, teams=teams, today=today),
    )


OPEN_ITEMS_SHOWN = 8


def open_items(*, user, teams=None, today: date) -> dict[str, dict]:
    """Lists of what needs attention, each with a total (one query per list: a window count)."""
    soon = today + timedelta(days=7)
    followups = FollowUp.objects.for_user(user).due_by(soon)
    agreements = ConflictCase.objects.for_user(user).agreement_due_by(soon)
    technical = TechnicalReport.objects.for_user(user).exclude(status=TechnicalReportStatus.RESOLVED)
    if teams is not None:
        followups = followups.filter(team__in=teams)
        agreements = agreements.filter(team__in=teams)
        technical = technical.filter(team__in=teams)
    items = {
        "followups": {
            "label": _("Suivis à relancer (prochaine action d'ici 7 jours)"),
            "rows": _with_total(followups.select_related("person", "mediator").order_by("next_action_on", "id")),
        },
        "agreements": {
            "label": _("Protocoles d'accord à suivre"),
            "rows": _with_total(agreements.select_related("territory").order_by("agreement_followup_on", "id")),
        },
        "technical": {
            "label": _("Signalements de veille technique non résolus"),
            "rows": _with_total(technical.select_related("landlord").order_by("reported_on", "id")),
        },
    }
    referrals = _open_referrals(user=user, teams=teams)
    if referrals is not None:
        items["referrals"] = {"label": _("Mises en relation en attente de confirmation"), "rows": referrals}
    return items


def _with_total(queryset) -> dict:
    """The first rows and the total in one query (a window count over the whole set)."""
    rows = list(queryset.annotate(total_rows=Window(Count("id")))[:OPEN_ITEMS_SHOWN])
    return {"items": rows, "total": rows[0].total_rows if rows else 0}


def _open_referrals(*, user, teams=None):
    """Referrals still waiting for the partner's confirmation (proposed or done), overdue first."""
    queryset = Referral.objects.for_user(user).open()
    if teams is not None:
        queryset = queryset.filter(team__in=teams)
    return _with_total(queryset.overdue_first(date.today()))
