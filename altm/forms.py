"""Form pieces shared by every app: the date input, the submission base with its client UUID, service errors."""

import uuid

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO (AAAA-MM-JJ) whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SubmissionForm(forms.Form):
    """Base of the create forms: the page carries a fresh UUID, so a double submit or a retry saves once.

    Works as a base of a `ModelForm` too (`class F(SubmissionForm, forms.ModelForm)`); a form editing an existing
    object gets no new UUID.
    """

    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = getattr(getattr(self, "instance", None), "pk", None) is not None
        if not self.is_bound and not editing:
            self.initial.setdefault("uuid", uuid.uuid4())


class VersionedForm(forms.Form):
    """Base of the edit forms: the page carries the version it was read at (`altm.versions.current_version`), so a
    save over a newer version is refused with the other change shown instead of silently reverting it.

    Works as a base of a `ModelForm` too. The view puts the version in `initial`; the update service checks it.
    """

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, the rest on top of the form."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def submit(form: forms.BaseForm, service, /, **kwargs):
    """Call a write service with a valid form's data. Its result, or None when it refused: then its French
    messages are on the form, next to the fields they name, and nothing was saved."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
