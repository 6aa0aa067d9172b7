"""Shared models: the append-only base of every journal, and the audit trail every app writes to."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Append-only journals -----------------------------------------------------------------------------------

# Journal rows are written once. The one sanctioned change is erasing personal data when a person is anonymised
# (retention): code that does it opens this window with `redaction()` for its own writes only. Nothing deletes.
_redacting: ContextVar[bool] = ContextVar("journal_redacting", default=False)


class AppendOnlyError(Exception):
    """Raised on any attempt to change a journal row outside `redaction()`, or to delete one."""


@contextmanager
def redaction():
    """The only way to update existing journal rows (erasing personal data on anonymisation)."""
    token = _redacting.set(True)
    try:
        yield
    finally:
        _redacting.reset(token)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if not _redacting.get():
            raise AppendOnlyError(self.model.update_refused)
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError(self.model.delete_refused)


class AppendOnlyModel(models.Model):
    """Rows are written once (Aidants Connect's journal): `save()` refuses updates, `delete()` raises."""

    update_refused = "Journal en ajout seul : modification refusée."
    delete_refused = "Journal en ajout seul : suppression refusée."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and not _redacting.get():
            raise AppendOnlyError(self.update_refused)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self.delete_refused)


# --- Audit trail --------------------------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def for_object(self, instance):
        return self.filter(content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk))


class AuditEntry(AppendOnlyModel):
    """One change to one object: who, when, what, values before and after (JSON)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("type d'objet"))
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_repr = models.CharField(_("objet"), max_length=255)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("par")
    )
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)

    update_refused = "Le journal d'audit ne se modifie pas."
    delete_refused = "Le journal d'audit ne se supprime pas."

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
