"""Forms of the case-work pages: conflict cases, follow-ups, person records, technical watch.

They only check and choose; every write goes through `mediation.services`, whose French messages are shown next
to the field they concern (`altm.forms.add_service_errors`).
"""

from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput, SubmissionForm, VersionedForm
from altm.params import parse_week
from mediation.models import (
    AgeBand,
    ConflictOutcome,
    ConflictParties,
    ConflictStatus,
    ContactKind,
    FollowUpKind,
    Gender,
    Landlord,
    Person,
    SessionKind,
    Site,
    TechnicalReportStatus,
    Territory,
)
from mediation.widgets import SiteSelect


def _counter():
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "class": "text-center"})


def _date_field(label, *, required=True, initial_today=True, required_message=None, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        initial=timezone.localdate if initial_today else None,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": required_message or _("Indiquez la date."), "invalid": _("Date invalide.")},
    )


class CaseworkForm(forms.Form):
    """Rendered by crispy inside the page's own <form> tag; `layout_rows` groups small fields on one row."""

    layout_rows: list[tuple[str, ...]] = []

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        grouped = {name for row in self.layout_rows for name in row}
        items = []
        for name in self.fields:
            if name in grouped:
                row = next(row for row in self.layout_rows if name in row)
                if name == row[0]:
                    items.append(Row(*(Column(n, css_class="col") for n in row)))
            elif name not in grouped:
                items.append(name)
        helper.layout = Layout(*items)
        return helper


class CaseworkSubmissionForm(SubmissionForm, CaseworkForm):
    """A case-work create form: a fresh UUID per page, so a double submit or a retry saves once."""


def _entry_territories(user):
    return Territory.objects.loggable_by(user).order_by("name")


def _entry_sites(territories):
    return (
        Site.objects.filter(territory__in=territories.values("pk"), is_active=True)
        .select_related("territory")
        .order_by("name")
    )


class FilterForm(forms.Form):
    """A small GET form drawn by hand in a row of filters: give its widgets Bootstrap's classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


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


class FollowUpFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *FollowUpKind.choices]
    )
    scope = forms.ChoiceField(
        label=_("Voir"),
        required=False,
        choices=[("mine", _("Mes suivis")), ("team", _("Toute l'équipe"))],
    )
    ended = forms.BooleanField(label=_("Inclure les suivis terminés"), required=False)


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


# --- Technical watch ----------------------------------------------------------------------------------------


class TechnicalReportForm(CaseworkSubmissionForm):
    territory = forms.ModelChoiceField(label=_("Secteur"), queryset=Territory.objects.none(), empty_label=None)
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        widget=SiteSelect,
        empty_label=_("Sans site précis"),
    )
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"),
        queryset=Landlord.objects.order_by("name"),
        required=False,
        empty_label=_("Celui du site"),
        help_text=_("Repris du site quand il en a un."),
    )
    place = forms.CharField(
        label=_("Lieu précis"),
        max_length=200,
        help_text=_("Adresse, allée, étage…"),
        error_messages={"required": _("Indiquez le lieu précis.")},
    )
    equipment = forms.CharField(
        label=_("Équipement"), required=False, max_length=100, help_text=_("Ascenseur, éclairage, porte de hall…")
    )
    problem = forms.CharField(
        label=_("Problème constaté"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Décrivez le problème constaté.")},
    )
    is_danger = forms.BooleanField(label=_("Danger pour les personnes"), required=False)
    reported_on = _date_field(_("Constaté le"))
    photo = forms.ImageField(
        label=_("Photo (facultatif)"),
        required=False,
        help_text=_("Réduite sur le téléphone ; la position GPS et les autres métadonnées sont retirées."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"invalid_image": _("Ce fichier n'est pas une photo lisible.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        territories = _entry_territories(user)
        self.fields["territory"].queryset = territories
        self.fields["site"].queryset = _entry_sites(territories)
        self.fields["place"].widget.attrs["data-offline-key"] = ""  # names the report in the phone's queue


class TechnicalAdvanceForm(forms.Form):
    status = forms.ChoiceField(choices=TechnicalReportStatus.choices, widget=forms.HiddenInput)
    on = _date_field(_("Date"))


class TechnicalActionForm(CaseworkSubmissionForm):
    code = forms.ChoiceField(
        label=_("Action"),
        choices=[("tw_securing", _("Sécurisation")), ("tw_intervention", _("Intervention technique"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'action.")},
    )
    date = _date_field(_("Date"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TechnicalFilterForm(FilterForm):
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"), required=False, queryset=Landlord.objects.order_by("name"), empty_label=_("Tous")
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous les statuts")), *TechnicalReportStatus.choices]
    )


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


class SynthesisForm(FilterForm):
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"), required=False, queryset=Landlord.objects.order_by("name"), empty_label=_("Tous")
    )
    week = forms.CharField(
        label=_("Semaine"),
        required=False,
        widget=forms.TextInput(attrs={"type": "week", "pattern": r"\d{4}-W\d{2}", "placeholder": "2026-W48"}),
    )

    def clean_week(self) -> tuple[date, date]:
        value = (self.cleaned_data.get("week") or "").strip()
        if not value:
            monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
            return monday, monday + timedelta(days=6)
        week = parse_week(value)
        if week is None:
            raise ValidationError(_("Semaine invalide : attendu AAAA-Wss, par exemple 2026-W48."))
        return week


class LandlordAnswerForm(forms.Form):
    """A landlord's answer through its signed link; the rules (dates, comment) are the service's."""

    answer = forms.ChoiceField(
        choices=[("acknowledge", _("Pris en compte")), ("plan", _("Date prévue")), ("resolve", _("Résolu"))],
        widget=forms.HiddenInput,
    )
    planned_on = forms.DateField(label=_("Date d'intervention prévue"), required=False, widget=DateInput)
    comment = forms.CharField(
        label=_("Ce qui a été fait"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : « Porte réparée, serrure changée le 3 décembre »."),
    )
