"""The audit trail, read by the direction: who created, changed or deleted what, with the values before and after."""

from collections import defaultdict
from datetime import date, datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import DateInput
from altm.models import AuditAction, AuditEntry

PAGE_SIZE = 25
# Never shown, even to the direction: secrets and the technical key.
HIDDEN_FIELDS = {"id", "password", "key"}
# Who and when are the entry's own columns.
BOOKKEEPING_FIELDS = {"created_by_id", "updated_by_id"}


class AuditFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].label_from_instance = content_type_label

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("La date de fin précède la date de début."))
        return cleaned


class AuditFilter(django_filters.FilterSet):
    """Filters of the journal. Unreadable values are refused in French next to their field (never a 500)."""

    content_type = django_filters.ModelChoiceFilter(
        label=_("Type d'objet"),
        queryset=ContentType.objects.filter(pk__in=AuditEntry.objects.values("content_type")).order_by(
            "app_label", "model"
        ),
        empty_label=_("Tous"),
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Par"),
        queryset=get_user_model().objects.filter(pk__in=AuditEntry.objects.values("actor")),
        empty_label=_("Tout le monde"),
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices, empty_label=_("Toutes"))
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Du"), widget=DateInput())
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Au"), widget=DateInput())

    class Meta:
        model = AuditEntry
        fields = ["content_type", "actor", "action", "date_from", "date_to"]
        form = AuditFilterForm


def content_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model else content_type.model


def _field_by_attname(model) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields} if model else {}


def _shown(field: models.Field | None, name: str, before, after) -> bool:
    """Leave out secrets, bookkeeping already in the "when"/"who" columns, and empty values of a creation."""
    if name in HIDDEN_FIELDS or name in BOOKKEEPING_FIELDS:
        return False
    if field is not None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return False
    return not (before in (None, "") and after in (None, ""))


def _format_value(field: models.Field | None, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.is_relation:
        target = related.get((field.related_model, value))
        return str(target) if target is not None else f"n° {value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("Oui") if value else _("Non"))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, date | datetime):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def describe(entries: list[AuditEntry]) -> list[dict]:
    """Each entry with its changed fields as (French field name, before, after), foreign keys by name.

    Related objects are fetched in one query per related model, whatever the number of entries.
    """
    wanted: dict = defaultdict(set)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = _field_by_attname(model)
        order = {name: position for position, name in enumerate(fields)}
        changes = [
            (fields.get(name), before, after)
            for name, before, after in sorted(entry.changed_fields(), key=lambda c: order.get(c[0], len(order)))
            if _shown(fields.get(name), name, before, after)
        ]
        for field, before, after in changes:
            if field is not None and field.is_relation:
                wanted[field.related_model].update(v for v in (before, after) if v not in (None, ""))
        rows.append((entry, model, changes))
    related = {}
    for related_model, pks in wanted.items():
        for pk, obj in related_model._base_manager.in_bulk(list(pks)).items():
            related[(related_model, pk)] = obj
    described = []
    for entry, model, changes in rows:
        described.append(
            {
                "entry": entry,
                "type": str(model._meta.verbose_name).capitalize() if model else entry.content_type.model,
                "changes": [
                    {
                        "field": str(field.verbose_name).capitalize() if field is not None else "?",
                        "before": _format_value(field, before, related),
                        "after": _format_value(field, after, related),
                    }
                    for field, before, after in changes
                ],
            }
        )
    return described


def _entries():
    return AuditEntry.objects.select_related("actor", "content_type")


@role_required(Role.DIRECTOR)
def audit_list(request):
    filterset = AuditFilter(request.GET or None, _entries())
    form = filterset.form
    # As long as one filter is refused, the whole journal is shown with the errors (no half-applied filter).
    entries = filterset.qs if form.is_bound and form.is_valid() else _entries()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": describe(list(page)), "query": query.urlencode()}
    return render(request, "altm/audit_list.html", context)


@role_required(Role.DIRECTOR)
def audit_object(request, content_type_id: int, object_id: str):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    entries = list(_entries().filter(content_type=content_type, object_id=object_id))
    if not entries:
        raise Http404
    context = {
        "type_label": content_type_label(content_type),
        "object_repr": entries[0].object_repr,
        "rows": describe(entries),
    }
    return render(request, "altm/audit_object.html", context)
