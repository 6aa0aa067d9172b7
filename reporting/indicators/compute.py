"""Computing indicators in SQL: ONE aggregate query over the intervention lines of the period (grouped by the
requested breakdowns × activity type) and ONE query per follow-up breakdown, then every indicator assembled from
those grouped rows. No query is ever run per cell."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth

from mediation import totals
from mediation.models import ActivityType, DailyTotal, FollowUp, Intervention, Territory, active_between
from partners.models import Convention, PartnerEvent
from reporting.indicators.registers import register_counts
from reporting.indicators.registry import (
    ALL,
    EVALUATION_CODES,
    FOLLOWUP_BREAKDOWNS,
    PARTNER_BREAKDOWNS,
    REGISTRY,
    Indicator,
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass
class IndicatorTable:
    """Values of indicators for one period, keyed by (code, *breakdown values). Missing keys are zero.

    `by` names the breakdowns; territory keys are territory codes, with `ALL` for the whole agency when
    the totals were asked for.
    """

    by: tuple[str, ...]
    codes: list[str]
    values: dict[tuple, int] = field(default_factory=dict)

    def get(self, code: str, *key) -> int:
        return self.values.get((code, *key), 0)


MEASURE_FIELDS = {
    "count": "count",
    "women": "women",
    "men": "men",
    "unknown": "unknown",
    "minutes": "duration_minutes",
}


def _intervention_rows(queryset, period: Period, by: tuple[str, ...], measures: list[str]):
    """One grouped aggregate over the intervention lines of the period: by breakdowns × activity type.

    A year breakdown is done with one filtered SUM per year and measure, not by grouping on EXTRACT(year):
    PostgreSQL cannot estimate the groups of an expression, sorts a million rows to disk instead of hashing
    a few hundred groups, and takes twice as long. Returns the rows and the list of (year, suffix) columns.
    """
    fields = {
        "month": ExtractMonth("date"),
        "territory": F("territory_id"),
        "team": F("team_id"),
        "mediator": F("author_id"),
    }
    annotations = {f"k_{name}": fields[name] for name in by if name != "year"}
    if "year" in by:
        windows = [
            (year, Period(max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))))
            for year in range(period.start.year, period.end.year + 1)
        ]
    else:
        windows = [(None, period)]
    aggregates = {}
    for year, window in windows:
        in_window = Q(date__gte=window.start, date__lte=window.end) if year is not None else None
        for measure in measures:
            aggregates[f"s_{measure}_{year}"] = Sum(MEASURE_FIELDS[measure], filter=in_window)
    rows = (
        queryset.in_period(period.start, period.end)
        .order_by()
        .annotate(**annotations)
        .values(*annotations.keys(), "activity_type_id")
        .annotate(**aggregates)
    )
    return rows, [year for year, _window in windows]


def _followup_counts(queryset, period: Period, by: tuple[str, ...], kinds: list[str], years: list[int]):
    """Distinct persons with a follow-up active in each year (or the whole period), in ONE query per grouping.

    Active in [start, end]: started_on ≤ end and (ended_on is null or ended_on ≥ start).
    """

    windows = {
        year: Period(max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))) for year in years
    }
    if not years:
        windows = {None: period}
    aggregates = {}
    for kind in kinds:
        for year, window in windows.items():
            aggregates[f"c_{kind}_{year}"] = Count(
                "person_id", distinct=True, filter=Q(kind=kind) & active_between(window.start, window.end)
            )
    base = queryset.filter(kind__in=kinds).filter(active_between(period.start, period.end)).order_by()
    rows = []
    if "territory" in by:
        rows.extend(base.values("territory_id").annotate(**aggregates))
    rows.append({"territory_id": ALL, **base.aggregate(**aggregates)})
    return windows, rows


def _partner_counts(period: Period, by: tuple[str, ...], partner_indicators: list[Indicator]) -> dict:
    """Partner events by kind and conventions signed: one query per table, one filtered COUNT per year."""
    years = list(range(period.start.year, period.end.year + 1)) if "year" in by else [None]

    def window(year):
        if year is None:
            return period
        return Period(max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31)))

    result = {}
    kinds = sorted({kind for i in partner_indicators for kind in i.partner_records if kind != "conventions_signed"})
    event_counts = {}
    if kinds:
        aggregates = {
            f"n_{year}": Count("id", filter=Q(date__gte=window(year).start, date__lte=window(year).end))
            for year in years
        }
        for row in (
            PartnerEvent.objects.filter(kind__in=kinds, date__gte=period.start, date__lte=period.end)
            .order_by()
            .values("kind")
            .annotate(**aggregates)
        ):
            for year in years:
                event_counts[(row["kind"], year)] = row[f"n_{year}"]
    if any("conventions_signed" in i.partner_records for i in partner_indicators):
        aggregates = {
            f"n_{year}": Count("id", filter=Q(signed_on__gte=window(year).start, signed_on__lte=window(year).end))
            for year in years
        }
        signed = Convention.objects.filter(signed_on__gte=period.start, signed_on__lte=period.end).aggregate(
            **aggregates
        )
        for year in years:
            event_counts[("conventions_signed", year)] = signed[f"n_{year}"]
    for indicator in partner_indicators:
        for year in years:
            key = (indicator.code, year) if year is not None else (indicator.code,)
            result[key] = sum(event_counts.get((kind, year), 0) for kind in indicator.partner_records)
    return result


def filtered(interventions, mode: str = "", age_band: str = "", qpv: str = ""):
    """The intervention lines an indicator's filters keep: referral mode, age band (the person's, or the line's
    when anonymous acts carry one), in or out of a QPV (once the application records QPVs)."""
    if mode:
        interventions = interventions.filter(mode=mode)
    if age_band:
        lookup = Q(person__age_band=age_band)
        if any(field.name == "age_band" for field in Intervention._meta.get_fields()):
            lookup |= Q(age_band=age_band)
        interventions = interventions.filter(lookup)
    if qpv:
        if not hasattr(interventions, "in_qpv"):
            return interventions.none()
        interventions = interventions.in_qpv(qpv == "in")
    return interventions


def _sum_into(values, sum_indicators, sources, by, with_totals, territory_codes) -> None:
    """Add the sums of `sum_indicators` (same filters) over each (queryset, period) of `sources` into `values`.
    The sources are the lines themselves or their roll-ups (same field names), whose pieces add up."""
    activity_ids = dict(ActivityType.objects.values_list("code", "id"))
    wanted = {}
    for indicator in sum_indicators:
        for activity in indicator.activities:
            if activity in activity_ids:
                wanted.setdefault(activity_ids[activity], []).append(indicator)
    measures = set()
    for indicator in sum_indicators:
        measures.update(
            {"beneficiaries": ["women", "men", "unknown"], "hours": ["minutes"]}.get(
                indicator.measure, [indicator.measure]
            )
        )
    measures = sorted(measures)
    minutes: dict[tuple, int] = defaultdict(int)
    for queryset, period in sources:
        rows, years = _intervention_rows(queryset.filter(activity_type_id__in=wanted), period, by, measures)
        for row in rows:
            for year in years:
                key = []
                for name in by:
                    if name == "year":
                        value = year
                    else:
                        value = row[f"k_{name}"]
                        if name == "territory":
                            value = territory_codes.get(value, value)
                        elif name == "month" and value is not None:
                            value = int(value)
                    key.append(value)
                sums = {measure: row[f"s_{measure}_{year}"] or 0 for measure in measures}
                if not any(sums.values()):
                    continue
                sums["beneficiaries"] = sums.get("women", 0) + sums.get("men", 0) + sums.get("unknown", 0)
                for indicator in wanted[row["activity_type_id"]]:
                    target = minutes if indicator.measure == "hours" else values
                    amount = sums["minutes"] if indicator.measure == "hours" else sums[indicator.measure]
                    target[(indicator.code, *key)] += amount
                    if with_totals and "territory" in by:
                        total_key = tuple(ALL if name == "territory" else k for name, k in zip(by, key, strict=True))
                        target[(indicator.code, *total_key)] += amount
    # Hours are rounded once, on the sum of every piece's minutes.
    for key, total in minutes.items():
        values[key] += round(total / 60)


def _mentions(where: Q, prefix: str) -> bool:
    """Whether a condition looks up a field starting with `prefix` (e.g. a date range inside a funder's scope)."""
    for child in where.children:
        if isinstance(child, Q):
            if _mentions(child, prefix):
                return True
        elif child[0].split("__")[0] in (prefix, f"{prefix}_id"):
            return True
    return False


def line_sources(period: Period, *, where: Q | None = None, filters=("", "", ""), by=()) -> list[tuple]:
    """Where to read the lines matching `where` in `period`: [(queryset, sub-period)] whose sums add up.

    The roll-ups serve every condition on a line's dimensions (date, territory, site, team, author, activity,
    mode, QPV): whole months from the monthly one and the edge days from the daily one. A condition on dates
    inside `where` (an attribution from the 10th) is only exact by day: daily roll-up. A filter on the person's
    age band needs the lines themselves."""
    where = where if where is not None else Q()
    mode, age_band, qpv = filters
    if age_band:
        return [(filtered(Intervention.objects.filter(where), *filters), period)]
    if _mentions(where, "date"):
        pieces = [(DailyTotal, period.start, period.end)]
    else:
        # Nobody's team or mediator asked for: whole months from the agency-wide roll-up.
        agency = not {"team", "mediator"} & set(by) and not any(_mentions(where, name) for name in ("team", "author"))
        pieces = totals.pieces(period.start, period.end, agency=agency)
    return [(filtered(model.objects.filter(where), mode, "", qpv), Period(start, end)) for model, start, end in pieces]


def compute(
    codes: list[str] | None = None,
    *,
    period: Period,
    by: tuple[str, ...] = ("year", "territory"),
    interventions=None,
    where: Q | None = None,
    followups=None,
    with_totals: bool = True,
) -> IndicatorTable:
    """Compute `codes` for `period`, split by `by` (a subset of year, month, territory, team, mediator).

    The lines counted are those matching `where` (a condition on a line's dimensions, valid on the lines and on
    their roll-ups), read from the roll-ups; `interventions`, a queryset of lines, reads the lines themselves
    instead (the exactness tests compare both). `followups` is the base queryset of follow-ups. Both are already
    limited to what the reader may see; with `with_totals`, rows with territory `ALL` hold the whole-agency totals.
    """
    codes = list(codes or EVALUATION_CODES)
    indicators = [REGISTRY[code] for code in codes]
    followups = FollowUp.objects.all() if followups is None else followups
    by = tuple(by)
    table = IndicatorTable(by=by, codes=codes)
    values: dict[tuple, int] = defaultdict(int)

    territory_codes = dict(Territory.objects.values_list("id", "code"))
    sum_indicators = [
        indicator
        for indicator in indicators
        if not indicator.is_followup and not indicator.is_partner and not indicator.is_register
    ]
    # One grouped query per distinct set of filters (the built-in indicators have none: one query).
    for filters in sorted({indicator.filters for indicator in sum_indicators}):
        group = [indicator for indicator in sum_indicators if indicator.filters == filters]
        if interventions is not None:
            sources = [(filtered(interventions.filter(where or Q()), *filters), period)]
        else:
            sources = line_sources(period, where=where, filters=filters, by=by)
        _sum_into(values, group, sources, by, with_totals, territory_codes)

    followup_indicators = [indicator for indicator in indicators if indicator.is_followup]
    if followup_indicators:
        unsupported = set(by) - FOLLOWUP_BREAKDOWNS
        if unsupported:
            raise ValueError(f"les suivis ne se ventilent pas par {', '.join(sorted(unsupported))}")
        years = list(range(period.start.year, period.end.year + 1)) if "year" in by else []
        kinds = sorted({indicator.followup_kind for indicator in followup_indicators})
        windows, rows = _followup_counts(followups, period, by, kinds, years)
        for row in rows:
            territory = row["territory_id"]
            if territory != ALL:
                territory = territory_codes.get(territory, territory)
            elif not with_totals and "territory" in by:
                continue
            for indicator in followup_indicators:
                for year in windows:
                    amount = row[f"c_{indicator.followup_kind}_{year}"] or 0
                    key = []
                    for name in by:
                        key.append(year if name == "year" else territory)
                    if "territory" not in by and territory != ALL:
                        continue
                    values[(indicator.code, *key)] = amount
    register_indicators = [indicator for indicator in indicators if indicator.is_register]
    if register_indicators:
        unsupported = set(by) - PARTNER_BREAKDOWNS
        if unsupported:
            raise ValueError(
                f"les registres se ventilent par année seulement, pas par {', '.join(sorted(unsupported))}"
            )
        years = list(range(period.start.year, period.end.year + 1)) if "year" in by else [None]
        values.update(register_counts(period.start, period.end, years, register_indicators))
    partner_indicators = [indicator for indicator in indicators if indicator.is_partner]
    if partner_indicators:
        unsupported = set(by) - PARTNER_BREAKDOWNS
        if unsupported:
            raise ValueError(
                f"les actions partenariales se ventilent par année seulement, pas par {', '.join(sorted(unsupported))}"
            )
        for key, amount in _partner_counts(period, by, partner_indicators).items():
            values[key] = amount
    table.values = dict(values)
    return table
