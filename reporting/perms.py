"""Who may read which report. Deny by default."""

from accounts.models import Role


def can_freeze_reports(user) -> bool:
    return user.is_authenticated and user.role == Role.DIRECTOR
