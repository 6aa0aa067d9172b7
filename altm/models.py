"""Shared models: the audit trail every app writes to."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# The audit trail is append-only. The one sanctioned change is erasing personal data when a person is anonymised
# (retention): `altm.audit.redact` opens this window for its own writes only.
_redacting: ContextVar[bool] = ContextVar("audit_redacting", default=False)


class AuditTrailIsAppendOnly(Exception):
    pass


@contextmanager
def redaction():
    token = _redacting.set(True)
    try:
        yield
    finally:
        _redacting.reset(token)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, instance):
        return self.filter(content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk))

    def update(self, **kwargs):
        if not _redacting.get():
            raise AuditTrailIsAppendOnly("Le journal d'audit ne se modifie pas.")
        return super().update(**kwargs)

    def delete(self):
        raise AuditTrailIsAppendOnly("Le journal d'audit ne se supprime pas.")


class AuditEntry(models.Model):
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

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not _redacting.get():
            raise AuditTrailIsAppendOnly("Le journal d'audit ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Le journal d'audit ne se supprime pas.")

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
