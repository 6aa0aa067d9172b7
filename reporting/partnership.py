"""The annual partnership review ("bilan annuel de la convention") for one convention and one year.

Commitments held vs planned (partners.commitments), meetings per common site, immersions, referrals both ways
with their outcomes, information shares by legal basis, and the renewal / notice dates. A fixed number of
queries whatever the size of the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from partners.commitments import progress_by_convention
from partners.dates import convention_year
from partners.models import (
    CommitmentKind,
    Convention,
    EventKind,
    InformationShare,
    LegalBasis,
    PartnerEvent,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from reporting.models import ConventionReviewNote


@dataclass
class ConventionReview:
    convention: Convention
    year: int
    start: date
    end: date
    is_convention_year: bool  # anniversary to anniversary (False: the calendar year)
    until: date | None  # last day counted when the year is not over
    climate: list[PartnerEvent]  # meetings of the year with a climate diagnosis
    note: ConventionReviewNote | None
    schedule: object
    commitments: list
    sites: list[tuple[str, int, int]]  # (site name, meetings held, meetings planned)
    events: list[PartnerEvent]
    immersions: list[PartnerEvent]
    referrals: list[dict]  # per direction: {direction, label, total, by_status: [(label, n)]}
    statuses: list[tuple[str, str]]
    shares: list[tuple[str, int]]  # (legal basis label, n)
    shares_total: int

    @property
    def commitments_met(self) -> int:
        return sum(1 for item in self.commitments if item.is_met)

    @property
    def is_empty(self) -> bool:
        """Nothing recorded in the period (no action, referral, information share, commitment progress nor
        comment): the PDF is one short page that says so."""
        return not (
            self.events
            or any(row["total"] for row in self.referrals)
            or self.shares_total
            or any(item.realised for item in self.commitments)
            or (self.note and (self.note.comments or self.note.perspectives))
        )

    @property
    def statuses_shown(self) -> list[tuple[int, str]]:
        """The referral statuses that have at least one referral (no empty column): (index, label)."""
        return [
            (index, label)
            for index, (_code, label) in enumerate(self.statuses)
            if any(row["by_status"][index][1] for row in self.referrals)
        ]

    @property
    def referral_rows(self) -> list[dict]:
        shown = [index for index, _label in self.statuses_shown]
        return [{**row, "shown": [row["by_status"][index][1] for index in shown]} for row in self.referrals]

    @property
    def events_have_site(self) -> bool:
        return any(event.site_id for event in self.events)

    @property
    def events_have_title(self) -> bool:
        return any(event.title for event in self.events)

    @property
    def immersions_have_title(self) -> bool:
        return any(event.title for event in self.immersions)


def review_window(convention: Convention, year: int, *, calendar: bool = False) -> tuple[date, date, bool]:
    """(first day, last day, is a convention year): the convention year beginning in `year` by default, the
    calendar year when asked or when the convention has no year beginning then (a draft, before signature)."""
    if not calendar:
        window = convention_year(convention.terms, year)
        if window is not None:
            return window[0], window[1], True
    return date(year, 1, 1), date(year, 12, 31), False


def build_convention_review(
    convention: Convention, year: int, *, today: date | None = None, calendar: bool = False
) -> ConventionReview:
    today = today or date.today()
    start, end, is_convention_year = review_window(convention, year, calendar=calendar)
    reference_day = min(today, end) if start <= today else end
    progress = progress_by_convention([convention], year, start=start, end=end).get(convention.pk, [])

    meeting_planned = 0
    for item in progress:
        if item.commitment.kind == CommitmentKind.MEETING:
            meeting_planned = item.commitment.planned_per_year
    events = list(
        convention.events.filter(date__gte=start, date__lte=end).select_related("site").order_by("date", "id")
    )
    held: dict[str, int] = {}
    for event in events:
        if event.kind == EventKind.MEETING and event.site is not None:
            held[event.site.name] = held.get(event.site.name, 0) + 1
    site_names = list(convention.sites.order_by("name").values_list("name", flat=True))
    for name in held:
        if name not in site_names:
            site_names.append(name)
    sites = [(name, held.get(name, 0), meeting_planned) for name in site_names]

    counts = (
        Referral.objects.filter(organisation=convention.organisation, date__gte=start, date__lte=end)
        .order_by()
        .values("direction", "status")
        .annotate(n=Count("id"))
    )
    by_direction: dict[str, dict[str, int]] = {}
    for row in counts:
        by_direction.setdefault(row["direction"], {})[row["status"]] = row["n"]
    statuses = list(ReferralStatus.choices)
    referrals = []
    for direction, label in ReferralDirection.choices:
        found = by_direction.get(direction, {})
        referrals.append(
            {
                "direction": direction,
                "label": label,
                "total": sum(found.values()),
                "by_status": [(status_label, found.get(status, 0)) for status, status_label in statuses],
            }
        )

    share_counts = dict(
        InformationShare.objects.filter(
            to_organisation=convention.organisation, shared_on__gte=start, shared_on__lte=end
        )
        .order_by()
        .values_list("legal_basis")
        .annotate(n=Count("id"))
        .values_list("legal_basis", "n")
    )
    shares = [(label, share_counts.get(code, 0)) for code, label in LegalBasis.choices]
    return ConventionReview(
        convention=convention,
        year=year,
        start=start,
        end=end,
        is_convention_year=is_convention_year,
        until=today if start <= today < end else None,
        climate=[event for event in events if event.climate_diagnosis.strip()],
        note=ConventionReviewNote.objects.filter(convention=convention, period_start=start).first(),
        schedule=convention.schedule(reference_day),
        commitments=progress,
        sites=sites,
        events=events,
        immersions=[event for event in events if event.kind == EventKind.IMMERSION],
        referrals=referrals,
        statuses=statuses,
        shares=shares,
        shares_total=sum(share_counts.values()),
    )
