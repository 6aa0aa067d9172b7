"""The indicator registry: every figure a report shows, by stable code, with its French label and definition.

Indicators are data (`reporting.IndicatorDefinition`): the built-in ones are loaded by a data migration from
`reporting.indicators.builtin`, an administrator adds more in /admin/ without a release. `REGISTRY`, `INDICATORS`
and `EVALUATION_CODES` read those rows through a per-process cache (two queries when it is cold): a save in this
process forgets it at once, other processes see the change within `REGISTRY_CACHE_SECONDS`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mediation.models import AgeBand, FollowUpKind, ReferralMode
from partners.models import EventKind

ALL = "ALL"  # the territory code of whole-agency totals

# Measures summed on intervention lines. `beneficiaries` = women + men + unknown.
MEASURES = ("count", "beneficiaries", "women", "men", "unknown", "hours")

# Breakdowns an intervention indicator may be split by; follow-up indicators support year and territory.
INTERVENTION_BREAKDOWNS = frozenset({"year", "month", "territory", "team", "mediator"})
FOLLOWUP_BREAKDOWNS = frozenset({"year", "territory"})
PARTNER_BREAKDOWNS = frozenset({"year"})


@dataclass(frozen=True)
class Section:
    code: str
    label: str


SECTIONS = [
    Section("conflict", _("Gestion de conflits")),
    Section("partnership", _("Développement partenarial")),
    Section("assistance", _("Assistance")),
    Section("technical_watch", _("Veille technique")),
    Section("other", _("Autres indicateurs du projet de service")),
]
SECTION_LABELS = {section.code: section.label for section in SECTIONS}


@dataclass(frozen=True)
class Indicator:
    """One figure. Either a sum of `measure` over the lines of `activities`, or distinct persons followed."""

    code: str
    label: str
    section: str
    activities: tuple[str, ...] = ()
    measure: str = "count"
    followup_kind: str = ""
    partner_records: tuple[str, ...] = ()  # "conventions_signed", or partner event kinds ("immersion", …)
    in_evaluation: bool = True
    unit: str = ""
    definition: str = ""
    # Filters on the intervention lines (blank: every line): referral mode, age band, in or out of a QPV.
    mode: str = ""
    age_band: str = ""
    qpv: str = ""  # "", "in" or "out"
    register_records: tuple[str, ...] = ()  # counters of reporting.indicators.registers ("projects:residents", …)
    order: int = 100

    @property
    def breakdowns(self) -> frozenset[str]:
        if self.partner_records or self.register_records:
            return PARTNER_BREAKDOWNS
        return FOLLOWUP_BREAKDOWNS if self.followup_kind else INTERVENTION_BREAKDOWNS

    @property
    def is_partner(self) -> bool:
        return bool(self.partner_records)

    @property
    def is_followup(self) -> bool:
        return bool(self.followup_kind)

    @property
    def is_register(self) -> bool:
        return bool(self.register_records)

    @property
    def filters(self) -> tuple[str, str, str]:
        return (self.mode, self.age_band, self.qpv)

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The definition in French words; `names` maps activity codes to their labels (codes are never shown)."""
        names = names or {}
        if self.definition:
            return self.definition
        if self.register_records:
            from reporting.indicators.registers import describe_records

            return describe_records(self.register_records)
        if self.partner_records == ("conventions_signed",):
            return str(_("Conventions de partenariat signées dans la période (date de signature)."))
        if self.partner_records:
            return str(_("Actions partenariales enregistrées sur les conventions : %(kinds)s.")) % {
                "kinds": ", ".join(str(EventKind(kind).label).lower() for kind in self.partner_records)
            }
        if self.followup_kind:
            return str(_("Personnes distinctes ayant un suivi « %(kind)s » actif sur la période.")) % {
                "kind": FollowUpKind(self.followup_kind).label
            }
        what = {
            "count": _("Somme du nombre d'actes"),
            "beneficiaries": _("Somme des bénéficiaires (femmes + hommes + non précisé)"),
            "women": _("Somme des bénéficiaires femmes"),
            "men": _("Somme des bénéficiaires hommes"),
            "unknown": _("Somme des bénéficiaires non précisés"),
            "hours": _("Somme des durées, en heures"),
        }[self.measure]
        described = f"{what} — {', '.join(names.get(code, code) for code in self.activities)}"
        filters = []
        if self.mode:
            filters.append(str(_("modalité « %(mode)s »")) % {"mode": ReferralMode(self.mode).label})
        if self.age_band:
            filters.append(str(_("tranche d'âge « %(band)s »")) % {"band": AgeBand(self.age_band).label})
        if self.qpv:
            filters.append(str(_("en QPV") if self.qpv == "in" else _("hors QPV")))
        return f"{described} ({', '.join(filters)})" if filters else described


