"""The indicator registry: every figure a report shows, by stable code, with its French label and definition.

Definitions are computed in SQL. `compute()` runs ONE aggregate query over the intervention lines of the
period (grouped by the requested breakdowns × activity type) and ONE query per follow-up breakdown, then
assembles every indicator from those grouped rows. No query is ever run per cell.

The result (`IndicatorTable`) is what the HTML pages, the PDFs, the XLSX and the CSV exports all read.
"""

from reporting.indicators.compute import IndicatorTable, Period, compute
from reporting.indicators.registry import (
    ALL,
    EVALUATION_CODES,
    INDICATORS,
    MEASURES,
    REGISTRY,
    SECTION_LABELS,
    SECTIONS,
    Indicator,
    Section,
    active_indicators,
    choices,
    forget,
    get,
    preload,
)

__all__ = [
    "ALL",
    "EVALUATION_CODES",
    "INDICATORS",
    "MEASURES",
    "REGISTRY",
    "SECTIONS",
    "SECTION_LABELS",
    "Indicator",
    "IndicatorTable",
    "Period",
    "Section",
    "choices",
    "compute",
    "forget",
    "get",
    "active_indicators",
    "preload",
]
