"""The audit trail, read by the direction: who created, changed or deleted what, with the values before and after."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from altm.audit import content_type_label, describe, note_entries_read
from altm.decorators import role_required
from altm.forms import DateInput
from altm.models import AuditAction, AuditEntry
from altm.pagination import LeanPage

PAGE_SIZE = 25
AUDITED_APPS = ["accounts", "altm", "mediation", "partners", "reporting"]


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

    # The choices are read from the small tables, never from the journal (a million rows and more).
    content_type = django_filters.ModelChoiceFilter(
        label=_("Type d'objet"),
        queryset=ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model"),
        empty_label=_("Tous"),
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Par"), queryset=get_user_model().objects.all(), empty_label=_("Tout le monde")
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices, empty_label=_("Toutes"))
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Du"), widget=DateInput())
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Au"), widget=DateInput())

    class Meta:
        model = AuditEntry
        fields = ["content_type", "actor", "action", "date_from", "date_to"]
        form = AuditFilterForm


def _entries():
    return AuditEntry.objects.select_related("actor", "content_type")


@role_required(Role.DIRECTOR)
def audit_list(request):
    filterset = AuditFilter(request.GET or None, _entries())
    form = filterset.form
    # As long as one filter is refused, the whole journal is shown with the errors (no half-applied filter).
    entries = filterset.qs if form.is_bound and form.is_valid() else _entries()
    page = LeanPage(entries, request.GET.get("page"), PAGE_SIZE)
    if page.error:
        messages.warning(request, page.error)
    note_entries_read(request.user, list(page))
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
    note_entries_read(request.user, entries)
    context = {
        "type_label": content_type_label(content_type),
        "object_repr": entries[0].object_repr,
        "rows": describe(entries),
    }
    return render(request, "altm/audit_object.html", context)
