"""Changes made through /admin/ land in the same audit trail as the application's own."""

from datetime import date

from django.urls import reverse

from altm.models import AuditEntry
from partners.models import Commitment, Convention
from tests.partners.factories import make_convention


def post_data_from_change_page(response) -> dict:
    """The change form as the admin page shows it, ready to post back (main form and every inline)."""
    data = {}

    def add(form, prefix=None):
        for name in form.fields:
            key = f"{prefix}-{name}" if prefix else name
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(getattr(v, "pk", v)) for v in value]
            elif value is True:
                data[key] = "on"
            else:
                data[key] = str(getattr(value, "pk", value))

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for index, form in enumerate(formset.initial_forms):
            add(form, f"{formset.prefix}-{index}")
    return data


def test_convention_changed_in_the_admin_is_audited_with_its_commitments(client, world):
    convention = make_convention(world)
    client.force_login(world.admin)
    url = reverse("admin:partners_convention_change", args=[convention.pk])
    data = post_data_from_change_page(client.get(url))
    data["partner_signatory"] = "Nouvelle directrice"
    prefix = next(key for key in data if key.endswith("-0-planned_per_year")).rsplit("-0-", 1)[0]
    commitment = Commitment.objects.get(pk=data[f"{prefix}-0-id"])
    planned = commitment.planned_per_year
    data[f"{prefix}-0-planned_per_year"] = str(planned + 1)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    convention_entry = AuditEntry.objects.for_object(convention).get()
    assert convention_entry.actor == world.admin
    assert (
        "partner_signatory",
        convention.partner_signatory,
        "Nouvelle directrice",
    ) in convention_entry.changed_fields()
    commitment_entry = AuditEntry.objects.for_object(commitment).get()
    assert ("planned_per_year", planned, planned + 1) in commitment_entry.changed_fields()
    # Inline rows left as they were are not logged.
    assert AuditEntry.objects.count() == 2


def test_convention_deleted_in_the_admin_keeps_its_values_in_the_trail(client, world):
    convention = make_convention(world, signed_on=date(2025, 1, 10))
    client.force_login(world.admin)
    response = client.post(reverse("admin:partners_convention_delete", args=[convention.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Convention.objects.filter(pk=convention.pk).exists()
    entry = AuditEntry.objects.get(action="delete")
    assert entry.before["signed_on"] == "2025-01-10" and entry.actor == world.admin