# --- The rows, cached per process ---------------------------------------------------------------------------

REGISTRY_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, list[Indicator]]] = {}


def _definition_to_indicator(row) -> Indicator:
    records = tuple(code.strip() for code in row.records.split(",") if code.strip())
    return Indicator(
        code=row.code,
        label=row.label,
        section=row.section,
        activities=tuple(sorted(activity.code for activity in row.activity_types.all())),
        measure=row.measure,
        followup_kind=row.followup_kind,
        partner_records=records if row.source == "partners" else (),
        register_records=records if row.source == "registers" else (),
        in_evaluation=row.in_evaluation,
        unit=row.unit,
        definition=row.definition,
        mode=row.mode,
        age_band=row.age_band,
        qpv=row.qpv,
        order=row.order,
    )


def active_indicators() -> list[Indicator]:
    """Every active indicator, in report order (section, then order, then code)."""
    now = time.monotonic()
    cached = _cache.get("indicators")
    if cached is not None and cached[0] > now:
        return cached[1]
    model = django_apps.get_model("reporting", "IndicatorDefinition")
    rows = model.objects.filter(is_active=True).prefetch_related("activity_types")
    loaded = sort_indicators([_definition_to_indicator(row) for row in rows])
    _cache["indicators"] = (now + REGISTRY_CACHE_SECONDS, loaded)
    return loaded


def sort_indicators(indicators_list: list[Indicator]) -> list[Indicator]:
    """Report order: section, then order, then code."""
    section_order = {section.code: index for index, section in enumerate(SECTIONS)}
    return sorted(
        indicators_list,
        key=lambda indicator: (section_order.get(indicator.section, len(SECTIONS)), indicator.order, indicator.code),
    )


def forget() -> None:
    """Drop the cached indicators now, and again once the transaction commits."""
    _cache.clear()
    transaction.on_commit(_cache.clear)


def preload(indicators_list: list[Indicator]) -> None:
    """Put a list in the cache (tests start each case with the built-in indicators cached, as a running process)."""
    _cache["indicators"] = (math.inf, sort_indicators(indicators_list))


class _Registry(Mapping):
    """`REGISTRY[code]` → Indicator, read from the cached rows."""

    def _data(self) -> dict[str, Indicator]:
        return {indicator.code: indicator for indicator in active_indicators()}

    def __getitem__(self, code: str) -> Indicator:
        return self._data()[code]

    def __iter__(self):
        return iter(self._data())

    def __len__(self) -> int:
        return len(active_indicators())

    def __contains__(self, code) -> bool:
        return any(indicator.code == code for indicator in active_indicators())

    def __repr__(self) -> str:
        return f"REGISTRY({', '.join(self)})"


class _Codes(Sequence):
    """A live list of codes (all indicators, or those of the evaluation tables)."""

    def __init__(self, evaluation_only: bool):
        self.evaluation_only = evaluation_only

    def _data(self) -> list:
        return [i.code for i in active_indicators() if i.in_evaluation or not self.evaluation_only]

    def __getitem__(self, index):
        return self._data()[index]

    def __len__(self) -> int:
        return len(self._data())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self._data())


class _Indicators(Sequence):
    def __getitem__(self, index):
        return active_indicators()[index]

    def __len__(self) -> int:
        return len(active_indicators())


REGISTRY: Mapping[str, Indicator] = _Registry()
INDICATORS: Sequence[Indicator] = _Indicators()
EVALUATION_CODES: Sequence[str] = _Codes(evaluation_only=True)


def get(code: str) -> Indicator:
    return REGISTRY[code]


def choices() -> list[tuple[str, str]]:
    """For a form or admin field binding a service-project indicator to the registry (call it: it reads rows)."""
    return [(indicator.code, f"{indicator.code} — {indicator.label}") for indicator in active_indicators()]
