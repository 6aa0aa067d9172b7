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
    if not user.is_authenticated or is_case_work_line(intervention):
        return False
    if user.role == Role.MANAGER and intervention.team_id in team_ids(user):
        return True
    if intervention.author_id == user.pk and user.role in (Role.MEDIATOR, Role.MANAGER):
        return timezone.now() - intervention.created_at <= timedelta(days=EDIT_WINDOW_DAYS)
    return False


def is_case_work_line(intervention) -> bool:
    """A line recorded by a conflict session or a technical report counts that record: it changes from there."""
    from mediation.models import InterventionSource

    return intervention.source in (InterventionSource.CONFLICT, InterventionSource.TECHNICAL)


# --- Case work: conflict cases, follow-ups, technical watch, person records ------------------------------------


def _team_scoped(user, queryset: QuerySet) -> QuerySet:
    """Director sees every row; mediators and managers the rows of their teams; anyone else nothing."""
    if not user.is_authenticated:
        return queryset.none()
    if user.role == Role.DIRECTOR:
        return queryset
    if user.role in (Role.MANAGER, Role.MEDIATOR):
        return queryset.filter(team_id__in=team_ids(user))
    return queryset.none()


def visible_conflict_cases(user, cases: QuerySet) -> QuerySet:
    return _team_scoped(user, cases)


def visible_technical_reports(user, reports: QuerySet) -> QuerySet:
    return _team_scoped(user, reports)


def visible_followups(user, followups: QuerySet) -> QuerySet:
    """Follow-ups hold personal data: only the owning team's mediators and managers see them."""
    if not user.is_authenticated or user.role not in (Role.MANAGER, Role.MEDIATOR):
        return followups.none()
    return followups.filter(team_id__in=team_ids(user))


def can_work_on_team(user, team_id: int) -> bool:
    """Mediators and managers act (log, update, close) on their own teams' cases and reports."""
    return can_log_activity(user) and team_id in team_ids(user)


def is_in_owning_team(user, person) -> bool:
    return user.is_authenticated and user.role in (Role.MEDIATOR, Role.MANAGER) and person.team_id in team_ids(user)


# Extra rules giving access to a person's record outside the owning team: callables (user, person) -> bool.
# The partners app appends its own (e.g. a counsellor with a valid referral or share for this person).
PERSON_ACCESS_RULES: list = []


def can_view_person(user, person) -> bool:
    """The owning team and the director see a person's record; anyone else only where a rule allows.

    Every opening by someone outside the owning team is written to the read log (see `mediation.views.persons`).
    """
    if not user.is_authenticated:
        return False
    if is_in_owning_team(user, person) or user.role == Role.DIRECTOR:
        return True
    return any(rule(user, person) for rule in PERSON_ACCESS_RULES)


def must_log_person_read(user, person) -> bool:
    return not is_in_owning_team(user, person)
