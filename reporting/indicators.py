"""The indicator registry: every figure a report shows, by stable code, with its French label and definition.

Definitions are computed in SQL. `compute()` runs ONE aggregate query over the intervention lines of the
period (grouped by the requested breakdowns × activity type) and ONE query per follow-up breakdown, then
assembles every indicator from those grouped rows. No query is ever run per cell.

The result (`IndicatorTable`) is what the HTML pages, the PDFs, the XLSX and the CSV exports all read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from mediation.models import ActivityType, FollowUp, FollowUpKind, Intervention, Territory
from partners.models import Convention, PartnerEvent

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

    @property
    def breakdowns(self) -> frozenset[str]:
        if self.partner_records:
            return PARTNER_BREAKDOWNS
        return FOLLOWUP_BREAKDOWNS if self.followup_kind else INTERVENTION_BREAKDOWNS

    @property
    def is_partner(self) -> bool:
        return bool(self.partner_records)

    @property
    def is_followup(self) -> bool:
        return bool(self.followup_kind)

    def describe(self) -> str:
        if self.definition:
            return self.definition
        if self.partner_records == ("conventions_signed",):
            return str(_("Conventions de partenariat signées dans la période (date de signature)."))
        if self.partner_records:
            return str(_("Actions partenariales enregistrées sur les conventions : %(kinds)s.")) % {
                "kinds": ", ".join(self.partner_records)
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
        return f"{what} — {', '.join(self.activities)}"


CONFLICT_ACTIVITIES = ("conflict_real_time", "conflict_deferred", "shuttle", "round_table", "conflict_prevention")

INDICATORS: list[Indicator] = [
    # --- Gestion de conflits
    Indicator("conflict.interventions", _("Interventions de gestion de conflits"), "conflict", CONFLICT_ACTIVITIES),
    Indicator("conflict.round_tables", _("dont tables rondes"), "conflict", ("round_table",)),
    Indicator("conflict.real_time", _("dont gestion en temps réel"), "conflict", ("conflict_real_time",)),
    Indicator("conflict.deferred", _("dont suivi de conflit en temps différé"), "conflict", ("conflict_deferred",)),
    Indicator("conflict.rule_reminders", _("Rappels à la règle"), "conflict", ("rule_reminder",)),
    Indicator("conflict.awareness", _("Actions de sensibilisation"), "conflict", ("awareness",)),
    Indicator("conflict.resident_consultations", _("Concertations habitants"), "conflict", ("resident_consultation",)),
    Indicator("conflict.liaison_sheets", _("Fiches de liaison"), "conflict", ("liaison_sheet",)),
    # --- Développement partenarial
    Indicator("partnership.referrals", _("Mises en relation"), "partnership", ("referral",)),
    Indicator(
        "partnership.referral_beneficiaries",
        _("Bénéficiaires des mises en relation"),
        "partnership",
        ("referral",),
        "beneficiaries",
    ),
    Indicator("partnership.referral_beneficiaries.women", _("dont femmes"), "partnership", ("referral",), "women"),
    Indicator("partnership.referral_beneficiaries.men", _("dont hommes"), "partnership", ("referral",), "men"),
    Indicator(
        "partnership.project_facilitations",
        _("Facilitation de projets : interventions"),
        "partnership",
        ("project_facilitation",),
    ),
    Indicator(
        "partnership.project_facilitation_beneficiaries",
        _("Facilitation de projets : bénéficiaires"),
        "partnership",
        ("project_facilitation",),
        "beneficiaries",
    ),
    Indicator(
        "partnership.youth_followups",
        _("Suivis jeunes adultes (personnes)"),
        "partnership",
        followup_kind=FollowUpKind.YOUNG_ADULT,
    ),
    # --- Assistance
    Indicator(
        "assistance.isolated_followups",
        _("Suivis de personnes isolées, fragilisées (personnes)"),
        "assistance",
        followup_kind=FollowUpKind.ISOLATED,
    ),
    Indicator("assistance.physical_help", _("Aide physique"), "assistance", ("physical_help",)),
    Indicator("assistance.moral_support", _("Aide morale"), "assistance", ("moral_support",)),
    Indicator("assistance.administrative_help", _("Aide administrative"), "assistance", ("administrative_help",)),
    Indicator("assistance.active_listening", _("Écoute active"), "assistance", ("active_listening",)),
    # --- Veille technique
    Indicator("technical_watch.transmissions", _("Transmissions"), "technical_watch", ("tw_transmission",)),
    Indicator("technical_watch.securings", _("Sécurisations"), "technical_watch", ("tw_securing",)),
    Indicator("technical_watch.interventions", _("Interventions techniques"), "technical_watch", ("tw_intervention",)),
    Indicator(
        "technical_watch.total",
        _("Total veille technique"),
        "technical_watch",
        ("tw_transmission", "tw_securing", "tw_intervention"),
    ),
    # --- Used by service-project indicators, not in the evaluation tables
    Indicator(
        "partnership.communications",
        _("Actions de communication"),
        "other",
        ("communication",),
        in_evaluation=False,
    ),
    Indicator("partnership.workshops", _("Ateliers"), "other", ("workshop",), in_evaluation=False),
    Indicator(
        "partnership.partner_meetings",
        _("Rencontres partenariales"),
        "other",
        ("partner_meeting",),
        in_evaluation=False,
    ),
    Indicator(
        "conflict.awareness_beneficiaries",
        _("Habitants sensibilisés"),
        "other",
        ("awareness",),
        "beneficiaries",
        in_evaluation=False,
    ),
    Indicator(
        "followups.resident_referents",
        _("Habitants référents suivis (personnes)"),
        "other",
        followup_kind=FollowUpKind.RESIDENT_REFERENT,
        in_evaluation=False,
    ),
    Indicator(
        "presence.training_hours",
        _("Heures de formation et d'échanges de pratiques"),
        "other",
        ("training",),
        "hours",
        in_evaluation=False,
        unit="h",
    ),
    Indicator(
        "presence.training_beneficiaries",
        _("Bénéficiaires des formations et échanges de pratiques"),
        "other",
        ("training",),
        "beneficiaries",
        in_evaluation=False,
    ),
]

INDICATORS += [
    Indicator(
        "partners.conventions_signed",
        _("Conventions de partenariat signées"),
        "other",
        partner_records=("conventions_signed",),
        in_evaluation=False,
    ),
    Indicator(
        "partners.presentations_immersions",
        _("Présentations des équipes et immersions"),
        "other",
        partner_records=("presentation", "immersion"),
        in_evaluation=False,
    ),
    Indicator(
        "partners.meetings",
        _("Rencontres sur les sites communs"),
        "other",
        partner_records=("meeting",),
        in_evaluation=False,
    ),
    Indicator(
        "partners.shared_actions",
        _("Actions partagées"),
        "other",
        partner_records=("shared_action",),
        in_evaluation=False,
    ),
]

REGISTRY: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
EVALUATION_CODES: list[str] = [indicator.code for indicator in INDICATORS if indicator.in_evaluation]


def get(code: str) -> Indicator:
    return REGISTRY[code]


def choices() -> list[tuple[str, str]]:
    """For a form or admin field binding a service-project indicator to the registry."""
    return [(indicator.code, f"{indicator.code} — {indicator.label}") for indicator in INDICATORS]


# --- Computation --------------------------------------------------------------------------------------------


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

    def active(start: date, end: date) -> Q:
        return Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))

    windows = {
        year: Period(max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))) for year in years
    }
    if not years:
        windows = {None: period}
    aggregates = {}
    for kind in kinds:
        for year, window in windows.items():
            aggregates[f"c_{kind}_{year}"] = Count(
                "person_id", distinct=True, filter=Q(kind=kind) & active(window.start, window.end)
            )
    base = queryset.filter(kind__in=kinds).filter(active(period.start, period.end)).order_by()
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


def compute(
    codes: list[str] | None = None,
    *,
    period: Period,
    by: tuple[str, ...] = ("year", "territory"),
    interventions=None,
    followups=None,
    with_totals: bool = True,
) -> IndicatorTable:
    """Compute `codes` for `period`, split by `by` (a subset of year, month, territory, team, mediator).

    `interventions` / `followups` are the base querysets (already limited to what the reader may see);
    with `with_totals`, rows with territory `ALL` hold the whole-agency totals.
    """
    codes = list(codes or EVALUATION_CODES)
    indicators = [REGISTRY[code] for code in codes]
    interventions = Intervention.objects.all() if interventions is None else interventions
    followups = FollowUp.objects.all() if followups is None else followups
    by = tuple(by)
    table = IndicatorTable(by=by, codes=codes)
    values: dict[tuple, int] = defaultdict(int)

    territory_codes = dict(Territory.objects.values_list("id", "code"))
    sum_indicators = [indicator for indicator in indicators if not indicator.is_followup and not indicator.is_partner]
    if sum_indicators:
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
        rows, years = _intervention_rows(interventions.filter(activity_type_id__in=wanted), period, by, measures)
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
                    amount = sums["minutes"] if indicator.measure == "hours" else sums[indicator.measure]
                    values[(indicator.code, *key)] += amount
                    if with_totals and "territory" in by:
                        total_key = tuple(ALL if name == "territory" else k for name, k in zip(by, key, strict=True))
                        values[(indicator.code, *total_key)] += amount
        for indicator in sum_indicators:
            if indicator.measure == "hours":
                for key in [k for k in values if k[0] == indicator.code]:
                    values[key] = round(values[key] / 60)

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
