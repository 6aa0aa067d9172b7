"""Forms of the follow-ups and person records: creating, editing, the contact log, search."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput, PeriodFilterForm, SubmissionForm, VersionedForm
from mediation.casework_forms.common import (
    CaseworkForm,
    CaseworkSubmissionForm,
    FilterForm,
    _date_field,
    _entry_sites,
    _entry_territories,
)
from mediation.models import (
    AgeBand,
    ContactKind,
    FollowUpKind,
    Gender,
    Person,
    Site,
    Team,
    Territory,
)

# --- Follow-ups and persons ---------------------------------------------------------------------------------


class FollowUpCreateForm(CaseworkSubmissionForm):
    person = forms.ModelChoiceField(
        label=_("Personne déjà connue"),
        required=False,
        queryset=Person.objects.none(),
        empty_label=_("Nouvelle personne"),
        help_text=_("Choisissez-la si votre équipe la suit déjà ; sinon, remplissez les champs ci-dessous."),
    )
    alias = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        required=False,
        max_length=80,
        help_text=_("Pas de nom de famille : le prénom ou un pseudonyme suffit."),
    )
    birth_year = forms.IntegerField(
        label=_("Année de naissance"),
        required=False,
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("ex. 2006")}),
        help_text=_("Ou, à défaut, la tranche d'âge."),
    )
    age_band = forms.ChoiceField(
        label=_("Tranche d'âge"), required=False, choices=[("", _("Déduite de l'année")), *AgeBand.choices]
    )
    gender = forms.ChoiceField(label=_("Genre"), choices=Gender.choices, initial=Gender.UNKNOWN)
    territory = forms.ModelChoiceField(
        label=_("Secteur"), required=False, queryset=Territory.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Type de suivi"),
        choices=FollowUpKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le type de suivi.")},
    )
    started_on = _date_field(_("Début du suivi"))
    next_action_on = _date_field(_("Prochaine action le"), required=False, initial_today=False)
    next_action = forms.CharField(label=_("Prochaine action"), required=False, max_length=200)

    layout_rows = [("birth_year", "age_band")]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["person"].queryset = Person.objects.workable_by(user).order_by("alias", "id")
        self.fields["territory"].queryset = _entry_territories(user)

    def clean(self):
        data = super().clean()
        if data.get("person") is None:
            if not data.get("alias") and "alias" not in self.errors:
                self.add_error(
                    "alias", _("Indiquez un prénom ou un pseudonyme, ou choisissez une personne déjà connue.")
                )
            if not data.get("territory") and "territory" not in self.errors:
                self.add_error("territory", _("Choisissez un secteur."))
        return data

    def new_person(self) -> dict:
        data = self.cleaned_data
        return {
            "alias": data["alias"].strip(),
            "birth_year": data.get("birth_year"),
            "age_band": data.get("age_band") or "",
            "gender": data["gender"],
            "territory": data["territory"],
        }


class FollowUpEditForm(VersionedForm):
    next_action_on = _date_field(_("Prochaine action le"), required=False, initial_today=False)
    next_action = forms.CharField(label=_("Prochaine action"), required=False, max_length=200)
    note = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    ended_on = _date_field(
        _("Fin du suivi"),
        required=False,
        initial_today=False,
        help_text=_("Remplissez-la pour terminer le suivi."),
    )


class FollowUpContactFields(CaseworkForm):
    """A dated contact of a follow-up's log: date, kind, short note."""

    layout_rows = [("date", "kind")]

    date = _date_field(_("Date du contact"))
    kind = forms.ChoiceField(
        label=_("Type de contact"),
        choices=[("", "—"), *ContactKind.choices],
        error_messages={"required": _("Choisissez le type de contact."), "invalid_choice": _("Type inconnu.")},
    )
    note = forms.CharField(
        label=_("Note courte"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        error_messages={"max_length": _("Note trop longue : 500 caractères au plus.")},
    )


class FollowUpContactForm(SubmissionForm, FollowUpContactFields):
    """A new contact; the page carries a fresh UUID (a double submit or a replay from the outbox saves once)."""


class FollowUpContactEditForm(FollowUpContactFields, VersionedForm):
    """Its author corrects a contact for 7 days."""


class FollowUpFilterForm(PeriodFilterForm, FilterForm):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *FollowUpKind.choices]
    )
    scope = forms.ChoiceField(
        label=_("Voir"),
        required=False,
        choices=[("mine", _("Mes suivis")), ("team", _("Toute l'équipe"))],
    )
    ended = forms.BooleanField(label=_("Inclure les suivis terminés"), required=False)
    # The follow-ups active at some point of a period (ended since or not), set by the dashboards' figures.
    start = forms.DateField(label=_("Actifs du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("au"), required=False, widget=DateInput())
    territory = forms.ModelChoiceField(
        label=_("Secteur"), required=False, queryset=Territory.objects.none(), empty_label=_("Tous")
    )
    team = forms.ModelChoiceField(
        label=_("Équipe"), required=False, queryset=Team.objects.none(), empty_label=_("Toutes")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.for_user(user).order_by("name")
        self.fields["team"].queryset = teams
        self.fields["territory"].queryset = Territory.objects.filter(teams__in=teams).distinct().order_by("name")

    @property
    def period(self) -> tuple | None:
        """(start, end) when the list is limited to the follow-ups active in a period."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if not (data.get("start") or data.get("end")):
            return None
        return data.get("start") or date.min, data.get("end") or date.max


class PersonSearchForm(FilterForm):
    """Find a person the team follows: by alias (part of it), birth year, or a site where a line names them."""

    q = forms.CharField(label=_("Prénom ou pseudonyme"), required=False, max_length=80)
    birth_year = forms.IntegerField(
        label=_("Année de naissance"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": _("Indiquez une année (4 chiffres)."),
            "min_value": _("Année trop ancienne."),
            "max_value": _("Année invalide."),
        },
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        required=False,
        queryset=Site.objects.none(),
        empty_label=_("Tous les sites"),
        error_messages={"invalid_choice": _("Site inconnu.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _entry_sites(_entry_territories(user))

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class PersonReadReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi consultez-vous cette fiche ?"),
        required=False,
        max_length=300,
        help_text=_("Facultatif. Votre consultation est enregistrée au journal, avec ce motif."),
    )
