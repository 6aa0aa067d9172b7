from django.contrib import admin

from partners import models


class PartnerContactInline(admin.TabularInline):
    model = models.PartnerContact
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "partnership_type", "is_active"]
    list_filter = ["kind", "partnership_type", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["sites"]
    inlines = [PartnerContactInline]
