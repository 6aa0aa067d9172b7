"""Submissions carry a client-made UUID, so a double tap or a retry saves once."""

from django.core.exceptions import ValidationError
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


def model_errors(instance: models.Model, **full_clean_options) -> dict[str, list[str]]:
    """The model's own checks (`full_clean`) as French messages by field, to merge with a service's rules."""
    try:
        instance.full_clean(**full_clean_options)
    except ValidationError as exc:
        return exc.message_dict
    return {}
