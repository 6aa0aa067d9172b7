"""Widgets of the mediation forms."""

from django import forms


class SiteSelect(forms.Select):
    """Site options carry their territory and landlord, so the page filters them and can pre-fill the landlord."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-territory"] = str(instance.territory_id)
            option["attrs"]["data-landlord"] = str(instance.landlord_id or "")
        return option
