"""Who may do what in field activity. Deny by default: an unknown role may do nothing.

Which rows a user sees is said once, on the QuerySets (`Model.objects.for_user(user)`, see `mediation.scoping`);
the fetch helpers below answer 404 for a row the user may not see (never 403: that would tell it exists).
"""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role
from mediation.models import (
    ConflictCase,
    FollowUp,
    FollowUpContact,
    Intervention,
    InterventionSource,
    Person,
    TechnicalReport,
)
from mediation.scoping import FIELD_STAFF, team_ids


def can_log_activity(user) -> bool:
    return user.is_authenticated and user.role in FIELD_STAFF


def can_review_team(user) -> bool:
    return user.is_authenticated and user.role in (Role.MANAGER, Role.DIRECTOR)


EDIT_WINDOW_DAYS = 7


def can_edit_intervention(user, intervention) -> bool:
    """Authors edit or delete the lines they entered themselves for 7 days from when they entered them (not from
    the line's date); managers correct their team's lines, imported ones included."""
    if not user.is_authenticated or is_case_work_line(intervention):
        return False
    if user.role == Role.MANAGER and intervention.team_id in team_ids(user):
        return True
    if is_own_entry(user, intervention) and user.role in FIELD_STAFF:
        return timezone.now() - intervention.created_at <= timedelta(days=EDIT_WINDOW_DAYS)
    return False


def is_own_entry(user, intervention) -> bool:
    """A line its author entered: not one imported or recorded for them by someone else."""
    return (
        intervention.author_id == user.pk
        and intervention.created_by_id == user.pk
        and intervention.source != InterventionSource.IMPORT
    )


def is_case_work_line(intervention) -> bool:
    """A line recorded by a conflict session or a technical report counts that record: it changes from there."""
    return intervention.source in (InterventionSource.CONFLICT, InterventionSource.TECHNICAL)


# --- Case work: conflict cases, follow-ups, technical watch, person records ------------------------------------


def can_work_on_team(user, team_id: int) -> bool:
    """Mediators and managers act (log, update, close) on their own teams' cases and reports."""
    return can_log_activity(user) and team_id in team_ids(user)


def is_in_owning_team(user, person) -> bool:
    return can_log_activity(user) and person.team_id in team_ids(user)


def can_edit_contact(user, contact) -> bool:
    """A follow-up contact is corrected by its author only, for 7 days after it was entered, in their team."""
    return (
        can_work_on_team(user, contact.team_id)
        and contact.author_id == user.pk
        and timezone.now() - contact.created_at <= timedelta(days=EDIT_WINDOW_DAYS)
    )


def must_log_person_read(user, person) -> bool:
    """Every opening of a person's record by someone outside the owning team goes to the read log."""
    return not is_in_owning_team(user, person)


# --- Fetch helpers: 404 for what a user may not see ---------------------------------------------------------


def get_intervention_or_404(user, pk: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.for_user(user).select_related(
            "activity_type", "territory", "site", "author", "team", "landlord", "conflict_case", "person"
        ),
        pk=pk,
    )


def get_conflict_case_or_404(user, pk: int) -> ConflictCase:
    return get_object_or_404(
        ConflictCase.objects.for_user(user).select_related("territory", "site", "team", "created_by"), pk=pk
    )


def get_technical_report_or_404(user, pk: int) -> TechnicalReport:
    return get_object_or_404(
        TechnicalReport.objects.for_user(user).select_related("landlord", "territory", "site", "team"), pk=pk
    )


def get_followup_or_404(user, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.for_user(user).select_related("person", "mediator", "team", "territory"), pk=pk
    )


def get_contact_or_404(user, pk: int) -> FollowUpContact:
    return get_object_or_404(
        FollowUpContact.objects.for_user(user).select_related("followup__person", "author"), pk=pk
    )


def get_person_or_404(user, pk: int) -> Person:
    """The owning team and the director open a person's record; anyone else gets 404."""
    return get_object_or_404(Person.objects.for_user(user).select_related("territory", "team"), pk=pk)
