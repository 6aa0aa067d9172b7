"""Commitments held vs planned, counted from partner events in one aggregate query."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from partners.models import Commitment, CommitmentKind, PartnerEvent, event_commitment_kind


@dataclass
class CommitmentProgress:
    commitment: Commitment
    planned: int
    realised: int
    days: Decimal = Decimal(0)
    by_site: dict = field(default_factory=dict)  # site name -> meetings, for per-site commitments

    @property
    def label(self) -> str:
        return self.commitment.get_kind_display()

    @property
    def is_met(self) -> bool:
        return self.realised >= self.planned

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.realised / self.planned)) if self.planned else 100


def progress_by_convention(
    conventions, year: int, *, start: date | None = None, end: date | None = None
) -> dict[int, list[CommitmentProgress]]:
    """For each convention id: its commitments with what was planned for `year` and what was realised.

    `start` and `end` (both included) replace the calendar year, for a convention year (anniversary to
    anniversary): the planned figures are yearly, so the window is one year long.

    Three queries whatever the number of conventions and events: commitments, site counts, and one
    aggregate over events grouped by convention, kind, direction and site.
    """
    ids = [c.pk for c in conventions]
    order = list(CommitmentKind.values)
    commitments = sorted(
        Commitment.objects.filter(convention_id__in=ids), key=lambda c: (c.convention_id, order.index(c.kind))
    )
    site_counts = dict(
        Commitment.objects.filter(convention_id__in=ids)
        .values_list("convention_id")
        .annotate(n=Count("convention__sites", distinct=True))
        .values_list("convention_id", "n")
    )
    events = PartnerEvent.objects.filter(convention_id__in=ids)
    events = events.filter(date__gte=start, date__lte=end) if start and end else events.in_year(year)
    rows = (
        events.values("convention_id", "kind", "immersion_direction", "site__name")
        .annotate(n=Count("id"), days=Sum("days"))
        .order_by()
    )
    realised: dict[tuple[int, str], int] = {}
    days: dict[tuple[int, str], Decimal] = {}
    by_site: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["convention_id"], event_commitment_kind(row["kind"], row["immersion_direction"]))
        realised[key] = realised.get(key, 0) + row["n"]
        days[key] = days.get(key, Decimal(0)) + (row["days"] or Decimal(0))
        if row["site__name"]:
            sites = by_site.setdefault(key, {})
            sites[row["site__name"]] = sites.get(row["site__name"], 0) + row["n"]
    result: dict[int, list[CommitmentProgress]] = {pk: [] for pk in ids}
    for commitment in commitments:
        key = (commitment.convention_id, commitment.kind)
        planned = commitment.planned_per_year
        if commitment.per_site:
            planned *= max(site_counts.get(commitment.convention_id, 0), 1)
        result[commitment.convention_id].append(
            CommitmentProgress(
                commitment=commitment,
                planned=planned,
                realised=realised.get(key, 0),
                days=days.get(key, Decimal(0)),
                by_site=by_site.get(key, {}) if commitment.kind == CommitmentKind.MEETING else {},
            )
        )
    return result
