"""Audit trail helpers: call `log_change` from services after each create, update or delete."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile

from altm.models import AuditAction, AuditEntry, redaction

_encoder = DjangoJSONEncoder()


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of an instance, JSON-ready (foreign keys as their id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, FieldFile):  # an uploaded file (the agency's logo): its name
            value = value.name
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


ERASED = "[effacé]"


def redact(*, model: type[models.Model], object_ids, fields: list[str], object_repr: str | None = None) -> int:
    """Erase `fields` from every audit entry of these objects (retention); the entries themselves stay.

    `object_repr`, if given, replaces the recorded name (a format with `{id}`). Returns the entries changed.
    """
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return 0
    entries = list(AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids))
    for entry in entries:
        for side in ("before", "after"):
            values = getattr(entry, side)
            if values:
                setattr(
                    entry, side, {k: (ERASED if k in fields and v not in (None, "") else v) for k, v in values.items()}
                )
        if object_repr is not None:
            entry.object_repr = object_repr.format(id=entry.object_id)[:255]
    with redaction():
        AuditEntry.objects.bulk_update(entries, ["before", "after", "object_repr"], batch_size=500)
    return len(entries)
