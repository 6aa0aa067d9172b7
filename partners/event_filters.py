"""The filter of the partner-event list that a report's partner-event figures open."""

from django import forms
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput, PeriodFilterForm
from partners.models import EventKind


class PartnerEventFilterForm(PeriodFilterForm):
    """The partner events behind a report's figure: a period and the kinds it counts."""

    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    kind = forms.MultipleChoiceField(
        label=_("Type"),
        required=False,
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
