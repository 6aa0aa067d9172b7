"""Funder reports and adultes-relais summaries: the evaluation's figures over the activity a funder pays for.

The scope of a funder for a year is the union of its dispositifs' attributions (team, territory or site, over
their dates) and of its adultes-relais posts (the holder's own lines during the contract). The figures are the
registry's, computed by `indicators.compute` on that scope: the same computation as the evaluation, so a funder
whose scope is a whole territory gets exactly the evaluation's figures for that territory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import ActivityType, DailyTotal, FollowUp, Qpv, Territory
from mediation.models.interventions import qpv_of_line
from partners.models import AdultRelayPost, Attribution, Funder
from reporting import indicators
from reporting.evaluation import FAMILY_TOTALS, EvaluationReport
from reporting.indicators import ALL, EVALUATION_CODES, SECTION_LABELS, Period
from reporting.models import FunderReportNote

NOWHERE = Q(pk__in=[])


@dataclass
class QpvRow:
    label: str
    code: str  # official QPV code, "" for the lines outside QPV
    acts: int
    women: int
    men: int
    unknown: int

    @property
    def beneficiaries(self) -> int:
        return self.women + self.men + self.unknown


@dataclass
class ScopedActivity:
    """What was done in a scope over a period: the evaluation's tables, acts by family, by QPV, people reached."""

    period: Period
    evaluation: EvaluationReport
    families: list[tuple[str, int]]
    qpv_rows: list[QpvRow]
    women: int
    men: int
    unknown: int
    lines: int

    @property
    def beneficiaries(self) -> int:
        return self.women + self.men + self.unknown

    @property
    def acts(self) -> int:
        return sum(value for _label, value in self.families)

    @property
    def qpv_acts(self) -> int:
        return sum(row.acts for row in self.qpv_rows if row.code)

    @property
    def is_empty(self) -> bool:
        return self.lines == 0 and not any(self.evaluation.values.values())


def partial_until(period: Period, today: date) -> date | None:
    """The last day counted when the period is not over yet (the report says "au 02/12/2026"), else None."""
    return today if period.start <= today < period.end else None


def scoped_activity(where: Q, period: Period, *, followups_where: Q = NOWHERE) -> ScopedActivity:
    """The registry's indicators over the lines matching `where` in `period`, by territory, and the QPV split.

    Follow-ups count persons and have no site: `followups_where` says which count (a funder's whole territories,
    a post holder's own follow-ups), none by default.
    """
    # The funder's scope holds date ranges (an attribution from the 10th): the daily roll-up is exact for them.
    interventions = DailyTotal.objects.filter(where)
    followups = FollowUp.objects.filter(followups_where)
    territory_ids = set(interventions.in_period(period.start, period.end).values_list("territory_id", flat=True))
    if followups_where is not NOWHERE:
        active = followups.filter(
            Q(started_on__lte=period.end), Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
        )
        territory_ids |= set(active.values_list("territory_id", flat=True).distinct())
    territories = list(Territory.objects.filter(id__in=territory_ids).order_by("name").values_list("code", "name"))
    table = indicators.compute(EVALUATION_CODES, period=period, by=("territory",), where=where, followups=followups)
    year = period.start.year
    values = {(code, territory, year): value for (code, territory), value in table.values.items()}
    evaluation = EvaluationReport(
        first_year=year, last_year=year, territories=territories, territory=None, values=values
    )
    families = [
        (str(SECTION_LABELS[family]), sum(table.get(code, ALL) for code in codes))
        for family, codes in FAMILY_TOTALS.items()
    ]
    acts_codes = [code for codes in FAMILY_TOTALS.values() for code in codes]
    activity_ids = _activity_ids(acts_codes)
    rows = (
        interventions.in_period(period.start, period.end)
        .order_by()
        .annotate(qpv=qpv_of_line())
        .values("qpv")
        .annotate(
            acts=Sum("count", filter=Q(activity_type_id__in=activity_ids)),
            women=Sum("women"),
            men=Sum("men"),
            unknown=Sum("unknown"),
            n=Sum("lines"),
        )
    )
    qpvs = {qpv.pk: qpv for qpv in Qpv.objects.all()}
    qpv_rows, outside, lines = [], QpvRow(str(_("Hors quartier prioritaire")), "", 0, 0, 0, 0), 0
    for row in rows:
        lines += row["n"]
        values_ = [row["acts"] or 0, row["women"] or 0, row["men"] or 0, row["unknown"] or 0]
        if row["qpv"] is None:
            outside = QpvRow(outside.label, "", *values_)
        else:
            qpv = qpvs[row["qpv"]]
            qpv_rows.append(QpvRow(qpv.name, qpv.code, *values_))
    qpv_rows.sort(key=lambda item: item.label)
    qpv_rows.append(outside)
    return ScopedActivity(
        period=period,
        evaluation=evaluation,
        families=families,
        qpv_rows=qpv_rows,
        women=sum(row.women for row in qpv_rows),
        men=sum(row.men for row in qpv_rows),
        unknown=sum(row.unknown for row in qpv_rows),
        lines=lines,
    )


