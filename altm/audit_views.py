"""The audit trail, read by the direction: who created, changed or deleted what, with the values before and after."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from altm.audit import content_type_label, describe
from altm.decorators import role_required
from altm.models import AuditAction, AuditEntry

PAGE_SIZE = 25


class AuditFilterForm(forms.Form):
    content_type = forms.ModelChoiceField(
        label=_("Type d'objet"), queryset=ContentType.objects.none(), required=False, empty_label=_("Tous")
    )
    actor = forms.ModelChoiceField(
        label=_("Par"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Tout le monde")
    )
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Toutes")), *AuditAction.choices], required=False)
    date_from = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = ContentType.objects.filter(
            pk__in=AuditEntry.objects.values("content_type")
        ).order_by("app_label", "model")
        self.fields["content_type"].label_from_instance = content_type_label
        self.fields["actor"].queryset = get_user_model().objects.filter(pk__in=AuditEntry.objects.values("actor"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("La date de fin précède la date de début."))
        return cleaned

    def filter(self, entries: models.QuerySet) -> models.QuerySet:
        data = self.cleaned_data
        if data.get("content_type"):
            entries = entries.filter(content_type=data["content_type"])
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("date_from"):
            entries = entries.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(at__date__lte=data["date_to"])
        return entries


def _entries():
    return AuditEntry.objects.select_related("actor", "content_type")


@role_required(Role.DIRECTOR)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = _entries()
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
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
