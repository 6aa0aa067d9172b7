"""Admin helpers shared by every app (changes made through /admin/ go to the same audit trail as the app's), and
the agency's page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User
from altm.audit import log_change, snapshot
from altm.models import Agency, AuditAction, NotificationPreference, OutgoingEmail


def _current(obj):
    """The saved version of `obj` (the admin form has already put the new values on the instance)."""
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None


class AuditedAdminMixin:
    """Log every create, change and delete made through this ModelAdmin and its inlines."""

    def save_model(self, request, obj, form, change):
        saved = _current(obj) if change else None
        before = snapshot(saved) if saved is not None else None
        super().save_model(request, obj, form, change)
        action = AuditAction.UPDATE if before is not None else AuditAction.CREATE
        if action == AuditAction.CREATE or before != snapshot(obj):
            log_change(actor=request.user, instance=obj, action=action, before=before)

    def audit_snapshot(self, obj) -> dict:
        """What the journal keeps of an object deleted here (all its fields unless a ModelAdmin says otherwise)."""
        return snapshot(obj)

    def delete_model(self, request, obj):
        before, pk = self.audit_snapshot(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        log_change(actor=request.user, instance=obj, action=AuditAction.DELETE, before=before)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        befores = {
            id(inline_form.instance): snapshot(_current(inline_form.instance))
            for inline_form in formset.initial_forms
            if inline_form.instance.pk and inline_form.has_changed()
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            before, pk = snapshot(obj), obj.pk
            obj.delete()
            obj.pk = pk
            log_change(actor=request.user, instance=obj, action=AuditAction.DELETE, before=before)
        for obj in instances:
            before = befores.get(id(obj))
            obj.save()
            log_change(
                actor=request.user,
                instance=obj,
                action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
                before=before,
            )
        formset.save_m2m()


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyAdminMixin:
    """An admin page that only lists: the records are written by their own pages and services (audited there)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


USER_RIGHTS_FIELDS = ["username", "role", "is_active", "is_staff", "is_superuser"]


def user_rights(user: User) -> dict:
    """What the journal keeps of a user: its role and rights (never its password hash)."""
    rights = {name: getattr(user, name) for name in USER_RIGHTS_FIELDS}
    rights["groups"] = sorted(user.groups.values_list("name", flat=True))
    rights["user_permissions"] = sorted(
        f"{app}.{codename}"
        for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
    )
    return rights


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    """Creating a user, changing its role or rights (groups and permissions included), deleting it: journaled."""

    def audit_snapshot(self, obj) -> dict:
        return user_rights(obj)

    def save_model(self, request, obj, form, change):
        saved = User.objects.filter(pk=obj.pk).first() if change else None
        # Groups and permissions are saved after the user (save_related): compare once everything is saved.
        request._rights_before = user_rights(saved) if saved is not None else None
        # Not the mixin's save_model: its snapshot of every field would hold the password hash.
        UserAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user, before = form.instance, getattr(request, "_rights_before", None)
        after = user_rights(user)
        if before is None:
            log_change(actor=request.user, instance=user, action=AuditAction.CREATE, after=after)
        elif before != after:
            log_change(actor=request.user, instance=user, action=AuditAction.UPDATE, before=before, after=after)


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    """One agency: its page opens straight on the form (to fill in the first time, to change afterwards)."""

    fieldsets = [
        (None, {"fields": ["name", "short_name", "logo"]}),
        (_("Coordonnées"), {"fields": ["address", "city", "website"]}),
        (_("Signature des bilans"), {"fields": ["signatory_name", "signatory_title"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Agency.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a detour: show its form (or the empty one) at the list's address. Saving comes
        # back here, to the form.
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False, "show_save_and_continue": False}
        agency = Agency.objects.filter(pk=Agency.SINGLE_ID).first()
        if agency is None:
            return self.add_view(request, extra_context=extra_context)
        return self.change_view(request, str(agency.pk), extra_context=extra_context)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read-only: e-mails are decided by the application; a failed one is sent again from its page."""

    list_display = ["created_at", "to", "subject", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "enabled", "updated_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]
