"""Shared pieces of the case-work forms: crispy layout in rows, filter rows, date and counter fields."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput, SubmissionForm
from mediation.models import (
    Site,
    Territory,
)


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
