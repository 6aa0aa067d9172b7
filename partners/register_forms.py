"""Create forms of the registers (projects, diagnostics, territorial bodies, training). They validate input; the
services in partners/services/registers.py write and audit."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from altm.forms import DateInput, SubmissionForm
from mediation.models import Team, Territory
from mediation.scoping import team_ids
from partners.models import (
    BodyMeeting,
    Certification,
    CommunityProject,
    Diagnostic,
    TeamExchange,
    TerritorialBody,
    TrainingSession,
)


def employees_for(user):
    """The employees whose training a user may see and record: all mediators and managers for the director, the
    members of their teams (and themselves) for a manager."""
    employees = User.objects.filter(role__in=(Role.MEDIATOR, Role.MANAGER), is_active=True)
    if user.role == Role.DIRECTOR:
        return employees.order_by("last_name", "first_name", "username")
    teams = team_ids(user)
    return (
        employees.filter(Q(teams__in=teams) | Q(managed_teams__in=teams) | Q(pk=user.pk))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class EmployeesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class RegisterForm(SubmissionForm, forms.ModelForm):
    """Base: today's date by default, active territories and teams only."""

    date_field = "started_on"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound and self.date_field in self.fields:
            self.initial.setdefault(self.date_field, timezone.localdate())
        if "territory" in self.fields:
            self.fields["territory"].queryset = Territory.objects.order_by("name")
        if "team" in self.fields:
            self.fields["team"].queryset = Team.objects.order_by("name")


class CommunityProjectForm(RegisterForm):
    class Meta:
        model = CommunityProject
        fields = [
            "kind",
            "title",
            "territory",
            "team",
            "started_on",
            "ended_on",
            "partners",
            "people_invited",
            "people_met",
            "summary",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class DiagnosticForm(RegisterForm):
    class Meta:
        model = Diagnostic
        fields = [
            "kind",
            "title",
            "territory",
            "commissioned_by",
            "started_on",
            "completed_on",
            "data_processed",
            "findings",
        ]
        widgets = {
            "started_on": DateInput(),
            "completed_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }


class BodyMeetingForm(RegisterForm):
    date_field = "date"
    attendees = EmployeesField(label=_("Présents pour l'agence"), queryset=User.objects.none(), required=False)

    class Meta:
        model = BodyMeeting
        fields = ["body", "date", "attendees", "topics"]
        widgets = {"date": DateInput(), "topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = TerritorialBody.objects.filter(left_on__isnull=True).order_by("name")
        self.fields["attendees"].queryset = employees_for(self.user)


class TrainingSessionForm(RegisterForm):
    attendees = EmployeesField(label=_("Salariés présents"), queryset=User.objects.none(), required=False)

    class Meta:
        model = TrainingSession
        fields = ["title", "provider", "kind", "started_on", "ended_on", "hours"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = employees_for(self.user)
        self.fields["hours"].widget.attrs.update({"min": "0.5", "step": "0.5"})


class CertificationForm(RegisterForm):
    employee = EmployeeChoiceField(label=_("Salarié"), queryset=User.objects.none())

    class Meta:
        model = Certification
        fields = ["employee", "kind", "route", "started_on", "obtained_on", "abandoned_on"]
        widgets = {"started_on": DateInput(), "obtained_on": DateInput(), "abandoned_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees_for(self.user)


class TeamExchangeForm(RegisterForm):
    date_field = "date"
    participants = EmployeesField(label=_("Salariés"), queryset=User.objects.none(), required=False)

    class Meta:
        model = TeamExchange
        fields = ["kind", "date", "host_team", "participants", "days", "topic"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_team"].queryset = Team.objects.order_by("name")
        self.fields["participants"].queryset = employees_for(self.user)
        self.fields["days"].widget.attrs.update({"min": "0.5", "step": "0.5"})
