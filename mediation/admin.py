from django.contrib import admin

from mediation import models


@admin.register(models.Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.Landlord)
class LandlordAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "email"]
    search_fields = ["name", "full_name"]


@admin.register(models.Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "kind", "landlord", "is_active"]
    list_filter = ["territory", "kind", "landlord", "is_active"]
    search_fields = ["name"]
    list_select_related = ["territory", "landlord"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["territories", "managers", "mediators"]
    search_fields = ["name"]


@admin.register(models.ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "family", "order", "in_tally", "is_active"]
    list_filter = ["family", "is_active", "in_tally"]
    list_editable = ["order", "in_tally", "is_active"]
    search_fields = ["code", "label"]