def _activity_ids(codes: list[str]) -> list[int]:
    wanted = {activity for code in codes for activity in indicators.REGISTRY[code].activities}
    return list(ActivityType.objects.filter(code__in=wanted).values_list("id", flat=True))


@dataclass
class FunderReport:
    funder: Funder
    year: int
    attributions: list[Attribution]
    posts: list[AdultRelayPost]
    activity: ScopedActivity
    highlights: str
    until: date | None  # last day counted when the year is not over
    generated_at: object = field(default_factory=timezone.now)

    @property
    def period(self) -> Period:
        return self.activity.period

    @property
    def title(self) -> str:
        return str(_("Rapport d'activité %(year)s — %(funder)s")) % {"year": self.year, "funder": self.funder.name}

    @property
    def scope_label(self) -> str:
        return self.funder.name

    def csv_rows(self) -> list[tuple]:
        """Long format: indicator, territory (code or ALL), value; then families, QPV rows and people reached."""
        rows = [(code, territory, value) for code, territory, _year, value in self.activity.evaluation.csv_rows()]
        for label, value in self.activity.families:
            rows.append((f"famille:{label}", ALL, value))
        for row in self.activity.qpv_rows:
            rows.append(("qpv.actes", row.code or "HORS_QPV", row.acts))
            rows.append(("qpv.beneficiaires", row.code or "HORS_QPV", row.beneficiaries))
        rows += [("personnes.femmes", ALL, self.activity.women), ("personnes.hommes", ALL, self.activity.men)]
        rows.append(("personnes.non_precise", ALL, self.activity.unknown))
        return rows


def funder_scope(funder: Funder, period: Period) -> tuple[Q, list[int], list[Attribution], list[AdultRelayPost]]:
    """The lines a funder pays for in `period`, the territories wholly in scope (for follow-ups), and the
    attributions and posts that define the scope (two queries)."""
    attributions = list(
        Attribution.objects.filter(dispositif__funder=funder).select_related("dispositif", "team", "territory", "site")
    )
    posts = list(
        AdultRelayPost.objects.filter(dispositif__funder=funder).select_related("holder", "qpv", "dispositif")
    )
    parts = [item.lines(period.start, period.end) for item in [*attributions, *posts]]
    parts = [part for part in parts if part is not None]
    where = reduce(or_, parts) if parts else NOWHERE
    whole_territories = [
        item.territory_id
        for item in attributions
        if item.territory_id
        and (item.starts_on is None or item.starts_on <= period.start)
        and (item.ends_on is None or item.ends_on >= period.end)
    ]
    return where, whole_territories, attributions, posts


def build_funder_report(funder: Funder, year: int, *, today: date | None = None) -> FunderReport:
    today = today or timezone.localdate()
    period = Period.year(year)
    where, whole_territories, attributions, posts = funder_scope(funder, period)
    note = FunderReportNote.objects.filter(funder=funder, year=year).first()
    return FunderReport(
        funder=funder,
        year=year,
        attributions=attributions,
        posts=posts,
        activity=scoped_activity(where, period, followups_where=Q(territory_id__in=whole_territories)),
        highlights=note.highlights if note else "",
        until=partial_until(period, today),
    )


@dataclass
class PostSummary:
    """An adultes-relais post and its holder's activity over a year (the summary asked for at renewal)."""

    post: AdultRelayPost
    year: int
    window: tuple[date, date] | None
    activity: ScopedActivity | None
    until: date | None
    generated_at: object = field(default_factory=timezone.now)


def build_post_summary(post: AdultRelayPost, year: int, *, today: date | None = None) -> PostSummary:
    today = today or timezone.localdate()
    period = Period.year(year)
    window = post.window(period.start, period.end)
    activity = None
    if window is not None:
        activity = scoped_activity(post.lines(*window), Period(*window), followups_where=Q(mediator_id=post.holder_id))
    return PostSummary(post=post, year=year, window=window, activity=activity, until=partial_until(period, today))
