"""The weekly technical-watch synthesis of one landlord: built once, rendered as the page, the PDF, the CSV and the
e-mail the landlord receives (with each report's signed link)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from altm import spreadsheets
from mediation.casework_forms import iso_week
from mediation.landlord_links import link_url
from mediation.models import Landlord, TechnicalReport, TechnicalReportStatus


@dataclass
class SynthesisRow:
    report: TechnicalReport
    status: str  # as it stood at the end of the week
    status_label: str
    transmitted_on: date | None
    resolved_on: date | None
    is_new: bool
    link: str = ""  # the landlord's signed link, in what is sent to the landlord

    @property
    def landlord_answer(self) -> str:
        """What the landlord said through its link, in one line ("" when nothing)."""
        return landlord_answer(self.report)


@dataclass
class SiteGroup:
    name: str
    territory: str
    rows: list[SynthesisRow] = field(default_factory=list)


@dataclass
class Synthesis:
    """What one landlord is sent for one week: every report pending at some point of the week, by site."""

    landlord: Landlord
    start: date
    end: date
    week: str
    groups: list[SiteGroup]
    new_count: int = 0
    resolved_count: int = 0
    pending_count: int = 0
    danger_count: int = 0
    with_links: bool = False

    @property
    def rows(self) -> list[SynthesisRow]:
        return [row for group in self.groups for row in group.rows]


def _fr(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def landlord_answer(report: TechnicalReport) -> str:
    parts = []
    if report.landlord_acknowledged_on:
        parts.append(_("pris en compte le %(day)s") % {"day": _fr(report.landlord_acknowledged_on)})
    if report.landlord_planned_on and not report.is_resolved:
        parts.append(_("intervention prévue le %(day)s") % {"day": _fr(report.landlord_planned_on)})
    if report.landlord_comment:
        parts.append(f"« {report.landlord_comment} »")
    return " · ".join(parts)


def week_to_send(today: date) -> tuple[date, date]:
    """The ISO week of yesterday: on a Monday the week just ended, later in the week the days so far."""
    yesterday = today - timedelta(days=1)
    start = yesterday - timedelta(days=yesterday.weekday())
    return start, start + timedelta(days=6)


def _status_at(report: TechnicalReport, end: date) -> tuple[str, date | None, date | None]:
    transmitted = report.transmitted_on if report.transmitted_on and report.transmitted_on <= end else None
    resolved = report.resolved_on if report.resolved_on and report.resolved_on <= end else None
    if resolved:
        return TechnicalReportStatus.RESOLVED, transmitted, resolved
    if transmitted:
        return TechnicalReportStatus.TRANSMITTED, transmitted, None
    return TechnicalReportStatus.OPEN, None, None


def build_synthesis(
    reports: QuerySet[TechnicalReport], landlord: Landlord, start: date, end: date, *, with_links: bool = False
) -> Synthesis:
    """One query: the `reports` (already scoped) of the landlord that were pending during the week, by site.

    `with_links` adds each pending report's signed link (what the landlord receives).
    """
    reports = (
        reports.filter(landlord=landlord)
        .active_between(start, end)
        .select_related("site", "territory")
        .prefetch_related("photos")
        .order_by("territory__name", "site__name", "reported_on", "id")
    )
    synthesis = Synthesis(
        landlord=landlord, start=start, end=end, week=iso_week(start), groups=[], with_links=with_links
    )
    groups: dict = {}
    for report in reports:
        status, transmitted, resolved = _status_at(report, end)
        key = (report.territory_id, report.site_id)
        if key not in groups:
            groups[key] = SiteGroup(
                name=report.site.name if report.site else _("Hors site"), territory=report.territory.name
            )
            synthesis.groups.append(groups[key])
        row = SynthesisRow(
            report=report,
            status=status,
            status_label=TechnicalReportStatus(status).label,
            transmitted_on=transmitted,
            resolved_on=resolved,
            is_new=start <= report.reported_on <= end,
            link=link_url(report) if with_links and not report.is_resolved else "",
        )
        groups[key].rows.append(row)
        synthesis.new_count += row.is_new
        synthesis.resolved_count += bool(resolved and resolved >= start)
        synthesis.pending_count += status != TechnicalReportStatus.RESOLVED
        synthesis.danger_count += report.is_danger and status != TechnicalReportStatus.RESOLVED
    return synthesis


CSV_HEADER = [
    "N°",
    "Secteur",
    "Site",
    "Lieu",
    "Équipement",
    "Problème",
    "Danger",
    "Statut en fin de semaine",
    "Constaté le",
    "Transmis le",
    "Résolu le",
    "Réponse du bailleur",
]


def synthesis_csv(synthesis: Synthesis) -> Iterator[str]:
    """Semicolon-separated UTF-8 with BOM: what a French spreadsheet opens without asking."""
    rows = (
        [
            row.report.pk,
            group.territory,
            group.name,
            row.report.place,
            row.report.equipment,
            row.report.problem,
            "oui" if row.report.is_danger else "non",
            row.status_label,
            _fr(row.report.reported_on),
            _fr(row.transmitted_on),
            _fr(row.resolved_on),
            row.landlord_answer,
        ]
        for group in synthesis.groups
        for row in group.rows
    )
    return spreadsheets.csv_lines(CSV_HEADER, rows, delimiter=";", lineterminator="\r\n")
