"""Who sees which rows: the one ladder behind every QuerySet's `for_user(user)`. Deny by default.

Anonymous -> nothing; the roles that see the whole table (the director, unless the model says otherwise) -> every
row; mediators and managers -> the rows of their teams; anyone else -> nothing. Each model only says how a row
reaches its team. The partners app extends `Scope` for counsellors (`partners.scoping`).
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection, models
from django.db.models import Q

from accounts.models import Role

FIELD_STAFF = (Role.MEDIATOR, Role.MANAGER)


def _memberships(user) -> dict[str, list[int]]:
    """The teams `user` works in and those they manage (one query, cached on the user object)."""
    if not hasattr(user, "_altm_memberships"):
        found = {"works_in": [], "manages": []}
        if user.is_authenticated:
            # The two membership tables in one query: user.teams (Team.mediators), user.managed_teams
            # (Team.managers). Plain SQL: this runs on nearly every request, and compiling a UNION of two
            # querysets cost more CPU than the query itself.
            works_in, manages = user.teams.through._meta.db_table, user.managed_teams.through._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT team_id, 0 FROM {works_in} WHERE user_id = %s "  # table names from the models
                    f"UNION ALL SELECT team_id, 1 FROM {manages} WHERE user_id = %s",
                    [user.pk, user.pk],
                )
                for team_id, is_manager in cursor.fetchall():
                    found["manages" if is_manager else "works_in"].append(team_id)
        user._altm_memberships = found
    return user._altm_memberships


def team_ids(user) -> list[int]:
    """Ids of the teams a mediator or manager works in (none for other roles), cached on the user object.

    A manager belongs to the teams they manage (`Team.managers`, reverse `user.managed_teams`), a mediator to the
    teams they work in (`Team.mediators`, reverse `user.teams`).
    """
    if not user.is_authenticated or user.role not in FIELD_STAFF:
        return []
    return _memberships(user)["manages" if user.role == Role.MANAGER else "works_in"]


def member_team_ids(user) -> set[int]:
    """Ids of every team `user` belongs to, as a mediator or a manager, whatever their role (same query)."""
    if user is None or not user.is_authenticated:
        return set()
    found = _memberships(user)
    return {*found["works_in"], *found["manages"]}


@dataclass(frozen=True)
class Scope:
    """How the rows of one model reach the people who may see them."""

    # Lookups from a row to the id of a team: field staff see a row when one of them is a team of theirs.
    team_paths: tuple[str, ...] = ("team_id",)
    # Roles that see every row.
    seen_whole_by: tuple[str, ...] = (Role.DIRECTOR,)

    def apply(self, queryset: models.QuerySet, user) -> models.QuerySet:
        if not user.is_authenticated:
            return queryset.none()
        if user.role in self.seen_whole_by:
            return queryset
        condition = self.condition(user)
        return queryset.none() if condition is None else queryset.filter(condition)

    def condition(self, user) -> Q | None:
        """The rows a user who does not see the whole table sees, or None for none."""
        if user.role in FIELD_STAFF and self.team_paths:
            ids = team_ids(user)
            return reduce(operator.or_, (Q(**{f"{path}__in": ids}) for path in self.team_paths))
        return None


@dataclass(frozen=True)
class TeamScope(Scope):
    """For Team itself: field staff see the teams they belong to (those of `team_ids`), read through the membership
    so that listing one's teams costs one query."""

    def condition(self, user) -> Q | None:
        if user.role == Role.MANAGER:
            return Q(managers=user)
        if user.role == Role.MEDIATOR:
            return Q(mediators=user)
        return None


class ScopedQuerySet(models.QuerySet):
    scope = Scope()

    def for_user(self, user):
        """The rows this user may see (see `Scope`)."""
        return self.scope.apply(self, user)
