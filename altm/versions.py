"""Concurrent edits never silently revert each other.

An edit form carries the version of the object it was read at: the id of the object's latest audit entry (every
write is journaled, see `altm.audit`), so no model needs a version column. The update service calls
`check_version` before writing: when someone saved the object in between, it refuses, in French, saying who
changed what and when, and saves nothing.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from altm.audit import describe
from altm.models import AuditEntry


def current_version(instance: models.Model) -> int:
    """The version an edit form carries: the id of the object's latest audit entry (0 when it has none)."""
    latest = AuditEntry.objects.for_object(instance).order_by("-id").values_list("id", flat=True).first()
    return latest or 0


def check_version(instance: models.Model, version: int | None) -> None:
    """Lock the object's row for the rest of the transaction; refuse when it changed since `version` was read.

    `version` None (a caller that read nothing, a command) checks nothing. Call it inside the update's transaction.
    """
    if version is None or instance.pk is None:
        return
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk").first()
    newer = list(
        AuditEntry.objects.for_object(instance)
        .filter(id__gt=version)
        .select_related("actor", "content_type")
        .order_by("at", "id")
    )
    if newer:
        raise ValidationError({"__all__": [changed_meanwhile(row) for row in describe(newer)]})


def changed_meanwhile(row: dict) -> str:
    """ "Modifié entre-temps par Sophie Lambert le 26/11/2026 à 10:02 : Nombre : 2 → 5." """
    entry = row["entry"]
    moment = formats.date_format(timezone.localtime(entry.at), "d/m/Y à H:i")
    who = entry.actor_label or _("le système")
    changes = "; ".join(f"{change['field']} : {change['before']} → {change['after']}" for change in row["changes"])
    return _(
        "Modifié entre-temps par %(who)s le %(when)s : %(changes)s. Rien n'a été enregistré : rechargez la "
        "page pour repartir de la version actuelle."
    ) % {
        "who": who,
        "when": moment,
        "changes": changes or entry.get_action_display(),
    }
