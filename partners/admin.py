from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from mediation.admin import PersonReadAdminMixin
from partners import models


class PartnerContactInline(admin.TabularInline):
    model = models.PartnerContact
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.PartnerOrganisation)
class PartnerOrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "partnership_today", "is_active"]
    list_filter = ["kind", "partnership_type_override", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["sites"]
    inlines = [PartnerContactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("conventions")

    @admin.display(description=_("type de partenariat"))
    def partnership_today(self, obj):
        partnership = obj.partnership_on(timezone.localdate())
        if partnership.is_overridden:
            return _("%(type)s (imposé ; déduit : %(derived)s)") % {
                "type": partnership.label,
                "derived": partnership.derived_label,
            }
        return partnership.label


class AmendmentInline(admin.TabularInline):
    model = models.Amendment
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = models.Commitment
    extra = 0


@admin.register(models.Convention)
class ConventionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "signed_on", "status_today", "term_today"]
    list_filter = ["organisation", "tacit_renewal"]
    search_fields = ["title", "organisation__name"]
    filter_horizontal = ["sites"]
    inlines = [AmendmentInline, CommitmentInline]

    @admin.display(description=_("statut aujourd'hui"))
    def status_today(self, obj):
        return obj.schedule(timezone.localdate()).status_label

    @admin.display(description=_("terme en cours"))
    def term_today(self, obj):
        return obj.schedule(timezone.localdate()).term


@admin.register(models.PartnerEvent)
class PartnerEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "convention", "site", "situations_reviewed"]
    list_filter = ["kind", "convention"]
    date_hierarchy = "date"


@admin.register(models.Referral)
class ReferralAdmin(PersonReadAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "direction", "mode", "partner_name", "team", "status", "follow_up_on"]
    list_filter = ["direction", "mode", "status", "team"]
    date_hierarchy = "date"
    search_fields = ["partner_name", "counsellor_name"]
    # Referrals are recorded through the service (it records the intervention line and the share too).
    readonly_fields = [f.name for f in models.Referral._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JournalAdmin(ReadOnlyAdminMixin, PersonReadAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Journals are read-only everywhere, the admin included. Each is about a person: its page logs the read."""


@admin.register(models.Consent)
class ConsentAdmin(JournalAdmin):
    list_display = [
        "given_on",
        "person_number",
        "recipient_organisation",
        "purpose",
        "form",
        "expires_on",
        "recorded_by",
    ]
    list_filter = ["form", "purpose", "recipient_organisation"]
    date_hierarchy = "given_on"


@admin.register(models.ConsentWithdrawal)
class ConsentWithdrawalAdmin(JournalAdmin):
    list_display = ["withdrawn_on", "consent", "person_number", "recorded_by"]
    list_select_related = ["consent"]
    person_path = "consent.person"


@admin.register(models.InformationShare)
class InformationShareAdmin(JournalAdmin):
    list_display = ["shared_on", "person_number", "recipient_name", "legal_basis", "shared_by"]
    list_filter = ["legal_basis", "purpose", "to_organisation"]
    date_hierarchy = "shared_on"


class NextStepInline(admin.TabularInline):
    model = models.NextStep
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.SharedSituation)
class SharedSituationAdmin(JournalAdmin):
    """Read-only: a situation is opened, fed and closed through `partners.services.situations` (consent gate)."""

    list_display = ["opened_on", "person_number", "organisation", "team", "closed_on", "close_reason"]
    list_filter = ["organisation", "team", "close_reason"]
    date_hierarchy = "opened_on"


@admin.register(models.CoordinationMeeting)
class CoordinationMeetingAdmin(JournalAdmin):
    list_display = ["date", "situation", "person_number", "recorded_by"]
    list_select_related = ["situation__person", "situation__organisation"]
    person_path = "situation.person"
    inlines = [NextStepInline]


@admin.register(models.OutcomeFeedback)
class OutcomeFeedbackAdmin(JournalAdmin):
    list_display = ["dated_on", "kind", "side", "person_number", "recorded_by"]
    list_filter = ["kind", "side"]
    list_select_related = ["situation__person"]
    person_path = "situation.person"


class AttributionInline(admin.TabularInline):
    model = models.Attribution
    extra = 0
    autocomplete_fields = ["site"]


@admin.register(models.Funder)
class FunderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(models.Dispositif)
class DispositifAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "funder", "kind", "reference"]
    list_filter = ["kind", "funder"]
    search_fields = ["name", "reference"]
    list_select_related = ["funder"]
    inlines = [AttributionInline]


@admin.register(models.AdultRelayPost)
class AdultRelayPostAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["holder", "qpv", "contract_starts_on", "contract_ends_on", "convention_reference", "dispositif"]
    list_filter = ["qpv", "dispositif"]
    search_fields = ["holder__last_name", "holder__first_name", "convention_reference"]
    list_select_related = ["holder", "qpv", "dispositif"]
    autocomplete_fields = ["holder"]


# --- Registers (projects, diagnostics, territorial bodies, training) ---------------------------------------------


@admin.register(models.CommunityProject)
class CommunityProjectAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "territory", "started_on", "ended_on", "people_invited", "people_met"]
    list_filter = ["kind", "territory"]
    search_fields = ["title", "partners"]
    date_hierarchy = "started_on"


@admin.register(models.Diagnostic)
class DiagnosticAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "territory", "started_on", "completed_on", "data_processed"]
    list_filter = ["kind", "territory", "data_processed"]
    search_fields = ["title", "commissioned_by"]
    date_hierarchy = "started_on"


class BodyMeetingInline(admin.TabularInline):
    model = models.BodyMeeting
    extra = 0
    fields = ["date", "attendees", "topics"]
    autocomplete_fields = ["attendees"]


@admin.register(models.TerritorialBody)
class TerritorialBodyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "joined_on", "left_on"]
    list_filter = ["kind", "territory"]
    search_fields = ["name", "led_by"]
    inlines = [BodyMeetingInline]


@admin.register(models.BodyMeeting)
class BodyMeetingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "body"]
    list_filter = ["body__kind", "body"]
    date_hierarchy = "date"
    autocomplete_fields = ["attendees"]


class TrainingAttendanceInline(admin.TabularInline):
    model = models.TrainingAttendance
    extra = 0
    autocomplete_fields = ["employee"]


@admin.register(models.TrainingSession)
class TrainingSessionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "provider", "kind", "started_on", "ended_on", "hours"]
    list_filter = ["kind"]
    search_fields = ["title", "provider"]
    date_hierarchy = "started_on"
    inlines = [TrainingAttendanceInline]


@admin.register(models.Certification)
class CertificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["employee", "kind", "route", "started_on", "obtained_on", "abandoned_on"]
    list_filter = ["kind", "route"]
    search_fields = ["employee__username", "employee__first_name", "employee__last_name"]
    autocomplete_fields = ["employee"]


@admin.register(models.TeamExchange)
class TeamExchangeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "host_team", "days", "topic"]
    list_filter = ["kind", "host_team"]
    date_hierarchy = "date"
    autocomplete_fields = ["participants"]
