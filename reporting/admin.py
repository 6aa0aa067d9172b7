"""Service projects are configured here: a new project (e.g. 2020-2022) needs no code."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from altm.admin import AuditedAdminMixin
from reporting import indicators, models, services


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
class FrozenReportAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read only: a frozen report is never edited."""

    list_display = ["year", "frozen_at", "frozen_by"]
    fields = ["year", "frozen_at", "frozen_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
