"""Form pieces shared by every app: the date input, the submission base with its client UUID, service errors."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO (AAAA-MM-JJ) whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PeriodFilterForm(forms.Form):
    """A filter form with a `start` and an `end` date: the one rule that the end may not precede the start."""

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de période précède le début."))
        return data


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


class _ObjectsIterator(ModelChoiceIterator):
    def __init__(self, field):
        self.field = field  # no queryset: the objects are in memory

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects)


class ReferenceChoiceField(forms.ModelChoiceField):
    """A choice among objects already in memory (reference data, `altm.reference`): drawing the options and
    checking the chosen one cost no query. Set `objects` (in display order) after building the form; until then
    the field offers nothing. `queryset` still answers with the same objects, read from the database."""

    iterator = _ObjectsIterator

    def __init__(self, queryset, **kwargs):
        self.objects = []
        super().__init__(queryset, **kwargs)

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)  # as ModelChoiceField does, without cloning a queryset
        result.objects = self._objects
        result.widget.choices = result.choices  # options drawn from the copy's objects
        return result

    @property
    def objects(self) -> list:
        return self._objects

    @objects.setter
    def objects(self, objects) -> None:
        self._objects = list(objects)
        self._by_pk = {obj.pk: obj for obj in self._objects}

    def _get_queryset(self):
        return self._model_queryset.filter(pk__in=list(self._by_pk))

    def _set_queryset(self, queryset):
        self._model_queryset = queryset.all() if queryset is not None else None
        self.widget.choices = self.choices

    queryset = property(_get_queryset, _set_queryset)

    def get(self, value):
        """The object whose key is `value` (text or number), or None."""
        try:
            return self._by_pk.get(int(value))
        except (TypeError, ValueError):
            return None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, models.Model):
            value = value.pk
        obj = self.get(value)
        if obj is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return obj
