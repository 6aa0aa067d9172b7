"""Forms of the technical watch: reports, their progress, the weekly synthesis, the landlord's answer."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput
from altm.params import parse_week
from mediation.casework_forms.common import (
    CaseworkSubmissionForm,
    FilterForm,
    _date_field,
    _entry_sites,
    _entry_territories,
)
from mediation.models import (
    Landlord,
    Site,
    TechnicalReportStatus,
    Territory,
)
from mediation.widgets import SiteSelect

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
