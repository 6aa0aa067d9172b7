"""Audit trail helpers: call `log_change` from services after each create, update or delete."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from altm.models import AuditAction, AuditEntry

_encoder = DjangoJSONEncoder()


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of an instance, JSON-ready (foreign keys as their id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if value is not None and not isinstance(value, str | int | float | bool):
            value = _encoder.default(value) if not isinstance(value, list | dict) else value
        data[field.attname] = value
    return data


def log_change(*, actor, instance: models.Model, action: str, before: dict | None = None) -> AuditEntry:
    after = None if action == AuditAction.DELETE else snapshot(instance)
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        before=before,
        after=after,
    )
