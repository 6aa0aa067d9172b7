"""Filters of intervention lists, shared by the list pages and the exports of a filtered list.

Use `filtered_interventions(request, mine=...)`: it returns the bound filter form and the queryset the user may
see, with the filters of the query string applied. The export of a list calls it with the same request, so an
export always holds exactly the lines the page shows.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from altm.forms import DateInput
from mediation.daily import sums
from mediation.models import ActivityType, Intervention, Site, Team, Territory


class InterventionFilterForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    territory = forms.ModelChoiceField(
        label=_("Secteur"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("Tous"))
    activity = forms.ModelChoiceField(
        label=_("Activité"), queryset=ActivityType.objects.all(), required=False, empty_label=_("Toutes")
    )
    mediator = forms.ModelChoiceField(
        label=_("Médiateur"), queryset=User.objects.none(), required=False, empty_label=_("Tous")
    )

    def __init__(self, *args, user, mine: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.for_user(user)
        if user.is_director:
            territories = Territory.objects.all()
        else:
            territories = Territory.objects.filter(teams__in=teams).distinct()
        self.fields["territory"].queryset = territories
        self.fields["site"].queryset = Site.objects.filter(territory__in=territories.values("pk")).order_by("name")
        if mine:
            del self.fields["mediator"]
        else:
            self.fields["mediator"].queryset = User.objects.filter(
                Q(teams__in=teams) | Q(managed_teams__in=teams)
            ).distinct()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de période précède le début."))
        return data

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def apply_intervention_filters(form: InterventionFilterForm, queryset: QuerySet) -> QuerySet:
    """Apply the valid filters of a bound form (a filter with an error is ignored and shown as such)."""
    if not form.is_bound:
        return queryset
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("start"):
        queryset = queryset.filter(date__gte=data["start"])
    if data.get("end") and "end" not in form.errors:
        queryset = queryset.filter(date__lte=data["end"])
    if data.get("territory"):
        queryset = queryset.filter(territory=data["territory"])
    if data.get("site"):
        queryset = queryset.filter(site=data["site"])
    if data.get("activity"):
        queryset = queryset.filter(activity_type=data["activity"])
    if data.get("mediator"):
        queryset = queryset.filter(author=data["mediator"])
    return queryset


def filtered_interventions(request, *, mine: bool = False) -> tuple[InterventionFilterForm, QuerySet]:
    """The filter form bound to the query string and the lines it selects among those the user may see.

    `mine=True` keeps the user's own lines (page "Mes saisies"); otherwise every line of the user's scope
    (their teams for a manager, everything for the direction).
    """
    user = request.user
    queryset = Intervention.objects.for_user(user)
    if mine:
        queryset = queryset.filter(author=user)
    form = InterventionFilterForm(request.GET or None, user=user, mine=mine)
    return form, apply_intervention_filters(form, queryset)


def intervention_totals(queryset: QuerySet) -> dict:
    """Lines, acts and beneficiaries of a filtered set, in one aggregate query."""
    return queryset.order_by().aggregate(**sums())
