from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.models import Territory
from reporting.evaluation import YearsError, parse_years


def default_years(today: date | None = None) -> str:
    today = today or date.today()
    return f"{today.year - 2}-{today.year}"


class EvaluationForm(forms.Form):
    years = forms.CharField(
        label=_("Années"),
        max_length=9,
        help_text=_("Une année (2016) ou une période (2014-2016)."),
    )
    territory = forms.ModelChoiceField(
        label=_("Secteur"),
        queryset=Territory.objects.order_by("name"),
        required=False,
        empty_label=_("Toute l'agence"),
        to_field_name="code",
    )

    qpv = forms.ChoiceField(
        label=_("Politique de la ville"),
        required=False,
        choices=[
            ("", _("En QPV et hors QPV")),
            ("in", _("En quartier prioritaire")),
            ("out", _("Hors quartier prioritaire")),
        ],
    )

    def clean_qpv(self) -> bool | None:
        return {"in": True, "out": False}.get(self.cleaned_data.get("qpv"))

    def clean_years(self):
        try:
            return parse_years(self.cleaned_data["years"])
        except YearsError as exc:
            raise forms.ValidationError(str(exc)) from exc


class FreezeForm(forms.Form):
    year = forms.IntegerField(label=_("Année à figer"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("Commentaire"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > self.today.year:
            raise forms.ValidationError(_("On ne fige pas le bilan d'une année qui n'a pas commencé."))
        return year


def _decimal(value: str, *, percent: bool):
    value = (value or "").strip().replace("\u202f", "").replace(" ", "").replace(",", ".").rstrip("%")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise forms.ValidationError(_("Saisissez un nombre (par exemple 12 ou 12,5).")) from exc
    if number < 0:
        raise forms.ValidationError(_("Le nombre ne peut pas être négatif."))
    if percent and number > 100:
        raise forms.ValidationError(_("Un taux est compris entre 0 et 100 %."))
    if number >= Decimal("1e10"):
        raise forms.ValidationError(_("Nombre trop grand."))
    return number.quantize(Decimal("0.01"))


class IndicatorEntryForm(forms.Form):
    """Target (every indicator) and value (manual indicators) of one indicator for one year."""

    target = forms.CharField(label=_("Objectif"), required=False, max_length=20)
    value = forms.CharField(label=_("Valeur"), required=False, max_length=20)
    note = forms.CharField(label=_("Source"), required=False, max_length=250)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.is_percent = indicator.unit == "percent"
        if indicator.is_computed:
            del self.fields["value"]
            del self.fields["note"]
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control form-control-sm", "inputmode": "decimal"})
        self.fields["target"].widget.attrs["aria-label"] = _("Objectif : %(label)s") % {"label": indicator.label}
        if "value" in self.fields:
            self.fields["value"].widget.attrs["aria-label"] = _("Valeur : %(label)s") % {"label": indicator.label}
            self.fields["note"].widget.attrs.update(
                {"aria-label": _("Source : %(label)s") % {"label": indicator.label}, "inputmode": "text"}
            )

    def clean_target(self):
        return _decimal(self.cleaned_data["target"], percent=self.is_percent)

    def clean_value(self):
        return _decimal(self.cleaned_data["value"], percent=self.is_percent)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class HighlightsForm(forms.Form):
    highlights = forms.CharField(
        label=_("Faits marquants"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Repris tels quels dans le rapport (PDF, HTML, XLSX)."),
    )


class ReviewNoteForm(forms.Form):
    comments = forms.CharField(
        label=_("Commentaires de la direction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    perspectives = forms.CharField(
        label=_("Perspectives"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
