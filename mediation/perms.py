"""Who may see what in field activity. Deny by default: an unknown role sees nothing."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role


def visible_teams(user, teams: QuerySet) -> QuerySet:
    if not user.is_authenticated:
        return teams.none()
    if user.role == Role.DIRECTOR:
        return teams
    if user.role == Role.MANAGER:
        return teams.filter(managers=user)
    if user.role == Role.MEDIATOR:
        return teams.filter(mediators=user)
    return teams.none()


def team_ids(user) -> list[int]:
    """Ids of the teams a user works in (as mediator or manager), cached on the user object."""
    from mediation.models import Team

    if not hasattr(user, "_altm_team_ids"):
        user._altm_team_ids = list(visible_teams(user, Team.objects.all()).values_list("id", flat=True))
    return user._altm_team_ids


def visible_interventions(user, interventions: QuerySet) -> QuerySet:
    if not user.is_authenticated:
        return interventions.none()
    if user.role == Role.DIRECTOR:
        return interventions
    if user.role in (Role.MANAGER, Role.MEDIATOR):
        return interventions.filter(team_id__in=team_ids(user))
    return interventions.none()


def entry_territories(user, territories: QuerySet) -> QuerySet:
    """Territories a user may log activity in: those of their teams."""
    if user.role in (Role.MEDIATOR, Role.MANAGER):
        return territories.filter(teams__id__in=team_ids(user)).distinct()
    return territories.none()


def can_log_activity(user) -> bool:
    return user.is_authenticated and user.role in (Role.MEDIATOR, Role.MANAGER)


def can_review_team(user) -> bool:
    return user.is_authenticated and user.role in (Role.MANAGER, Role.DIRECTOR)


EDIT_WINDOW_DAYS = 7


def can_edit_intervention(user, intervention) -> bool:
    """Authors edit or delete their own lines for 7 days; managers correct their team's lines."""
    if not user.is_authenticated:
        return False
    if user.role == Role.MANAGER and intervention.team_id in team_ids(user):
        return True
    if intervention.author_id == user.pk and user.role in (Role.MEDIATOR, Role.MANAGER):
        return timezone.now() - intervention.created_at <= timedelta(days=EDIT_WINDOW_DAYS)
    return False
