"""The mediation app's reference data as each process keeps it (`altm.reference`): activity types, territories,
sites, landlords and which territories each team covers. Read from the database again only after one of them
changed (in any process); the entry form, the tally and the recording services read them from here."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from altm import reference
from mediation.models import ActivityType, DailyReport, Landlord, Site, Team, Territory

# Days validated by a manager are kept for the last RECENT_DAYS days (where nearly every entry falls); an entry
# dated earlier asks the database.
RECENT_DAYS = 62


@dataclass(frozen=True)
class TeamCover:
    team: Team
    territory_ids: frozenset[int]


@dataclass(frozen=True)
class Reference:
    activity_types: dict[int, ActivityType]  # every type, active or not, in the order of the model
    territories: dict[int, Territory]  # by name
    sites: dict[int, Site]  # every site, active or not, by name, each with its territory
    landlords: dict[int, Landlord]  # by name
    teams: tuple[TeamCover, ...]  # by name

    def teams_covering(self, territory_id: int) -> list[Team]:
        """The teams covering a territory, by name."""
        return [cover.team for cover in self.teams if territory_id in cover.territory_ids]

    def territories_of(self, team_ids) -> list[Territory]:
        """The territories the teams `team_ids` cover, by name."""
        wanted = set(team_ids)
        ids = {pk for cover in self.teams if cover.team.pk in wanted for pk in cover.territory_ids}
        return [territory for pk, territory in self.territories.items() if pk in ids]


def _build() -> Reference:
    territories = {territory.pk: territory for territory in Territory.objects.order_by("name")}
    sites = {}
    for site in Site.objects.order_by("name"):
        site.territory = territories[site.territory_id]  # one shared instance, no query when read
        sites[site.pk] = site
    teams = Team.objects.order_by("name").prefetch_related("territories")
    return Reference(
        activity_types={activity.pk: activity for activity in ActivityType.objects.all()},
        territories=territories,
        sites=sites,
        landlords={landlord.pk: landlord for landlord in Landlord.objects.order_by("name")},
        teams=tuple(TeamCover(team, frozenset(t.pk for t in team.territories.all())) for team in teams),
    )


def current() -> Reference:
    """The reference data, as of this request."""
    return reference.cached("mediation", _build)


@dataclass(frozen=True)
class RecentValidations:
    since: date
    days: frozenset[tuple[int, date]]  # (team id, day) pairs validated since `since`


def _build_validations() -> RecentValidations:
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    rows = (
        DailyReport.objects.filter(date__gte=since, validated_at__isnull=False)
        .order_by()
        .values_list("team_id", "date")
    )
    return RecentValidations(since=since, days=frozenset(rows))


def recent_validations() -> RecentValidations:
    """The team days validated lately (a validation is rare: a few a day), as of this request."""
    return reference.cached("validated-days", _build_validations)


reference.watch(ActivityType, Territory, Site, Landlord, Team, DailyReport)
