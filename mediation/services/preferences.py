"""A mediator's own activities: favourites pinned first on the quick entry, and the buttons of their tally."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.models import AuditAction
from mediation.models import MAX_TALLY_ACTIVITIES, ActivityPreference, ActivityType


@transaction.atomic
def set_activity_preferences(*, actor, pinned: set[int], in_tally: set[int]) -> None:
    """Replace `actor`'s favourites and tally buttons. The tally takes only types the administrator allows in it,
    12 at most; each change is audited."""
    active = ActivityType.objects.active()
    allowed_in_tally = set(active.filter(in_tally=True).values_list("pk", flat=True))
    errors = {}
    if in_tally - allowed_in_tally:
        errors["in_tally"] = [_("Cette activité n'est pas proposée en tournée par l'administrateur.")]
    elif len(in_tally) > MAX_TALLY_ACTIVITIES:
        errors["in_tally"] = [
            _("Choisissez %(max)s activités au plus pour la tournée (vous en avez coché %(n)s).")
            % {"max": MAX_TALLY_ACTIVITIES, "n": len(in_tally)}
        ]
    if pinned - set(active.values_list("pk", flat=True)):
        errors["pinned"] = [_("Activité inconnue ou retirée.")]
    if errors:
        raise ValidationError(errors)
    existing = {p.activity_type_id: p for p in ActivityPreference.objects.select_for_update().filter(user=actor)}
    for activity_id in pinned | in_tally | set(existing):
        wanted = {"pinned": activity_id in pinned, "in_tally": activity_id in in_tally}
        preference = existing.get(activity_id)
        if preference is None:
            preference = ActivityPreference.objects.create(user=actor, activity_type_id=activity_id, **wanted)
            log_change(actor=actor, instance=preference, action=AuditAction.CREATE)
        elif not any(wanted.values()):
            before = snapshot(preference)
            pk = preference.pk
            preference.delete()
            preference.pk = pk
            log_change(actor=actor, instance=preference, action=AuditAction.DELETE, before=before)
        elif (preference.pinned, preference.in_tally) != (wanted["pinned"], wanted["in_tally"]):
            before = snapshot(preference)
            preference.pinned, preference.in_tally = wanted["pinned"], wanted["in_tally"]
            preference.save(update_fields=["pinned", "in_tally"])
            log_change(actor=actor, instance=preference, action=AuditAction.UPDATE, before=before)
