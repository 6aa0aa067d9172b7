"""The service-project report: value, target and % achieved per indicator and year.

Computed indicators are calculated together in ONE registry computation for all the project's years; targets
and manual values come in one query each. The structure (parts → stakes → axes → indicators) comes in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporting import indicators, periods
from reporting.dashboard import indicator_lines_url
from reporting.indicators import ALL, REGISTRY, Period
from reporting.models import IndicatorTarget, IndicatorValue, ProjectIndicator, ServiceProject


@dataclass
class Cell:
    year: int
    value: Decimal | int | None
    target: Decimal | None
    is_future: bool
    elapsed: float = 1.0  # share of the year gone by: below 1 for the current year of a counted indicator
    url: str = ""  # the list of the lines behind a computed value, on the page (`link_cells`)

    @property
    def is_partial(self) -> bool:
        return self.elapsed < 1

    @property
    def judged_target(self) -> float | None:
        """The target the value is judged against: prorated to the days gone by in an unfinished year (a yearly
        count cannot be reached on 2 December with December still to come)."""
        if not self.target:
            return None
        return float(self.target) * self.elapsed

    @property
    def achieved(self) -> float | None:
        """% of the (prorated) target reached; None without a target or a value."""
        target = self.judged_target
        if self.value is None or not target:
            return None
        return float(self.value) * 100 / target

    @property
    def level(self) -> str:
        achieved = self.achieved
        if achieved is None:
            return "none"
        if achieved >= 100:
            return "reached"
        if achieved >= 75:
            return "close"
        return "behind"


@dataclass
class IndicatorLine:
    indicator: ProjectIndicator
    cells: list[Cell]

    @property
    def registry_label(self) -> str:
        code = self.indicator.registry_code
        return str(REGISTRY[code].label) if code in REGISTRY else code


def project_indicators(project: ServiceProject):
    return (
        ProjectIndicator.objects.filter(axis__stake__part__project=project)
        .select_related("axis__stake__part")
        .order_by("axis__stake__part__number", "axis__stake__number", "axis__number", "order", "id")
    )


def build_project_report(project: ServiceProject, *, today: date | None = None) -> list[dict]:
    """[{part, stakes: [{stake, axes: [{axis, lines: [IndicatorLine]}]}]}] for the project's years."""
    today = today or date.today()
    items = list(project_indicators(project))
    ids = [item.pk for item in items]
    targets = {(t.indicator_id, t.year): t.value for t in IndicatorTarget.objects.filter(indicator_id__in=ids)}
    manual = {(v.indicator_id, v.year): v.value for v in IndicatorValue.objects.filter(indicator_id__in=ids)}
    codes = sorted({item.registry_code for item in items if item.is_computed and item.registry_code in REGISTRY})
    computed = None
    if codes:
        computed = indicators.compute(
            codes,
            period=Period(date(project.start_year, 1, 1), date(project.end_year, 12, 31)),
            by=("year",),
        )
    parts: list[dict] = []
    for item in items:
        axis = item.axis
        stake = axis.stake
        part = stake.part
        if not parts or parts[-1]["part"].pk != part.pk:
            parts.append({"part": part, "stakes": []})
        stakes = parts[-1]["stakes"]
        if not stakes or stakes[-1]["stake"].pk != stake.pk:
            stakes.append({"stake": stake, "axes": []})
        axes = stakes[-1]["axes"]
        if not axes or axes[-1]["axis"].pk != axis.pk:
            axes.append({"axis": axis, "lines": []})
        cells = []
        for year in project.years:
            is_future = year > today.year
            if item.is_computed:
                value = None if (is_future or computed is None) else computed.get(item.registry_code, year)
            else:
                value = manual.get((item.pk, year))
            elapsed = 1.0
            if item.is_computed and year == today.year:
                span = periods.year_status(year, today=today)
                elapsed = span.days / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)
            cells.append(
                Cell(year=year, value=value, target=targets.get((item.pk, year)), is_future=is_future, elapsed=elapsed)
            )
        axes[-1]["lines"].append(IndicatorLine(indicator=item, cells=cells))
    return parts


def summary(parts: list[dict]) -> dict:
    """How many (indicator, year) pairs with a target are reached, close, behind, or without value yet."""
    counts = {"reached": 0, "close": 0, "behind": 0, "pending": 0, "targets": 0}
    for part in parts:
        for stake in part["stakes"]:
            for axis in stake["axes"]:
                for line in axis["lines"]:
                    for cell in line.cells:
                        if cell.target is None:
                            continue
                        counts["targets"] += 1
                        if cell.achieved is None:
                            counts["pending"] += 1
                        else:
                            counts[cell.level] += 1
    return counts


def link_cells(parts: list[dict], *, today: date | None = None) -> None:
    """Give each computed value of the page the URL of its lines (intervention lines, partner events), if any."""
    today = today or date.today()
    for line in _lines(parts):
        code = line.indicator.registry_code
        if not line.indicator.is_computed or code not in REGISTRY:
            continue
        for cell in line.cells:
            if cell.value:
                span = periods.year_status(cell.year, today=today)
                cell.url = indicator_lines_url(REGISTRY[code], span) or ""


def _lines(parts: list[dict]):
    for part in parts:
        for stake in part["stakes"]:
            for axis in stake["axes"]:
                yield from axis["lines"]


def has_figures(parts: list[dict]) -> bool:
    """Whether any indicator has a value (other than zero) or a target in any year: without either, the PDF is one
    short page that says so (with targets only, it is the grid of objectives a new project starts from)."""
    return any(cell.value or cell.target for line in _lines(parts) for cell in line.cells)


__all__ = ["ALL", "build_project_report", "has_figures", "link_cells", "summary", "project_indicators"]
