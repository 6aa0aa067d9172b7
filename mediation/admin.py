from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.results import RowResult

from altm.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from mediation import models
from mediation.interchange import InterchangeError
from mediation.resources import InterchangeCSV, InterchangeXLSX, InterventionResource
from mediation.services import note_person_read


class PersonReadAdminMixin:
    """For records about a person (DOMAIN §2: the admin shows no social data by default). The list shows the
    person's number, never their name nor a free text; the change page, which must show them, logs the read."""

    person_path = "person"  # how a row reaches its person ("consent.person" for a withdrawal)

    @admin.display(description=_("personne"))
    def person_number(self, obj):
        person = attrgetter(self.person_path)(obj)
        return f"n°{person.pk}" if person is not None else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id)) if response.status_code == 200 else None
        if obj is not None:
            label = _("Administration : %(type)s n°%(id)s") % {"type": obj._meta.verbose_name, "id": obj.pk}
            note_person_read(request.user, attrgetter(self.person_path)(obj), reason=label)
        return response


@admin.register(models.Qpv)
class QpvAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_demo"]
    search_fields = ["code", "name"]


@admin.register(models.Territory)
class TerritoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "qpv"]
    search_fields = ["code", "name"]
    list_select_related = ["qpv"]


@admin.register(models.Landlord)
class LandlordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "full_name", "email", "synthesis_weekday"]
    search_fields = ["name", "full_name"]


@admin.register(models.LandlordDispatch)
class LandlordDispatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the app sent each landlord, for checking; written only by the sending itself."""

    list_display = ["sent_at", "landlord", "kind", "period_start", "period_end", "email"]
    list_filter = ["kind", "landlord"]
    list_select_related = ["landlord"]
    date_hierarchy = "sent_at"


@admin.register(models.Site)
class SiteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "territory", "kind", "landlord", "qpv", "is_active"]
    list_filter = ["territory", "kind", "landlord", "qpv", "is_active"]
    search_fields = ["name"]
    list_select_related = ["territory", "landlord", "qpv"]


@admin.register(models.Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["territories", "managers", "mediators"]
    search_fields = ["name"]


@admin.register(models.ActivityType)
class ActivityTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "family", "order", "in_tally", "is_active"]
    list_filter = ["family", "is_active", "in_tally"]
    list_editable = ["order", "in_tally", "is_active"]
    search_fields = ["code", "label"]


@admin.register(models.Intervention)
class InterventionAdmin(ReadOnlyAdminMixin, PersonReadAdminMixin, ImportExportModelAdmin):
    """Read-only list of intervention lines with import and export in the interchange format (DOMAIN §8).

    Lines are written by the services (entry, tally, import), never edited here: the import goes through the same
    all-or-nothing bulk service as the `import_interventions` command and writes its own audit trail.
    """

    resource_classes = [InterventionResource]
    import_formats = [InterchangeCSV, InterchangeXLSX]
    export_formats = [InterchangeCSV, InterchangeXLSX]
    import_template_name = "admin/mediation/intervention/import.html"
    skip_admin_log = True  # the audit trail (altm.AuditEntry) records every imported line
    list_display = ["date", "activity_type", "count", "territory", "site", "author", "team", "source", "external_id"]
    list_filter = ["source", "territory", "team", "activity_type__family", "age_band"]
    list_select_related = ["activity_type", "territory", "site", "author", "team"]
    date_hierarchy = "date"
    search_fields = ["external_id", "note"]
    show_full_result_count = False

    def add_data_read_fail_error_to_form(self, form, e):
        # An unreadable file gets the import's own French reason, not the generic message.
        if isinstance(e, InterchangeError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        # The confirm step imports for real: if the data changed since the preview and a row became invalid,
        # nothing was written; show the errors instead of a success message.
        if result.has_errors() or result.has_validation_errors():
            context = self.admin_site.each_context(request)
            context.update(
                {
                    "title": _("Import"),
                    "opts": self.model._meta,
                    "result": result,
                    "form": self.get_import_form_class(request)(
                        self.get_import_formats(), self.get_import_resource_classes(request)
                    ),
                    "import_error_display": self.import_error_display,
                    "fields_list": [],
                }
            )
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            _("Import terminé : %(new)s ligne(s) créée(s), %(updated)s mise(s) à jour, %(skipped)s inchangée(s).")
            % {
                "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                "updated": result.totals[RowResult.IMPORT_TYPE_UPDATE],
                "skipped": result.totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )


@admin.register(models.ConflictParty)
class ConflictPartyAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: parties are added and withdraw through the conflict pages (`services.add_conflict_party`). The
    list names no party."""

    list_display = ["case", "consent_given_on", "consent_withdrawn_on"]
    list_select_related = ["case"]
    date_hierarchy = "consent_given_on"


@admin.register(models.TechnicalReportPhoto)
class TechnicalReportPhotoAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Photos come from the field form (cleaned of their metadata there); the admin only lists or removes them."""

    list_display = ["__str__", "report", "created_at", "created_by"]
    list_select_related = ["report__landlord", "created_by"]
    fields = ["report", "created_at", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.FollowUpContact)
class FollowUpContactAdmin(ReadOnlyAdminMixin, PersonReadAdminMixin, admin.ModelAdmin):
    """Read-only: contacts are written by their authors on the follow-up page (audited there)."""

    list_display = ["date", "kind", "person_number", "team", "author"]
    list_filter = ["kind", "team"]
    list_select_related = ["person", "team", "author"]
    date_hierarchy = "date"


@admin.register(models.DailyReport)
class DailyReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the team's managers write and validate the day on the daily report page (audited there)."""

    list_display = ["date", "team", "validated_at", "validated_by"]
    list_filter = ["team"]
    list_select_related = ["team", "validated_by"]
    date_hierarchy = "date"


@admin.register(models.TallyTap)
class TallyTapAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only receipts of the tally's taps (the lines they add to are audited)."""

    list_display = ["date", "activity_type", "count", "author", "created_at", "undone_at"]
    list_filter = ["activity_type"]
    list_select_related = ["activity_type", "author"]
    date_hierarchy = "date"


@admin.register(models.ActivityPreference)
class ActivityPreferenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "activity_type", "pinned", "in_tally"]
    list_filter = ["pinned", "in_tally"]
    list_select_related = ["user", "activity_type"]
