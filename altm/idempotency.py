"""Submissions carry a client-made UUID, so a double tap or a retry saves once."""

from django.db import IntegrityError, models, transaction


def save_once(instance: models.Model) -> tuple[models.Model, bool]:
    """Insert `instance` (a model with a unique `uuid`); if a concurrent submission with the same UUID got there
    first, answer with that one: (saved object, created)."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        existing = type(instance)._default_manager.filter(uuid=instance.uuid).first()
        if existing is None:
            raise
        return existing, False
    return instance, True


def already_submitted(model: type[models.Model], uuid) -> models.Model | None:
    """The object a previous submission with this UUID created, if any (None when no UUID was sent)."""
    if uuid is None:
        return None
    return model._default_manager.filter(uuid=uuid).first()
