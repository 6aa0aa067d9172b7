"""Who may read which report. Deny by default."""

from accounts.models import Role


def can_view_agency_reports(user) -> bool:
    """Evaluation tables, service projects, frozen reports, agency overview: the direction."""
    return user.is_authenticated and user.role == Role.DIRECTOR


def can_manage_projects(user) -> bool:
    """Targets and manual values of service projects."""
    return user.is_authenticated and user.role == Role.DIRECTOR


def can_freeze_reports(user) -> bool:
    return user.is_authenticated and user.role == Role.DIRECTOR


def can_view_team_dashboard(user) -> bool:
    return user.is_authenticated and user.role in (Role.MANAGER, Role.DIRECTOR)
