"""Admin helpers shared by every app: changes made through /admin/ go to the same audit trail as the app's."""

from django.contrib import admin

from altm.audit import log_change, snapshot
from altm.models import AuditAction


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

    def delete_model(self, request, obj):
        before, pk = snapshot(obj), obj.pk
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
