"""Counters on the registers (projects, diagnostics, territorial bodies, training): what a `registers` indicator
sums. A record is "counter" or "counter:kind" (e.g. "projects:residents"); an indicator adds up its records.

Every counter runs ONE query for the whole period, with one filtered aggregate per year. A row belongs to the year
of its date: a project to the year it starts, a diagnostic to the year it is engaged (or carried out), a meeting or
an exchange to its date, a training session's hours to the year it starts. Values that are stocks (VAE in progress,
share of certified mediators) are read on the last day of each year (or of the period). Accounts have no history:
"in post" means an active account today (the hours per employee also count those who trained in the year and left).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from partners.models import (
    BodyKind,
    BodyMeeting,
    Certification,
    CertificationRoute,
    CommunityProject,
    CoordinationMeeting,
    Diagnostic,
    DiagnosticKind,
    ExchangeKind,
    FeedbackSide,
    OrganisationKind,
    OutcomeFeedback,
    OutcomeKind,
    ProjectKind,
    SharedSituation,
    TeamExchange,
    TerritorialBody,
    TrainingAttendance,
)

EMPLOYEE_ROLES = (Role.MEDIATOR, Role.MANAGER)


@dataclass(frozen=True)
class Counter:
    label: str
    kinds: type | None = None  # the TextChoices a ":kind" suffix is checked against


COUNTERS: dict[str, Counter] = {
    "projects": Counter(_("projets et actions engagés"), ProjectKind),
    "people_invited": Counter(_("personnes invitées aux projets"), ProjectKind),
    "people_met": Counter(_("personnes rencontrées lors des projets"), ProjectKind),
    "diagnostics_started": Counter(_("diagnostics engagés"), DiagnosticKind),
    "diagnostics_completed": Counter(_("diagnostics réalisés"), DiagnosticKind),
    "diagnostics_processed_rate": Counter(_("part des diagnostics réalisés dont les données sont traitées")),
    "bodies_joined": Counter(_("instances territoriales rejointes"), BodyKind),
    "body_meetings": Counter(_("réunions d'instances territoriales suivies"), BodyKind),
    "training_hours": Counter(_("heures de formation suivies par les salariés")),
    "training_hours_per_employee": Counter(
        _(
            "heures de formation suivies, divisées par le nombre de médiateurs et managers (en poste, ou partis après "
            "s'être formés dans l'année)"
        )
    ),
    "certified_share": Counter(_("part des médiateurs en poste titulaires d'une certification")),
    "employees_certified": Counter(_("salariés ayant obtenu une certification")),
    "vae_in_progress": Counter(_("VAE en cours")),
    "exchanges": Counter(_("immersions et rencontres inter-équipes"), ExchangeKind),
    # Shared situations with partners (helper 7): ":kind" is the partner organisation's kind, or the outcome's.
    "shared_situations": Counter(_("personnes dont la situation est partagée avec un partenaire"), OrganisationKind),
    "coordination_meetings": Counter(_("réunions de coordination sur des situations partagées"), OrganisationKind),
    "outcomes": Counter(_("retours de résultat datés"), OutcomeKind),
    "outcomes_from_partner": Counter(_("retours de résultat faits par le partenaire"), OutcomeKind),
}

# What the partner indicators count (reporting/indicators/compute.py `_partner_counts`).
PARTNER_RECORDS = ("conventions_signed", "meeting", "immersion", "presentation", "shared_action")


def parse(record: str) -> tuple[str, str]:
    name, _sep, kind = record.partition(":")
    return name.strip(), kind.strip()


def unknown_records(source: str, records: list[str]) -> list[str]:
    """The records of `source` ("registers" or "partners") that no counter knows."""
    if source == "partners":
        from partners.models import EventKind

        known = {"conventions_signed", *EventKind.values}
        return [record for record in records if record not in known]
    unknown = []
    for record in records:
        name, kind = parse(record)
        counter = COUNTERS.get(name)
        if counter is None or (kind and (counter.kinds is None or kind not in counter.kinds.values)):
            unknown.append(record)
    return unknown


def describe_records(records: tuple[str, ...]) -> str:
    parts = []
    for record in records:
        name, kind = parse(record)
        counter = COUNTERS[name]
        text = str(counter.label)
        if kind and counter.kinds is not None:
            text += f" « {counter.kinds(kind).label} »"
        parts.append(text)
    return str(_("Registres : %(what)s.")) % {"what": " + ".join(parts)}


def _windows(start: date, end: date, years: list[int | None]) -> dict[int | None, tuple[date, date]]:
    if years == [None]:
        return {None: (start, end)}
    return {year: (max(start, date(year, 1, 1)), min(end, date(year, 12, 31))) for year in years}


def _one_decimal(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _in(field: str, first: date, last: date) -> Q:
    return Q(**{f"{field}__gte": first, f"{field}__lte": last})


TRAINING_HOURS = Coalesce("hours", "session__hours", output_field=DecimalField(max_digits=9, decimal_places=1))
MODELS = {
    "projects": CommunityProject,
    "diagnostics": Diagnostic,
    "bodies": TerritorialBody,
    "meetings": BodyMeeting,
    "exchanges": TeamExchange,
    "attendances": TrainingAttendance,
    "certifications": Certification,
    "users": User,
    "situations": SharedSituation,
    "coordination": CoordinationMeeting,
    "outcomes": OutcomeFeedback,
}


def _aggregates(name: str, kind: str, windows) -> dict[tuple[str, str], object]:
    """{(table, alias): aggregate} a counter needs; aliases are "<counter>_<kind>_<year>" (and variants)."""
    by_kind = Q(kind=kind) if kind else Q()
    tag = f"{name}_{kind}"
    result = {}
    for year, (first, last) in windows.items():
        if name == "projects":
            result[("projects", f"{tag}_{year}")] = Count("id", filter=by_kind & _in("started_on", first, last))
        elif name in ("people_invited", "people_met"):
            result[("projects", f"{tag}_{year}")] = Sum(name, filter=by_kind & _in("started_on", first, last))
        elif name == "diagnostics_started":
            result[("diagnostics", f"{tag}_{year}")] = Count("id", filter=by_kind & _in("started_on", first, last))
        elif name in ("diagnostics_completed", "diagnostics_processed_rate"):
            completed = _in("completed_on", first, last)
            result[("diagnostics", f"diagnostics_completed_{kind}_{year}")] = Count("id", filter=by_kind & completed)
            result[("diagnostics", f"processed_{year}")] = Count("id", filter=completed & Q(data_processed=True))
        elif name == "bodies_joined":
            result[("bodies", f"{tag}_{year}")] = Count("id", filter=by_kind & _in("joined_on", first, last))
        elif name == "body_meetings":
            of_kind = Q(body__kind=kind) if kind else Q()
            result[("meetings", f"{tag}_{year}")] = Count("id", filter=of_kind & _in("date", first, last))
        elif name == "exchanges":
            result[("exchanges", f"{tag}_{year}")] = Count("id", filter=by_kind & _in("date", first, last))
        elif name in ("training_hours", "training_hours_per_employee"):
            hours = Sum(TRAINING_HOURS, filter=_in("session__started_on", first, last))
            result[("attendances", f"hours_{year}")] = hours
            # Employees: the mediators and managers in post, and whoever of them trained in the year and has left.
            trained = TrainingAttendance.objects.filter(_in("session__started_on", first, last)).values("employee_id")
            employees = Q(role__in=EMPLOYEE_ROLES) & (Q(is_active=True) | Q(id__in=trained))
            result[("users", f"employees_{year}")] = Count("id", filter=employees)
        elif name == "employees_certified":
            result[("certifications", f"{tag}_{year}")] = Count(
                "employee", filter=_in("obtained_on", first, last), distinct=True
            )
        elif name == "vae_in_progress":
            result[("certifications", f"{tag}_{year}")] = Count(
                "id",
                filter=Q(route=CertificationRoute.VAE, started_on__lte=last)
                & (Q(obtained_on__isnull=True) | Q(obtained_on__gt=last))
                & (Q(abandoned_on__isnull=True) | Q(abandoned_on__gt=last)),
            )
        elif name == "certified_share":
            mediators = Q(role=Role.MEDIATOR, is_active=True)
            certified = Certification.objects.filter(obtained_on__lte=last).values("employee_id")
            result[("users", f"mediators_{year}")] = Count("id", filter=mediators)
            result[("users", f"certified_{year}")] = Count("id", filter=mediators & Q(id__in=certified))
        elif name == "shared_situations":
            of_kind = Q(organisation__kind=kind) if kind else Q()
            active = Q(opened_on__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gte=first))
            result[("situations", f"{tag}_{year}")] = Count("person", filter=of_kind & active, distinct=True)
        elif name == "coordination_meetings":
            of_kind = Q(situation__organisation__kind=kind) if kind else Q()
            result[("coordination", f"{tag}_{year}")] = Count("id", filter=of_kind & _in("date", first, last))
        elif name in ("outcomes", "outcomes_from_partner"):
            side = Q(side=FeedbackSide.PARTNER) if name == "outcomes_from_partner" else Q()
            result[("outcomes", f"{tag}_{year}")] = Count("id", filter=by_kind & side & _in("dated_on", first, last))
        else:
            raise ValueError(f"compteur inconnu : {name}")
    return result


def _value(name: str, kind: str, year, values: dict):
    """A counter's value for a year, from the aggregates of every table."""
    tag = f"{name}_{kind}"
    if name == "diagnostics_processed_rate":
        completed = values["diagnostics"][f"diagnostics_completed_{kind}_{year}"] or 0
        processed = values["diagnostics"][f"processed_{year}"] or 0
        return _one_decimal(processed * 100 / completed) if completed else 0
    if name == "training_hours":
        return _one_decimal(values["attendances"][f"hours_{year}"] or 0)
    if name == "training_hours_per_employee":
        employees = values["users"][f"employees_{year}"]
        hours = values["attendances"][f"hours_{year}"] or 0
        return _one_decimal(hours / employees) if employees else 0
    if name == "certified_share":
        mediators = values["users"][f"mediators_{year}"]
        return _one_decimal(values["users"][f"certified_{year}"] * 100 / mediators) if mediators else 0
    return values[TABLE_OF[name]][f"{tag}_{year}"] or 0


