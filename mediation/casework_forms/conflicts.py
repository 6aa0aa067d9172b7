"""Forms of the conflict cases: opening, meetings, agreement, closing, parties, filters."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.forms import SubmissionForm, VersionedForm
from mediation.casework_forms.common import (
    CaseworkForm,
    CaseworkSubmissionForm,
    FilterForm,
    _counter,
    _date_field,
    _entry_sites,
    _entry_territories,
)
from mediation.models import (
    AgeBand,
    ConflictOutcome,
    ConflictParties,
    ConflictStatus,
    SessionKind,
    Site,
    Territory,
)
from mediation.widgets import SiteSelect

# --- Conflict cases -----------------------------------------------------------------------------------------


class ConflictCaseForm(CaseworkSubmissionForm):
    is_real_time = forms.TypedChoiceField(
        label=_("Gestion"),
        choices=[
            ("1", _("En temps réel (conflit géré sur place)")),
            ("0", _("En temps différé (suivi dans la durée)")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez si le conflit est géré en temps réel ou différé.")},
    )
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=150,
        help_text=_(
            "Sans nom de personne, sauf nécessité : « nuisances sonores bâtiment C », « conflit de parking »…"
        ),
        error_messages={"required": _("Donnez un intitulé à la situation.")},
    )
    parties = forms.ChoiceField(
        label=_("Parties"),
        choices=ConflictParties.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez entre qui se joue le conflit.")},
    )
    parties_description = forms.CharField(
        label=_("Description des parties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Décrivez les parties sans les nommer (« locataire du 3e », « gardien »), sauf nécessité."),
    )
    territory = forms.ModelChoiceField(label=_("Secteur"), queryset=Territory.objects.none(), empty_label=None)
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        widget=SiteSelect,
        empty_label=_("Sans site précis"),
    )
    opened_on = _date_field(_("Ouverte le"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        territories = _entry_territories(user)
        self.fields["territory"].queryset = territories
        self.fields["site"].queryset = _entry_sites(territories)


class ConflictSessionForm(CaseworkSubmissionForm):
    kind = forms.ChoiceField(
        label=_("Type de rencontre"),
        choices=SessionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le type de rencontre.")},
    )
    date = _date_field(_("Date"))
    outcome = forms.CharField(
        label=_("Résultat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui a été dit ou décidé, sans nom de personne sauf nécessité."),
    )
    agreement_reached = forms.BooleanField(label=_("Accord trouvé (table ronde)"), required=False)
    women = forms.IntegerField(label=_("Femmes"), required=False, min_value=0, widget=_counter())
    men = forms.IntegerField(label=_("Hommes"), required=False, min_value=0, widget=_counter())
    unknown = forms.IntegerField(label=_("Non précisé"), required=False, min_value=0, widget=_counter())

    layout_rows = [("women", "men", "unknown")]

    def clean(self):
        data = super().clean()
        for name in ("women", "men", "unknown"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class ConflictAgreementForm(CaseworkForm, VersionedForm):
    agreement_on = _date_field(
        _("Protocole d'accord signé le"), required_message=_("Indiquez la date du protocole d'accord.")
    )
    agreement_followup_on = _date_field(
        _("Suivi de l'accord prévu le"),
        initial_today=False,
        required_message=_("Indiquez quand vérifier que l'accord tient."),
        help_text=_("La situation apparaîtra « à suivre » à partir de cette date."),
    )

    agreement_points = forms.CharField(
        label=_("Points d'accord"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un point par ligne : ils figurent sur le protocole d'accord à imprimer et à signer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement_followup_on"].initial = timezone.localdate() + timedelta(days=30)


class ConflictCloseForm(CaseworkForm, VersionedForm):
    closed_on = _date_field(_("Clôturée le"), required_message=_("Indiquez la date de clôture."))
    outcome = forms.ChoiceField(
        label=_("Issue"),
        # The end of a mediation for want of consent is recorded by the withdrawal itself, not chosen here.
        choices=[c for c in ConflictOutcome.choices if c[0] != ConflictOutcome.CONSENT_WITHDRAWN],
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez l'issue de la situation.")},
    )
    outcome_note = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConflictPartyForm(CaseworkForm, SubmissionForm):
    label = forms.CharField(
        label=_("Désignation"),
        max_length=80,
        help_text=_("Prénom, pseudonyme ou rôle (« locataire du 3e ») : pas plus que nécessaire."),
    )
    consent_given_on = _date_field(
        _("Consentement libre à la médiation donné le"),
        required_message=_(
            "La médiation repose sur le libre consentement des parties : indiquez quand il a été donné."
        ),
    )
    birth_year = forms.IntegerField(
        label=_("Année de naissance"), required=False, help_text=_("Seulement pour savoir si la partie est mineure.")
    )
    age_band = forms.ChoiceField(label=_("Ou tranche d'âge"), required=False, choices=[("", "—"), *AgeBand.choices])
    guardian_name = forms.CharField(
        label=_("Parent ou tuteur associé (partie mineure)"), max_length=120, required=False
    )
    guardian_role = forms.CharField(
        label=_("Qualité"), max_length=60, required=False, help_text=_("Mère, père, tuteur…")
    )


class ConflictFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous les statuts")), *ConflictStatus.choices]
    )
    territory = forms.ModelChoiceField(
        label=_("Secteur"), required=False, queryset=Territory.objects.none(), empty_label=_("Tous les secteurs")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _visible_territories(user)


def _visible_territories(user):
    return Territory.objects.for_user(user).order_by("name")
