"""Service projects are configured here: a new project (e.g. 2020-2022) needs no code."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from altm.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from reporting import indicators, models, services
from reporting.indicators.registers import COUNTERS


class ProjectPartInline(admin.TabularInline):
    model = models.ProjectPart
    extra = 0


@admin.register(models.ServiceProject)
class ServiceProjectAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "start_year", "end_year"]
    inlines = [ProjectPartInline]
    actions = ["copy_to_next_period"]

    @admin.action(description=_("Créer le projet suivant avec la même structure (parties, enjeux, axes, indicateurs)"))
    def copy_to_next_period(self, request, queryset):
        for project in queryset:
            length = project.end_year - project.start_year + 1
            start, end = project.end_year + 1, project.end_year + length
            try:
                new = services.copy_project_structure(
                    actor=request.user,
                    source=project,
                    name=_("Projet de service %(start)s-%(end)s") % {"start": start, "end": end},
                    start_year=start,
                    end_year=end,
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("« %(name)s » créé.") % {"name": new.name}, messages.SUCCESS)


class ProjectStakeInline(admin.TabularInline):
    model = models.ProjectStake
    extra = 0


@admin.register(models.ProjectPart)
class ProjectPartAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "project"]
    list_filter = ["project"]
    inlines = [ProjectStakeInline]


class ProjectAxisInline(admin.TabularInline):
    model = models.ProjectAxis
    extra = 0


@admin.register(models.ProjectStake)
class ProjectStakeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "part"]
    list_filter = ["part__project"]
    inlines = [ProjectAxisInline]


def _registry_choices():
    return [("", "—"), *indicators.choices()]


class ProjectIndicatorForm(forms.ModelForm):
    registry_code = forms.ChoiceField(label=_("Indicateur calculé"), required=False, choices=_registry_choices)

    class Meta:
        model = models.ProjectIndicator
        fields = ["axis", "order", "label", "source", "registry_code", "unit"]


class ProjectIndicatorInline(admin.TabularInline):
    model = models.ProjectIndicator
    form = ProjectIndicatorForm
    extra = 0


@admin.register(models.ProjectAxis)
class ProjectAxisAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "stake"]
    list_filter = ["stake__part__project"]
    inlines = [ProjectIndicatorInline]


@admin.register(models.ProjectIndicator)
class ProjectIndicatorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ProjectIndicatorForm
    list_display = ["label", "axis", "source", "registry_code", "unit"]
    list_filter = ["axis__stake__part__project", "source", "unit"]
    search_fields = ["label", "registry_code"]
    list_select_related = ["axis"]


@admin.register(models.FrozenReport)
class FrozenReportAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Read only: a frozen report is never edited."""

    list_display = ["year", "frozen_at", "frozen_by"]
    fields = ["year", "frozen_at", "frozen_by", "note"]
    readonly_fields = fields


@admin.register(models.FunderReportNote)
class FunderReportNoteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["funder", "year", "updated_at", "updated_by"]
    list_select_related = ["funder", "updated_by"]
    readonly_fields = ["updated_by"]


@admin.register(models.ConventionReviewNote)
class ConventionReviewNoteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["convention", "period_start", "frozen_at", "updated_by"]
    list_select_related = ["convention__organisation", "updated_by"]
    readonly_fields = ["updated_by", "frozen_at", "frozen_by"]


class IndicatorDefinitionForm(forms.ModelForm):
    class Meta:
        model = models.IndicatorDefinition
        fields = [
            "code",
            "label",
            "section",
            "order",
            "in_evaluation",
            "source",
            "activity_types",
            "measure",
            "mode",
            "age_band",
            "qpv",
            "followup_kind",
            "records",
            "unit",
            "definition",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "records" in self.fields:
            self.fields["records"].help_text = _(
                "Pour les conventions : conventions_signed, meeting, immersion, presentation, shared_action. "
                "Pour les registres : %(counters)s ; suivi de « :type » pour ne compter qu'un type "
                "(par exemple projects:cafe)."
            ) % {"counters": ", ".join(COUNTERS)}

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source") or (self.instance.source if self.instance.pk else None)
        activity_types = cleaned.get("activity_types")
        if source == models.IndicatorSourceKind.INTERVENTIONS and activity_types is not None:
            if not activity_types:
                self.add_error("activity_types", _("Choisissez au moins un type d'activité à compter."))
        elif activity_types:
            self.add_error("activity_types", _("Les types d'activité ne servent que pour les lignes d'activité."))
        return cleaned


@admin.register(models.IndicatorDefinition)
class IndicatorDefinitionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """An administrator defines a computed indicator here, without code: it reaches the evaluation page, its PDF,
    its spreadsheet and its CSV at once (when « dans les tableaux d'évaluation » is ticked), and the list of
    indicators a service project may compute. Built-in indicators keep what they count (the evaluation tables of
    past years must not change); their label, order and activity types may be adjusted."""

    form = IndicatorDefinitionForm
    list_display = ["code", "label", "section", "source", "measure", "in_evaluation", "is_builtin", "is_active"]
    list_filter = ["section", "source", "in_evaluation", "is_builtin", "is_active"]
    search_fields = ["code", "label"]
    filter_horizontal = ["activity_types"]
    ordering = ["section", "order", "code"]
    fieldsets = [
        (None, {"fields": ["code", "label", "section", "order", "in_evaluation", "is_active"]}),
        (_("Ce qui est compté"), {"fields": ["source", "activity_types", "measure", "followup_kind", "records"]}),
        (_("Filtres sur les lignes d'activité"), {"fields": ["mode", "age_band", "qpv"]}),
        (_("Présentation"), {"fields": ["unit", "definition"]}),
    ]

    BUILTIN_LOCKED = ["code", "source", "measure", "mode", "age_band", "qpv", "followup_kind", "records"]

    def get_readonly_fields(self, request, obj=None):
        return self.BUILTIN_LOCKED if obj is not None and obj.is_builtin else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        indicators.forget()
