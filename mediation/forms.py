"""Forms of the mediation app. Writes go through `mediation.services`; forms only validate and choose."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput, ReferenceChoiceField, SubmissionForm, VersionedForm
from mediation import reference, rules
from mediation.models import (
    ActivityFamily,
    ActivityType,
    ConflictCase,
    ConflictStatus,
    Intervention,
    InterventionSource,
    Person,
    ReferralMode,
)
from mediation.scoping import team_ids
from mediation.widgets import SiteSelect

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


def activity_extras(activity: ActivityType) -> list[str]:
    """Names of the extra fields an activity type asks for."""
    return [name for name, flag in EXTRA_FIELDS.items() if getattr(activity, flag)]


def activity_family_groups(activities) -> list[tuple[str, list]]:
    """Activity types grouped by family, in the order of DOMAIN §3 (French family labels)."""
    groups = {family: [] for family in ActivityFamily.values}
    for activity in activities:
        groups.setdefault(activity.family, []).append(activity)
    labels = dict(ActivityFamily.choices)
    return [(labels.get(family, family), items) for family, items in groups.items() if items]


def _counter(attrs=None):
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "class": "text-center", **(attrs or {})})


def _reference_formfield(db_field, **kwargs):
    """Territory, site, activity type and landlord: chosen among the reference data in memory."""
    if db_field.name in ("territory", "site", "activity_type", "landlord"):
        kwargs["form_class"] = ReferenceChoiceField
    return db_field.formfield(**kwargs)


class InterventionForm(SubmissionForm, VersionedForm, forms.ModelForm):
    """One intervention line, shared by the quick-entry page, the tally, the JSON API and the edit page."""

    source = forms.ChoiceField(
        required=False,
        choices=[(value, label) for value, label in InterventionSource.choices if value in ("entry", "tally")],
        widget=forms.HiddenInput,
    )
    # Numbers are only parsed here; their limits are rules (`mediation.rules`, called by `clean` and again by the
    # service). The widgets carry the same limits so the phone's keyboard and the browser help before sending.
    count = forms.IntegerField(
        label=_("Nombre d'actes"),
        initial=1,
        widget=_counter({"min": 1, "max": rules.MAX_COUNT}),
        error_messages={"required": _("Indiquez le nombre d'actes."), "invalid": _("Indiquez un nombre entier.")},
    )
    women = forms.IntegerField(label=_("Femmes"), required=False, widget=_counter({"max": rules.MAX_PEOPLE}))
    men = forms.IntegerField(label=_("Hommes"), required=False, widget=_counter({"max": rules.MAX_PEOPLE}))
    unknown = forms.IntegerField(label=_("Non précisé"), required=False, widget=_counter({"max": rules.MAX_PEOPLE}))

    class Meta:
        model = Intervention
        formfield_callback = _reference_formfield
        fields = [
            "date",
            "territory",
            "site",
            "activity_type",
            "count",
            "women",
            "men",
            "unknown",
            "age_band",
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
            "duration_minutes": _counter({"placeholder": _("en minutes"), "max": rules.MAX_DURATION_MINUTES}),
            "note": forms.Textarea(attrs={"rows": 2, "maxlength": rules.NOTE_MAX_LENGTH}),
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
        # Territories, sites, activity types and landlords come from the reference data each process keeps
        # (`mediation.reference`): drawing and checking them costs no query.
        ref = reference.current()
        territories = ref.territories_of(team_ids(user))
        if self.instance.pk and self.instance.territory_id not in {territory.pk for territory in territories}:
            # A manager correcting a line keeps its territory even if their teams changed since.
            territories = sorted([*territories, ref.territories[self.instance.territory_id]], key=lambda t: t.name)
        self.fields["territory"].objects = territories
        self.fields["territory"].empty_label = None
        loggable = {territory.pk for territory in territories}
        self.fields["site"].objects = [
            site for site in ref.sites.values() if site.is_active and site.territory_id in loggable
        ]
        self.fields["site"].empty_label = _("Sans site précis")
        self.fields["activity_type"].objects = [
            activity
            for activity in ref.activity_types.values()
            if activity.is_active or activity.pk == self.instance.activity_type_id
        ]
        self.fields["landlord"].objects = ref.landlords.values()
        self.fields["landlord"].empty_label = _("Aucun")
        self.fields["mode"].choices = list(ReferralMode.choices)
        # Cases and persons are the user's own: their querysets are built only when the page draws them or a value
        # was sent (an entry without them, the common case, reads nothing for them).
        if self._needs_choices("conflict_case"):
            self.fields["conflict_case"].queryset = ConflictCase.objects.for_user(user).exclude(
                status=ConflictStatus.CLOSED
            )
        else:
            self.fields["conflict_case"].queryset = ConflictCase.objects.none()
        self.fields["conflict_case"].empty_label = _("Aucune")
        if self._needs_choices("person"):
            self.fields["person"].queryset = Person.objects.workable_by(user)
        else:
            self.fields["person"].queryset = Person.objects.none()
        self.fields["person"].empty_label = _("Aucune")
        self.fields["theme"].widget.attrs["list"] = "themes"
        self.fields["partner_name"].widget.attrs["list"] = "partner-names"

    def _needs_choices(self, name: str) -> bool:
        return not self.is_bound or bool(self.data.get(self.add_prefix(name)))

    def clean(self):
        data = super().clean()
        for name in ("women", "men", "unknown"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        activity = data.get("activity_type")
        if activity is not None:
            wanted = set(activity_extras(activity))
            for name in EXTRA_FIELDS:
                if name not in wanted:
                    data[name] = EXTRA_EMPTY.get(name)
                    self.errors.pop(name, None)
        # Every rule the line breaks is shown at once, next to its field; the service checks them again on save.
        site = data.get("site")
        territory = data.get("territory")
        broken = rules.intervention_errors(
            day=data.get("date"),
            territory_id=territory.pk if territory else None,
            site_territory_id=site.territory_id if site else None,
            activity=activity,
            mode=data.get("mode") or "",
            count=data.get("count"),
            women=data.get("women"),
            men=data.get("men"),
            unknown=data.get("unknown"),
            duration_minutes=data.get("duration_minutes"),
            note=data.get("note") or "",
            today=timezone.localdate(),
            source=self.instance.source,
            previous_mode=self.instance.mode if self.instance.pk else None,
            require_mode=self.instance.source != InterventionSource.IMPORT,
            age_band=data.get("age_band") or "",
        )
        for name, messages in broken.items():
            if name not in self.errors:
                self.add_error(name, messages)
        return data

    def _post_clean(self):
        # The model's checks run once, in the service that records or updates the line, whichever path it comes
        # from (their errors come back onto this form); running them here too would repeat every query.
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
                obj = self.fields[name].get(value)
                if obj is not None:
                    parts.append(obj.name)
        if not self["site"].value():
            parts.append(str(_("sans site précis")))
        return " · ".join(parts)

    def activity_groups(self, activities=None, *, mine=()) -> list[tuple[str, list[dict]]]:
        """Activity types grouped by family (in the order of DOMAIN §3), with what the page needs to draw them;
        `mine` (the user's favourites and most used) first, as their own group, and not repeated below."""
        selected = str(self["activity_type"].value() or "")
        if activities is None:
            activities = sorted(
                self.fields["activity_type"].objects, key=lambda activity: (activity.order, activity.label)
            )
        mine_ids = {activity.pk for activity in mine}

        def item(activity):
            return {
                "activity": activity,
                "extras": " ".join(activity_extras(activity)),
                "checked": str(activity.pk) == selected,
            }

        groups = {family: [] for family in ActivityFamily.values}
        for activity in activities:
            if activity.pk not in mine_ids:
                groups.setdefault(activity.family, []).append(item(activity))
        labels = dict(ActivityFamily.choices)
        first = [(_("Mes activités"), [item(activity) for activity in mine])] if mine else []
        return first + [(labels.get(family, family), items) for family, items in groups.items() if items]
