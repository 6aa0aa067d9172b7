"""Forms of the mediation app. Writes go through `mediation.services`; forms only validate and choose."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation import scoping
from mediation.models import (
    ActivityFamily,
    ActivityType,
    ConflictCase,
    ConflictStatus,
    Intervention,
    InterventionSource,
    Landlord,
    Person,
    ReferralMode,
    Site,
    Territory,
)

# --- Interventions (quick entry, tally, JSON API, edit) -----------------------------------------------------

# Extra field -> the ActivityType flag that asks for it. The page shows a field only when the chosen type's
# flag is set; the form blanks the others so a value left over from another type is never saved.
EXTRA_FIELDS = {
    "mode": "uses_mode",
    "partner_name": "uses_partner",
    "landlord": "uses_landlord",
    "theme": "uses_theme",
    "duration_minutes": "uses_duration",
    "conflict_case": "uses_conflict_case",
    "person": "uses_person",
}
EXTRA_EMPTY = {"mode": "", "partner_name": "", "theme": ""}  # the others are foreign keys or numbers: None
MAX_COUNT = 500


def activity_extras(activity: ActivityType) -> list[str]:
    """Names of the extra fields an activity type asks for."""
    return [name for name, flag in EXTRA_FIELDS.items() if getattr(activity, flag)]


class SiteSelect(forms.Select):
    """A site drop-down whose options carry their territory, so the page can filter them by territory."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-territory"] = str(instance.territory_id)
        return option


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _counter(attrs=None):
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "class": "text-center", **(attrs or {})})


class InterventionForm(forms.ModelForm):
    """One intervention line, shared by the quick-entry page, the tally, the JSON API and the edit page."""

    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    source = forms.ChoiceField(
        required=False,
        choices=[(value, label) for value, label in InterventionSource.choices if value in ("entry", "tally")],
        widget=forms.HiddenInput,
    )
    count = forms.IntegerField(
        label=_("Nombre d'actes"),
        min_value=1,
        max_value=MAX_COUNT,
        initial=1,
        widget=_counter({"min": 1}),
        error_messages={
            "required": _("Indiquez le nombre d'actes."),
            "min_value": _("Au moins 1 acte."),
            "max_value": _("Plus de %(limit_value)s actes sur une ligne : vérifiez le nombre."),
            "invalid": _("Indiquez un nombre entier."),
        },
    )
    women = forms.IntegerField(label=_("Femmes"), required=False, min_value=0, widget=_counter())
    men = forms.IntegerField(label=_("Hommes"), required=False, min_value=0, widget=_counter())
    unknown = forms.IntegerField(label=_("Non précisé"), required=False, min_value=0, widget=_counter())

    class Meta:
        model = Intervention
        fields = [
            "date",
            "territory",
            "site",
            "activity_type",
            "count",
            "women",
            "men",
            "unknown",
            "mode",
            "partner_name",
            "landlord",
            "theme",
            "duration_minutes",
            "conflict_case",
            "person",
            "note",
        ]
        widgets = {
            "date": DateInput(),
            "site": SiteSelect(),
            "activity_type": forms.RadioSelect(),
            "mode": forms.RadioSelect(),
            "duration_minutes": _counter({"placeholder": _("en minutes")}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"duration_minutes": _("Durée (minutes)")}
        error_messages = {
            "activity_type": {"required": _("Choisissez une activité.")},
            "territory": {"required": _("Choisissez un secteur.")},
            "date": {"required": _("Indiquez la date.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        territories = Territory.objects.loggable_by(user)
        if self.instance.pk:
            # A manager correcting a line keeps its territory even if their teams changed since.
            territories = Territory.objects.filter(pk__in=territories.values("pk")) | Territory.objects.filter(
                pk=self.instance.territory_id
            )
        self.fields["territory"].queryset = territories.order_by("name")
        self.fields["territory"].empty_label = None
        self.fields["site"].queryset = (
            Site.objects.filter(territory__in=territories.values("pk"), is_active=True)
            .select_related("territory")
            .order_by("name")
        )
        self.fields["site"].empty_label = _("Sans site précis")
        activities = ActivityType.objects.active()
        if self.instance.pk:
            activities = activities | ActivityType.objects.filter(pk=self.instance.activity_type_id)
        self.fields["activity_type"].queryset = activities
        self.fields["mode"].choices = list(ReferralMode.choices)
        team_ids = scoping.team_ids(user)
        self.fields["conflict_case"].queryset = ConflictCase.objects.filter(team_id__in=team_ids).exclude(
            status=ConflictStatus.CLOSED
        )
        self.fields["conflict_case"].empty_label = _("Aucune")
        self.fields["person"].queryset = Person.objects.filter(team_id__in=team_ids, anonymised_at__isnull=True)
        self.fields["person"].empty_label = _("Aucune")
        self.fields["landlord"].queryset = Landlord.objects.all()
        self.fields["landlord"].empty_label = _("Aucun")
        self.fields["theme"].widget.attrs["list"] = "themes"
        self.fields["partner_name"].widget.attrs["list"] = "partner-names"

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return value

    def clean(self):
        data = super().clean()
        for name in ("women", "men", "unknown"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        territory, site = data.get("territory"), data.get("site")
        if territory and site and site.territory_id != territory.pk:
            self.add_error("site", _("Ce site n'appartient pas au secteur choisi."))
        activity = data.get("activity_type")
        if activity is not None:
            wanted = set(activity_extras(activity))
            for name in EXTRA_FIELDS:
                if name not in wanted:
                    data[name] = EXTRA_EMPTY.get(name)
                    self.errors.pop(name, None)
            if activity.uses_mode and not data.get("mode") and "mode" not in self.errors:
                self.add_error("mode", _("Choisissez la modalité de la mise en relation."))
        return data

    def _post_clean(self):
        # Model rules are checked once, by the service that records or updates the line (its errors come back
        # onto this form); running them here too would repeat every constraint and foreign-key query.
        pass

    def service_fields(self) -> dict:
        """Cleaned values as keyword arguments for `services.record_intervention` / `update_intervention`."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def place_summary(self, with_date: bool = True) -> str:
        """ "Aujourd'hui · Lyon 8 · Santy": the pre-filled context in one line."""
        parts = []
        if with_date:
            value = self["date"].value()
            if isinstance(value, str):
                try:
                    value = forms.DateField().to_python(value)
                except forms.ValidationError:
                    value = None
            if value == timezone.localdate():
                parts.append(str(_("Aujourd'hui")))
            elif value:
                parts.append(value.strftime("%d/%m/%Y"))
        for name in ("territory", "site"):
            value = self[name].value()
            if value:
                obj = self.fields[name].queryset.filter(pk=value).first() if str(value).isdigit() else None
                if obj is not None:
                    parts.append(obj.name)
        if not self["site"].value():
            parts.append(str(_("sans site précis")))
        return " · ".join(parts)

    def activity_groups(self) -> list[tuple[str, list[dict]]]:
        """Activity types grouped by family (in the order of DOMAIN §3), with what the page needs to draw them."""
        selected = str(self["activity_type"].value() or "")
        groups = {family: [] for family in ActivityFamily.values}
        for activity in self.fields["activity_type"].queryset.order_by("order", "label"):
            groups.setdefault(activity.family, []).append(
                {
                    "activity": activity,
                    "extras": " ".join(activity_extras(activity)),
                    "checked": str(activity.pk) == selected,
                }
            )
        labels = dict(ActivityFamily.choices)
        return [(labels.get(family, family), items) for family, items in groups.items() if items]
