"""`{{ form.field|bootstrap_field }}`: one form field in Bootstrap 5 markup, written in Python.

The same HTML as crispy's `as_crispy_field` for inputs, selects and textareas (wrapper id, label, asterisk,
widget classes, errors, help text; tests/altm/test_fields_tag.py compares the two), without its three nested
templates per field: the entry page and the list filters render a dozen fields on every request. Radios, checkboxes
and file inputs still go through crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

NOT_PLAIN = (forms.CheckboxInput, forms.FileInput, forms.HiddenInput, forms.RadioSelect, forms.MultiWidget)


def widget_classes(widget: forms.Widget, *, invalid: bool) -> str:
    """crispy's classes: the widget's own, its class name in lowercase, then Bootstrap's (and `is-invalid`)."""
    classes = widget.attrs.get("class", "")
    name = type(widget).__name__.lower()
    if name not in classes:
        classes = f"{classes} {name}".strip()
    extra = ["form-select" if isinstance(widget, forms.Select) else "form-control"]
    if invalid:
        extra.append("is-invalid")
    words = classes.split()
    return " ".join(words + [word for word in extra if word not in words])


@register.filter
def bootstrap_field(field: forms.BoundField):
    widget = field.field.widget
    if isinstance(widget, NOT_PLAIN):
        return as_crispy_field(field)
    errors = field.errors
    html = field.as_widget(attrs={"class": widget_classes(widget, invalid=bool(errors))})
    label = ""
    if field.label:
        required = field.field.required
        label = format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    error_html = ""
    if errors:
        error_html = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(errors, start=1)),
            ),
        )
    help_html = ""
    if field.help_text:
        help_html = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # as crispy
        )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>', field.auto_id, label, html, error_html, help_html
    )
