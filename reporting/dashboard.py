"""Team dashboard (manager) and agency overview (director): activity of a week or a month compared like with like
(the same days of the previous period and of the same period last year, `reporting.periods`), by mission, by
activity type, by site, in or outside a quartier prioritaire (QPV) and by person (or team); a trend over the last
periods; open items.

Every figure knows the intervention-list filters that select its lines (`lines_url`), so each one opens its lines.
Query count is fixed: one aggregate for the three periods, one for the trend, one per open-item list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils.dates import MONTHS_AP
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from mediation import totals as line_totals
from mediation.filters import NONE
from mediation.models import (
    ActivityFamily,
    DailyTotal,
    FollowUp,
    FollowUpKind,
    active_between,
)
from mediation.models.interventions import QPV_LOOKUP
from reporting import charts, periods
from reporting.open_items import open_items
from reporting.periods import Span

FAMILIES = [(value, label) for value, label in ActivityFamily.choices]
TREND_LENGTH = {"week": 12, "month": 12}
LINES_URL = "mediation:team_interventions"


def period_span(kind: str, anchor: date, *, today: date | None = None) -> tuple[Span, Span]:
    """The week or month holding `anchor` (stopped at today if not over) and the same days of the one before."""
    comparison = periods.compare(kind, anchor, today=today or date.today())
    return comparison.current, comparison.previous


def lines_url(span: Span, target: str = LINES_URL, **filters) -> str:
    """The list (intervention lines by default) holding exactly the lines behind a figure: same period, same
    filters."""
    query = {"start": span.start.isoformat(), "end": span.end.isoformat()}
    query.update({name: value for name, value in filters.items() if value not in (None, "")})
    return reverse(target) + "?" + urlencode(query, doseq=True)


LINKED_MEASURES = ("count", "beneficiaries", "women", "men", "unknown", "hours")


def indicator_lines_url(
    indicator, span: Span, *, territory=None, qpv: str = "", whole_agency: bool = True
) -> str | None:
    """The list of the lines behind a registry indicator's figure over `span`: the intervention lines it sums (with
    the territory and QPV scope of the report), or the partner events it counts; None when no list holds exactly
    them. Follow-ups count persons and their list is the teams' own (personal data the direction does not see);
    conventions signed and register counts have no list of lines."""
    if indicator.is_partner:
        kinds = [kind for kind in indicator.partner_records if kind != "conventions_signed"]
        if not whole_agency or len(kinds) != len(indicator.partner_records):
            return None  # partner events are counted agency-wide
        query = {"start": span.start.isoformat(), "end": span.end.isoformat(), "kind": kinds}
        return reverse("partners:event_list") + "?" + urlencode(query, doseq=True)
    if indicator.is_followup or indicator.is_register or indicator.measure not in LINKED_MEASURES:
        return None
    if indicator.mode or indicator.age_band:
        return None  # the list has no such filter: no link rather than a link to other lines
    if indicator.qpv and qpv and indicator.qpv != qpv:
        return None  # zero by construction
    return lines_url(span, activities=list(indicator.activities), qpv=indicator.qpv or qpv, territory=territory)


@dataclass
class Figure:
    """One figure of the period, with the same days of the previous period and of last year."""

    key: object
    label: str
    filters: dict = field(default_factory=dict)  # filters of the list (`target`) selecting its lines
    linkable: bool = True
    target: str = LINES_URL  # the list of its lines: intervention lines, or follow-ups
    current: int = 0
    previous: int = 0
    last_year: int = 0

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def delta_last_year(self) -> int:
        return self.current - self.last_year


@dataclass
class ActivityRow:
    key: object
    label: str
    current: dict[str, int] = field(default_factory=dict)
    previous: dict[str, int] = field(default_factory=dict)
    last_year: dict[str, int] = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    linkable: bool = True

    @property
    def current_total(self) -> int:
        return sum(self.current.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())

    @property
    def last_year_total(self) -> int:
        return sum(self.last_year.values())

    @property
    def delta(self) -> int:
        return self.current_total - self.previous_total

    def cells(self) -> list[tuple[str, int, int]]:
        """(family code, current, previous) for each family column."""
        return [(code, self.current.get(code, 0), self.previous.get(code, 0)) for code, _label in FAMILIES]


@dataclass
class Breakdown:
    code: str
    title: str
    figures: list[Figure]
    has_total: bool = True  # False when the figures overlap (a person followed under two kinds)

    @property
    def total(self) -> Figure:
        total = Figure(key=None, label=str(_("Total")))
        for figure in self.figures:
            total.current += figure.current
            total.previous += figure.previous
            total.last_year += figure.last_year
        return total


@dataclass
class Dashboard:
    kind: str
    comparison: periods.Comparison
    rows: list[ActivityRow]
    totals: ActivityRow
    breakdowns: list[Breakdown]
    trend_chart: charts.Chart | None
    open_items: dict[str, dict]
    scope_filters: dict = field(default_factory=dict)  # the team filter of the whole board, if any
    families: list[tuple[str, str]] = field(default_factory=lambda: FAMILIES)

    @property
    def current(self) -> Span:
        return self.comparison.current

    @property
    def previous(self) -> Span:
        return self.comparison.previous

    @property
    def last_year(self) -> Span:
        return self.comparison.last_year

    def url(self, span: Span, filters: dict, target: str = LINES_URL) -> str:
        return lines_url(span, target, **self.scope_filters, **filters)

    @property
    def cards(self) -> list[Breakdown]:
        """The breakdowns shown as cards (the person or team one is the main table): those of the intervention
        lines when there are any, the follow-ups always."""
        return [
            breakdown
            for breakdown in self.breakdowns
            if breakdown.code not in ("mediateur", "equipe") and (self.rows or breakdown.code == "suivis")
        ]

    def figures(self) -> list[tuple[str, str, Figure]]:
        """Every figure of the board as (indicator code, label, figure), for the CSV/XLSX download."""
        result = []
        for breakdown in self.breakdowns:
            if breakdown.has_total:
                result.append((f"{breakdown.code}.total", f"{breakdown.title} : {_('total')}", breakdown.total))
            for figure in breakdown.figures:
                result.append((f"{breakdown.code}.{figure.key}", f"{breakdown.title} : {figure.label}", figure))
        return result


FIGURE_COLUMNS = [
    "indicator",
    "label",
    "period_start",
    "period_end",
    "value",
    "previous_start",
    "previous_end",
    "previous_value",
]


def figure_rows(board: Dashboard, extra: list[tuple[str, str, Figure, periods.Comparison]] = ()) -> list[list]:
    """The rows of the figures download: each figure against the previous period, then against the same period
    last year; `extra` adds figures of another comparison (the overview's year to date)."""
    comparison = board.comparison
    rows = []
    for code, label, figure in board.figures():
        rows.append(_figure_row(code, label, figure.current, figure.previous, comparison.current, comparison.previous))
    for code, label, figure in board.figures():
        rows.append(
            _figure_row(
                f"{code}.n-1",
                f"{label} ({_('même période l’an dernier')})",
                figure.current,
                figure.last_year,
                comparison.current,
                comparison.last_year,
            )
        )
    for code, label, figure, other in extra:
        rows.append(_figure_row(code, label, figure.current, figure.previous, other.current, other.previous))
    return rows


def _figure_row(code, label, value, previous_value, span: Span, previous: Span) -> list:
    return [code, str(label), span.start, span.end, value, previous.start, previous.end, previous_value]


def _person_label(row) -> str:
    if row["author_id"] is None:
        return str(_("Sans médiateur"))
    full = f"{row['author__first_name'] or ''} {row['author__last_name'] or ''}".strip()
    return full or row["author__username"]


def _span_q(span: Span) -> Q:
    return Q(date__gte=span.start, date__lte=span.end)


def _by_size(figures) -> list[Figure]:
    return sorted(figures, key=lambda figure: (-figure.current, -figure.previous, figure.label.lower()))


def build_dashboard(
    *, user, kind: str, anchor: date, group: str, teams=None, today: date | None = None, scope_filters=None
) -> Dashboard:
    """`group` is "mediator" (team dashboard) or "team" (agency overview); `teams` narrows to some teams and
    `scope_filters` holds the matching intervention-list filter ({"team": pk}) for the figures' links.

    ONE grouped aggregate gives the three periods by person (or team) × activity type × site; the tables by
    mission, by activity type, by site and by person are folded from it.
    """
    today = today or date.today()
    comparison = periods.compare(kind, anchor, today=today)
    current, previous, last_year = comparison.current, comparison.previous, comparison.last_year

    def scoped(model):
        """The reader's rows of a roll-up (same fields and same scoping as the lines)."""
        queryset = model.objects.for_user(user)
        return queryset.filter(team__in=teams) if teams is not None else queryset

    # The three spans are partial months or weeks: the daily roll-up.
    interventions = scoped(DailyTotal)

    if group == "mediator":
        keys = ["author_id", "author__first_name", "author__last_name", "author__username"]
    else:
        keys = ["team_id", "team__name"]
    grouped = (
        interventions.filter(_span_q(current) | _span_q(previous) | _span_q(last_year))
        .order_by()
        .values(
            *keys,
            "activity_type_id",
            "activity_type__code",
            "activity_type__label",
            "activity_type__family",
            "site_id",
            "site__name",
        )
        .annotate(
            cur=Sum("count", filter=_span_q(current)),
            prev=Sum("count", filter=_span_q(previous)),
            last=Sum("count", filter=_span_q(last_year)),
            cur_qpv=Sum("count", filter=_span_q(current) & QPV_LOOKUP),
            prev_qpv=Sum("count", filter=_span_q(previous) & QPV_LOOKUP),
            last_qpv=Sum("count", filter=_span_q(last_year) & QPV_LOOKUP),
        )
    )
    rows: dict[object, ActivityRow] = {}
    totals = ActivityRow(key=None, label=str(_("Total")))
    family_labels = {code: str(label) for code, label in FAMILIES}
    by_family = {
        code: Figure(key=code, label=label, filters={"family": code}) for code, label in family_labels.items()
    }
    by_activity: dict[object, Figure] = {}
    by_site: dict[object, Figure] = {}
    in_qpv = Figure(key="in", label=str(_("En quartier prioritaire")), filters={"qpv": "in"})
    out_qpv = Figure(key="out", label=str(_("Hors quartier prioritaire")), filters={"qpv": "out"})
    for item in grouped:
        key = item[keys[0]]
        if key not in rows:
            if group == "mediator":
                mediator = key if key is not None else NONE
                rows[key] = ActivityRow(key=key, label=_person_label(item), filters={"mediator": mediator})
            else:
                label = item["team__name"] or str(_("Sans équipe"))
                rows[key] = ActivityRow(key=key, label=label, filters={"team": key})
                rows[key].linkable = key is not None  # a line always has a team
        family = item["activity_type__family"]
        cur, prev, last = item["cur"] or 0, item["prev"] or 0, item["last"] or 0
        for target in (rows[key], totals):
            target.current[family] = target.current.get(family, 0) + cur
            target.previous[family] = target.previous.get(family, 0) + prev
            target.last_year[family] = target.last_year.get(family, 0) + last
        activity = item["activity_type_id"]
        if activity not in by_activity:
            label = item["activity_type__label"]
            code = item["activity_type__code"]
            by_activity[activity] = Figure(key=code, label=label, filters={"activity": activity})
        site = item["site_id"]
        if site not in by_site:
            by_site[site] = Figure(
                key=site if site is not None else "sans-site",
                label=item["site__name"] or str(_("Sans site précisé")),
                filters={"site": site if site is not None else NONE},
            )
        if family not in by_family:
            by_family[family] = Figure(key=family, label=family, filters={"family": family})
        for figure in (by_family[family], by_activity[activity], by_site[site]):
            figure.current += cur
            figure.previous += prev
            figure.last_year += last
        qpv_cur, qpv_prev, qpv_last = item["cur_qpv"] or 0, item["prev_qpv"] or 0, item["last_qpv"] or 0
        in_qpv.current += qpv_cur
        in_qpv.previous += qpv_prev
        in_qpv.last_year += qpv_last
        out_qpv.current += cur - qpv_cur
        out_qpv.previous += prev - qpv_prev
        out_qpv.last_year += last - qpv_last

    sorted_rows = sorted(rows.values(), key=lambda row: row.label.lower())
    group_figures = [
        Figure(
            key=row.key if row.key is not None else "sans",
            label=row.label,
            filters=row.filters,
            linkable=row.linkable,
            current=row.current_total,
            previous=row.previous_total,
            last_year=row.last_year_total,
        )
        for row in sorted_rows
    ]
    breakdowns = [
        # Two short tables side by side, then two long ones (the cards go two by two on a wide screen).
        Breakdown("mission", str(_("Par mission")), list(by_family.values())),
        Breakdown("qpv", str(_("Politique de la ville")), [in_qpv, out_qpv]),
        Breakdown("activite", str(_("Par type d'activité")), _by_size(by_activity.values())),
        Breakdown("site", str(_("Par site")), _by_size(by_site.values())),
        Breakdown(
            "mediateur" if group == "mediator" else "equipe",
            str(_("Par médiateur")) if group == "mediator" else str(_("Par équipe")),
            group_figures,
        ),
    ]

    if group == "mediator" and not user.is_director:
        breakdowns.append(_followup_breakdown(user=user, teams=teams, comparison=comparison))

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
    if current.partial:
        bucket_label[-1] = str(_("au %(day)s")) % {"day": f"{current.end:%d/%m}"}  # short: the axis is tight
    # Whole months from the monthly roll-up, the current partial month (or weeks) from the daily one.
    sources = (
        line_totals.pieces(trend_start, current.end) if kind != "week" else [(DailyTotal, trend_start, current.end)]
    )
    trend: dict[str, dict[date, int]] = {}
    for model, start, end in sources:
        trend_rows = (
            scoped(model)
            .filter(date__gte=start, date__lte=end)
            .order_by()
            .annotate(bucket=trunc)
            .values("bucket", "activity_type__family")
            .annotate(total=Sum("count"))
        )
        for item in trend_rows:
            bucket = item["bucket"]
            bucket = bucket.date() if hasattr(bucket, "date") and callable(bucket.date) else bucket
            family = trend.setdefault(item["activity_type__family"], {})
            family[bucket] = family.get(bucket, 0) + (item["total"] or 0)
    series = [(str(label), [trend.get(code, {}).get(b, 0) for b in buckets]) for code, label in FAMILIES]
    series = [s for s in series if any(s[1])]
    title = _("Actes par semaine, par mission") if kind == "week" else _("Actes par mois, par mission")
    trend_chart = charts.line_trend(str(title), bucket_label, series) if series else None

    return Dashboard(
        kind=kind,
        comparison=comparison,
        rows=sorted_rows,
        totals=totals,
        breakdowns=breakdowns,
        trend_chart=trend_chart,
        open_items=open_items(user=user, teams=teams, today=today),
        scope_filters=dict(scope_filters or {}),
    )


FOLLOWUPS_URL = "mediation:followup_list"


def _followup_breakdown(*, user, teams, comparison: periods.Comparison) -> Breakdown:
    """Persons with a follow-up active in each period, by kind (the count the evaluation makes): one query. Each
    figure opens the team's follow-ups active in that period. Not for the direction: follow-ups are personal data
    it does not see."""
    followups = FollowUp.objects.for_user(user)
    if teams is not None:
        followups = followups.filter(team__in=teams)
    spans = {"cur": comparison.current, "prev": comparison.previous, "last": comparison.last_year}
    earliest = min(span.start for span in spans.values())
    latest = max(span.end for span in spans.values())
    rows = {
        row["kind"]: row
        for row in followups.filter(active_between(earliest, latest))
        .order_by()
        .values("kind")
        .annotate(
            **{
                name: Count("person_id", distinct=True, filter=active_between(span.start, span.end))
                for name, span in spans.items()
            }
        )
    }
    figures = []
    for kind, label in FollowUpKind.choices:
        row = rows.get(kind, {})
        figures.append(
            Figure(
                key=kind,
                label=str(label),
                filters={"kind": kind, "scope": "team"},
                target=FOLLOWUPS_URL,
                current=row.get("cur", 0),
                previous=row.get("prev", 0),
                last_year=row.get("last", 0),
            )
        )
    return Breakdown("suivis", str(_("Suivis actifs (personnes)")), figures, has_total=False)
