"""The evaluation tables (seed 001 layout): years side by side, by territory, one section per mission.

`build_evaluation()` computes the figures once; the HTML page, the PDF, the XLSX and the CSV all read the
returned `EvaluationReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import FollowUp, Territory
from mediation.models.interventions import QPV_LOOKUP
from reporting import indicators, periods
from reporting.indicators import ALL, EVALUATION_CODES, REGISTRY, SECTIONS, Period

CSV_HEADER = ["indicator", "territory", "year", "value"]

# Family act totals for the "mix by mission" chart: the acts of each mission, sub-rows ("dont") excluded.
FAMILY_TOTALS = {
    "conflict": [
        "conflict.interventions",
        "conflict.rule_reminders",
        "conflict.awareness",
        "conflict.resident_consultations",
        "conflict.liaison_sheets",
    ],
    "partnership": ["partnership.referrals", "partnership.project_facilitations"],
    "assistance": [
        "assistance.physical_help",
        "assistance.moral_support",
        "assistance.administrative_help",
        "assistance.active_listening",
    ],
    "technical_watch": ["technical_watch.total"],
}


class YearsError(ValueError):
    pass


def parse_years(text: str) -> tuple[int, int]:
    """'2014-2016' or '2016' → (first, last). Raises YearsError with a French message."""
    text = (text or "").strip()
    parts = [part.strip() for part in text.split("-")]
    try:
        if len(parts) == 1:
            first = last = int(parts[0])
        elif len(parts) == 2:
            first, last = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError as exc:
        raise YearsError(_("Période invalide : écrivez une année (2016) ou deux années (2014-2016).")) from exc
    if not (2000 <= first <= 2100 and 2000 <= last <= 2100):
        raise YearsError(_("Les années doivent être comprises entre 2000 et 2100."))
    if first > last:
        raise YearsError(_("La première année doit précéder la dernière."))
    if last - first > 9:
        raise YearsError(_("Dix années au plus dans un même tableau."))
    return first, last


@dataclass
class Row:
    code: str
    label: str
    is_detail: bool
    values: list[int]  # one per year, whole agency (or selected territory)
    by_territory: list[tuple[str, str, list[int]]]  # (code, name, one value per year)
    complete_years: int = 0  # the trend compares the first and the last complete year only
    cells: list[tuple[int, str | None]] = field(default_factory=list)  # (value, url of its lines) per year
    territory_cells: list[tuple[str, str, list[tuple[int, str | None]]]] = field(default_factory=list)

    @property
    def trend(self) -> int | None:
        """Change from the first to the last COMPLETE year, in %, when it means something: a year not over yet is
        left out (it would compare eleven months with twelve)."""
        values = self.values[: self.complete_years]
        if len(values) < 2 or not values[0]:
            return None
        return round((values[-1] - values[0]) * 100 / values[0])


@dataclass
class EvaluationReport:
    first_year: int
    last_year: int
    territories: list[tuple[str, str]]  # (code, name) shown, in order
    territory: tuple[str, str] | None  # the filter, if any
    values: dict[tuple[str, str, int], int]  # (code, territory code or ALL, year) → value
    generated_at: object = field(default_factory=timezone.now)
    qpv: bool | None = None  # True: activity in quartiers prioritaires only, False: outside them, None: all

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def as_of(self) -> date:
        """The day the figures were computed: a year not over on that day is partial."""
        moment = self.generated_at
        if hasattr(moment, "date") and callable(moment.date):
            return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        return moment

    @property
    def spans(self) -> list[periods.Span]:
        """Each year as a span, stopped at `as_of` (and marked partial) when it was not over."""
        return [periods.year_status(year, today=self.as_of) for year in self.years]

    @property
    def complete_years(self) -> list[int]:
        return [span.start.year for span in self.spans if not span.partial and span.start <= self.as_of]

    @property
    def partial_span(self) -> periods.Span | None:
        return next((span for span in self.spans if span.partial), None)

    @property
    def trend_label(self) -> str:
        """The years the "Évolution" column compares ("2024 → 2025"), or "" when fewer than two are complete."""
        complete = self.complete_years
        return f"{complete[0]} → {complete[-1]}" if len(complete) >= 2 else ""

    @property
    def end_day(self) -> date:
        """The last day the figures cover: 31 December, or the day they were computed in an unfinished year."""
        return (
            min(date(self.last_year, 12, 31), self.as_of)
            if self.as_of.year <= self.last_year
            else date(self.last_year, 12, 31)
        )

    @property
    def is_empty(self) -> bool:
        """No figure at all for the period: the report says so in one page instead of pages of zeros."""
        return not any(self.values.values())

    @property
    def period_label(self) -> str:
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}-{self.last_year}"

    @property
    def scope_label(self) -> str:
        label = self.territory[1] if self.territory else str(_("Toute l'agence"))
        if self.qpv is not None:
            label += " · " + str(_("en quartier prioritaire") if self.qpv else _("hors quartier prioritaire"))
        return label

    def value(self, code: str, territory: str, year: int) -> int:
        return self.values.get((code, territory, year), 0)

    def sections(self, *, link=None) -> list[dict]:
        """The rows by mission. `link(code, territory code or ALL, span)` gives the URL of a figure's lines (or
        None), for the page; PDFs and files pass nothing."""
        result = []
        spans = self.spans
        complete = len(self.complete_years)

        def cells(code, territory):
            return [
                (self.value(code, territory, span.start.year), link(code, territory, span) if link else None)
                for span in spans
            ]

        for section in SECTIONS:
            rows = []
            for code in EVALUATION_CODES:
                indicator = REGISTRY[code]
                if indicator.section != section.code:
                    continue
                rows.append(
                    Row(
                        code=code,
                        label=str(indicator.label),
                        is_detail=str(indicator.label).startswith("dont"),
                        values=[self.value(code, ALL, year) for year in self.years],
                        by_territory=[
                            (t_code, t_name, [self.value(code, t_code, year) for year in self.years])
                            for t_code, t_name in self.territories
                        ],
                        complete_years=complete if self.years[:complete] == self.complete_years else 0,
                        cells=cells(code, ALL),
                        territory_cells=[(t_code, t_name, cells(code, t_code)) for t_code, t_name in self.territories],
                    )
                )
            if rows:
                result.append({"code": section.code, "label": section.label, "rows": rows})
        return result

    def csv_rows(self) -> list[tuple[str, str, int, int]]:
        """Long format: every indicator × (each territory, then ALL) × year, values as plain integers."""
        rows = []
        for code in EVALUATION_CODES:
            for territory in [*(t_code for t_code, _name in self.territories), ALL]:
                for year in self.years:
                    rows.append((code, territory, year, int(self.value(code, territory, year))))
        return rows

    def figures(self) -> dict:
        """JSON-ready snapshot of every value, for frozen reports: {code: {territory: {year: value}}}."""
        data: dict = {}
        for code, territory, year, value in self.csv_rows():
            data.setdefault(code, {}).setdefault(territory, {})[str(year)] = value
        return data

    def family_totals(self) -> dict[str, list[int]]:
        return {
            family: [sum(self.value(code, ALL, year) for code in codes) for year in self.years]
            for family, codes in FAMILY_TOTALS.items()
        }


def build_evaluation(
    first_year: int, last_year: int, *, territory: Territory | None = None, qpv: bool | None = None
) -> EvaluationReport:
    """Compute the evaluation for the years (both included), whole agency or one territory; with `qpv`, only the
    activity in quartiers prioritaires (True) or outside them (False). Follow-ups have no site: they count in QPV
    when their whole territory is one."""
    where = Q()
    followups = FollowUp.objects.all()
    if qpv is not None:
        where &= QPV_LOOKUP if qpv else ~QPV_LOOKUP
        followups = followups.filter(territory__qpv__isnull=not qpv)
    if territory is not None:
        where &= Q(territory=territory)
        followups = followups.filter(territory=territory)
        territories = [(territory.code, territory.name)]
    else:
        territories = list(Territory.objects.order_by("name").values_list("code", "name"))
    table = indicators.compute(
        EVALUATION_CODES,
        period=Period(date(first_year, 1, 1), date(last_year, 12, 31)),
        by=("territory", "year"),
        where=where,
        followups=followups,
    )
    values = {(code, t_code, year): value for (code, t_code, year), value in table.values.items()}
    return EvaluationReport(
        first_year=first_year,
        last_year=last_year,
        territories=territories,
        territory=(territory.code, territory.name) if territory else None,
        values=values,
        qpv=qpv,
    )


def compare_figures(frozen: dict, live: dict) -> list[dict]:
    """What changed between a frozen snapshot and the live figures: [{code, label, territory, year, before, after}]."""
    changes = []
    for code in sorted(set(frozen) | set(live)):
        territories = set(frozen.get(code, {})) | set(live.get(code, {}))
        for territory in sorted(territories, key=lambda t: (t == ALL, t)):
            before_years = frozen.get(code, {}).get(territory, {})
            after_years = live.get(code, {}).get(territory, {})
            for year in sorted(set(before_years) | set(after_years)):
                before, after = before_years.get(year, 0), after_years.get(year, 0)
                if before != after:
                    label = REGISTRY[code].label if code in REGISTRY else code
                    changes.append(
                        {
                            "code": code,
                            "label": label,
                            "territory": territory,
                            "year": int(year),
                            "before": before,
                            "after": after,
                            "delta": after - before,
                        }
                    )
    return changes


def frozen_evaluation(frozen) -> EvaluationReport:
    """A `FrozenReport`'s figures in the evaluation layout (territories as they were)."""
    data = frozen.figures
    values = {}
    for code, by_territory in data["values"].items():
        for territory, by_year in by_territory.items():
            for year, value in by_year.items():
                values[(code, territory, int(year))] = value
    return EvaluationReport(
        first_year=frozen.year,
        last_year=frozen.year,
        territories=[tuple(item) for item in data["territories"]],
        territory=None,
        values=values,
        generated_at=frozen.frozen_at,
    )