# The table each plain counter reads.
TABLE_OF = {
    "projects": "projects",
    "people_invited": "projects",
    "people_met": "projects",
    "diagnostics_started": "diagnostics",
    "diagnostics_completed": "diagnostics",
    "bodies_joined": "bodies",
    "body_meetings": "meetings",
    "exchanges": "exchanges",
    "employees_certified": "certifications",
    "vae_in_progress": "certifications",
    "shared_situations": "situations",
    "coordination_meetings": "coordination",
    "outcomes": "outcomes",
    "outcomes_from_partner": "outcomes",
}


def register_counts(start: date, end: date, years: list[int | None], indicators) -> dict:
    """{(code, year) or (code,): value} for the register indicators, in ONE query per table involved."""
    windows = _windows(start, end, years)
    records = sorted({parse(record) for indicator in indicators for record in indicator.register_records})
    wanted: dict[str, dict] = {}
    for name, kind in records:
        for (table, alias), aggregate in _aggregates(name, kind, windows).items():
            wanted.setdefault(table, {})[alias] = aggregate
    values = {table: MODELS[table].objects.order_by().aggregate(**aggregates) for table, aggregates in wanted.items()}
    result = {}
    for indicator in indicators:
        for year in windows:
            key = (indicator.code, year) if year is not None else (indicator.code,)
            result[key] = sum(_value(*parse(record), year, values) for record in indicator.register_records)
    return result


__all__ = ["COUNTERS", "PARTNER_RECORDS", "describe_records", "register_counts", "unknown_records"]
