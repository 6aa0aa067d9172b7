"""Filters of intervention lists, shared by the list pages and the exports of a filtered list (django-filter).

Use `filtered_interventions(request, mine=...)`: it returns the bound filter form and the queryset the user may
see, with the filters of the query string applied. The export of a list calls it with the same request, so an
export always holds exactly the lines the page shows. A filter whose value is unreadable or out of the user's
reach is ignored and its French error shown next to it; the others still apply.
"""

from datetime import date

import django_filters
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from altm.forms import DateInput, PeriodFilterForm
from mediation import totals
from mediation.daily import sums
from mediation.models import ActivityFamily, ActivityType, Intervention, Site, Team, Territory

# The value of the site and mediator filters selecting the lines without one ("Sans site précisé", "Sans médiateur").
NONE = "aucun"
QPV_CHOICES = [("in", _("En quartier prioritaire")), ("out", _("Hors quartier prioritaire"))]


def _activity_codes():
    return list(ActivityType.objects.order_by("label").values_list("code", "label"))


class InterventionFilterForm(PeriodFilterForm):
    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class InterventionFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("Du"), widget=DateInput())
    end = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Au"), widget=DateInput())
    territory = django_filters.ModelChoiceFilter(
        label=_("Secteur"), queryset=Territory.objects.none(), empty_label=_("Tous")
    )
    site = django_filters.ModelChoiceFilter(
        label=_("Site"),
        queryset=Site.objects.none(),
        empty_label=_("Tous"),
        null_label=_("Aucun site précisé"),
        null_value=NONE,
    )
    activity = django_filters.ModelChoiceFilter(
        field_name="activity_type", label=_("Activité"), queryset=ActivityType.objects.all(), empty_label=_("Toutes")
    )
    mediator = django_filters.ModelChoiceFilter(
        field_name="author",
        label=_("Médiateur"),
        queryset=User.objects.none(),
        empty_label=_("Tous"),
        null_label=_("Aucun médiateur"),
        null_value=NONE,
    )
    team = django_filters.ModelChoiceFilter(label=_("Équipe"), queryset=Team.objects.none(), empty_label=_("Toutes"))
    family = django_filters.ChoiceFilter(
        field_name="activity_type__family", label=_("Mission"), choices=ActivityFamily.choices, empty_label=_("Toutes")
    )
    qpv = django_filters.ChoiceFilter(
        label=_("Quartier prioritaire"),
        choices=QPV_CHOICES,
        empty_label=_("Tous"),
        method="filter_qpv",
    )
    # The activities of an indicator (several codes), set by the links of the reports' figures.
    activities = django_filters.MultipleChoiceFilter(
        field_name="activity_type__code", label=_("Activités de l'indicateur"), choices=_activity_codes
    )

    class Meta:
        model = Intervention
        fields = ["start", "end", "territory", "site", "activity", "mediator", "team", "family", "qpv", "activities"]
        form = InterventionFilterForm

    def __init__(self, data=None, queryset=None, *, user, mine: bool = False, **kwargs):
        super().__init__(data, queryset, **kwargs)
        teams = Team.objects.for_user(user)
        if user.is_director:
            territories = Territory.objects.all()
        else:
            territories = Territory.objects.filter(teams__in=teams).distinct()
        self.filters["territory"].queryset = territories
        self.filters["site"].queryset = Site.objects.filter(territory__in=territories.values("pk")).order_by("name")
        self.filters["team"].queryset = teams.order_by("name")
        if mine:
            del self.filters["mediator"]
        else:
            self.filters["mediator"].queryset = User.objects.filter(
                Q(teams__in=teams) | Q(managed_teams__in=teams)
            ).distinct()

    def filter_qpv(self, queryset, name, value):
        return queryset.in_qpv(value == "in") if value in ("in", "out") else queryset


def filtered_interventions(request, *, mine: bool = False, data=None) -> tuple[InterventionFilterForm, QuerySet]:
    """The filter form bound to the query string and the lines it selects among those the user may see.

    `mine=True` keeps the user's own lines (page "Mes saisies"); otherwise every line of the user's scope
    (their teams for a manager, everything for the direction). `data`: the filters to apply instead of the query
    string's (the period "Mes saisies" opens on).
    """
    user = request.user
    queryset = Intervention.objects.for_user(user)
    if mine:
        queryset = queryset.filter(author=user)
    filterset = InterventionFilter(data if data is not None else request.GET or None, queryset, user=user, mine=mine)
    queryset = filterset.qs
    filterset.form.filterset = filterset  # for `intervention_totals`, which applies the same filters to roll-ups
    return filterset.form, queryset


# The filters a roll-up row answers exactly (its dimensions); any other filter is counted on the lines.
ROLLUP_FILTERS = {"start", "end", "territory", "site", "activity", "mediator", "team", "family", "activities", "qpv"}
TOTAL_NAMES = {
    "lines": "lines",
    "acts": "count",
    "women": "women",
    "men": "men",
    "unknown": "unknown",
    "minutes": "duration_minutes",
}


def intervention_totals(form, queryset: QuerySet, *, user, mine: bool = False) -> dict:
    """Lines, acts, beneficiaries and duration (minutes) of a filtered list (`form` and `queryset` from
    `filtered_interventions`).

    Read from the roll-ups (`mediation.totals`) when every active filter is one of their dimensions, so a list of
    a whole history costs a few hundred roll-up rows instead of a million lines; from the lines otherwise."""
    filterset = getattr(form, "filterset", None)
    cleaned = getattr(form, "cleaned_data", None) or {}
    active = {name for name, value in cleaned.items() if value not in (None, "", [], ())}
    if filterset is None or active - ROLLUP_FILTERS:
        return queryset.order_by().aggregate(**sums(minutes=Coalesce(Sum("duration_minutes"), 0)))
    result = dict.fromkeys(TOTAL_NAMES, 0)
    start, end = cleaned.get("start") or date.min, cleaned.get("end") or date.max
    for model, first, last in totals.pieces(start, end):
        rows = model.objects.for_user(user).filter(date__gte=first, date__lte=last)
        if mine:
            rows = rows.filter(author=user)
        for name in active - {"start", "end"}:
            rows = filterset.filters[name].filter(rows, cleaned[name])
        found = rows.order_by().aggregate(**{key: Coalesce(Sum(field), 0) for key, field in TOTAL_NAMES.items()})
        for key in result:
            result[key] += found[key]
    return result


def duration_label(minutes: int) -> str:
    """ "12 h 05" """
    return f"{minutes // 60} h {minutes % 60:02d}"
