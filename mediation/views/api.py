"""The JSON endpoints behind the outbox: record one line, undo one line. Errors in French, as JSON."""

import json
from functools import wraps

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from altm.audit import was_deleted_by
from mediation import perms, services
from mediation.casework_forms import FollowUpContactForm
from mediation.forms import InterventionForm
from mediation.models import FollowUp, Intervention, InterventionSource, TallyTap
from mediation.scoping import FIELD_STAFF
from mediation.views.entry import LOGGING_ROLES, record_from_form


def api_role_required(*roles):
    """Like `role_required`, but answers in JSON: 401 when the session is gone, 403 for another role.

    The outbox must never mistake the login page (a redirect followed by a 200) for a confirmation.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return json_errors({NON_FIELD_ERRORS: [_("Session expirée : reconnectez-vous pour envoyer.")]}, 401)
            if request.user.role not in roles:
                return json_errors({NON_FIELD_ERRORS: [_("Votre rôle ne permet pas d'enregistrer d'activité.")]}, 403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def json_errors(errors: dict, status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": {key: [str(m) for m in msgs] for key, msgs in errors.items()}}, status=status)


def form_errors(form) -> dict:
    return {name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()}


def line_json(line: Intervention) -> dict:
    return {
        "uuid": str(line.uuid),
        "id": line.pk,
        "date": line.date.isoformat(),
        "activity_type": line.activity_type_id,
        "label": str(line.activity_type),
        "count": line.count,
        "age_band": line.age_band,
        "url": line.get_absolute_url(),
    }


def changed_fields(form, line: Intervention, *, sent) -> list[str]:
    """The fields sent again whose value differs from the stored line's (empty for a true retry).

    A resent payload that no longer validates (a rule changed since) is answered as the retry it is.
    """
    if not form.is_valid():
        return []
    changed = []
    for name in form.Meta.fields:
        if name not in sent:
            continue
        new, stored = form.cleaned_data.get(name), getattr(line, name)
        if new in (None, "") and stored in (None, ""):
            continue
        if new != stored:
            changed.append(name)
    return changed


@require_POST
@api_role_required(*LOGGING_ROLES)
def api_intervention(request):
    """POST one line as JSON with its client UUID: 201 created, 200 already there, 400 French errors."""
    try:
        payload = json.loads(request.body or b"{}")
    except RequestDataTooBig:
        return json_errors({NON_FIELD_ERRORS: [_("Requête trop volumineuse : rien n'a été enregistré.")]}, 413)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return json_errors({NON_FIELD_ERRORS: [_("Requête illisible : envoyez un objet JSON.")]})
    data = {key: "" if value is None else str(value) for key, value in payload.items()}
    if not data.get("uuid"):
        return json_errors({"uuid": [_("Identifiant de saisie manquant.")]})
    form = InterventionForm(data, user=request.user)
    try:
        key = form.fields["uuid"].clean(data["uuid"])
    except ValidationError:
        return json_errors({"uuid": [_("Identifiant de saisie invalide.")]})
    # A new line is checked and recorded with no look-up of its UUID: the service finds the first copy of a retry
    # only when its insert meets it (one query, on that path alone).
    if not form.is_valid():
        # A resent payload that no longer validates (a rule or the reference data changed since): a retry all
        # the same when its UUID is known.
        replay = _replay(request, key, form, sent=payload.keys())
        return replay if replay is not None else json_errors(form_errors(form))
    line, created = record_from_form(request, form, source=InterventionSource.ENTRY)
    if line is None:
        replay = _replay(request, key, form, sent=payload.keys())
        return replay if replay is not None else json_errors(form_errors(form))
    if form.cleaned_data.get("source") == InterventionSource.TALLY:
        tap = TallyTap.objects.filter(uuid=key).first()
        if tap is not None:
            return JsonResponse(tap_json(tap, line if line.pk else None), status=201 if created else 200)
    if not created:
        changed = changed_fields(form, line, sent=payload.keys())
        if changed:
            return _reused_uuid(changed)
    return JsonResponse(line_json(line), status=201 if created else 200)


def _reused_uuid(changed: list[str]) -> JsonResponse:
    message = _(
        "Cet identifiant de saisie a déjà servi pour une autre saisie (champs différents : %(fields)s). "
        "Rien n'a été enregistré : envoyez cette saisie avec un nouvel identifiant."
    ) % {"fields": ", ".join(changed)}
    return json_errors({NON_FIELD_ERRORS: [message]}, 409)


def _replay(request, key, form, *, sent) -> JsonResponse | None:
    """The answer to a copy of an earlier submission that this one could not record, or None when it is new."""
    tap = TallyTap.objects.filter(uuid=key).select_related("line__activity_type").first()
    if tap is not None:
        # A tally tap sent again (a replay of the outbox): already added to its line, even if undone since.
        if tap.author_id != request.user.pk:
            return json_errors({"uuid": [_("Cet identifiant de saisie est déjà utilisé.")]})
        return JsonResponse(tap_json(tap, tap.line), status=200)
    existing = Intervention.objects.filter(uuid=key).select_related("activity_type").first()
    if existing is None:
        return None
    # A retry or a double tap: the first submission won. Answer it as a success, unless the same identifier now
    # comes with other content: that is not a retry, and saying "saved" would lose the new content.
    if existing.author_id != request.user.pk:
        return json_errors({"uuid": [_("Cet identifiant de saisie est déjà utilisé.")]})
    if changed := changed_fields(form, existing, sent=sent):
        return _reused_uuid(changed)
    return JsonResponse(line_json(existing), status=200)


def tap_json(tap: TallyTap, line: Intervention | None) -> dict:
    """A tally tap: its own UUID (the outbox's key), the activity and count it added, and the line it added to."""
    return {
        "uuid": str(tap.uuid),
        "id": line.pk if line else None,
        "date": tap.date.isoformat(),
        "activity_type": tap.activity_type_id,
        "label": str(line.activity_type) if line else "",
        "count": tap.count,
        "line_count": line.count if line else 0,
        "undone": tap.undone_at is not None,
        "url": line.get_absolute_url() if line else "",
    }


def _json_payload(request) -> tuple[dict | None, JsonResponse | None]:
    """The request's JSON object with every value as text, or the French error to answer."""
    try:
        payload = json.loads(request.body or b"{}")
    except RequestDataTooBig:
        return None, json_errors({NON_FIELD_ERRORS: [_("Requête trop volumineuse : rien n'a été enregistré.")]}, 413)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return None, json_errors({NON_FIELD_ERRORS: [_("Requête illisible : envoyez un objet JSON.")]})
    return {key: "" if value is None else str(value) for key, value in payload.items()}, None


def contact_json(contact) -> dict:
    return {
        "uuid": str(contact.uuid),
        "id": contact.pk,
        "followup": contact.followup_id,
        "date": contact.date.isoformat(),
        "kind": contact.kind,
        "label": str(contact),
        "url": contact.get_absolute_url(),
    }


@require_POST
@api_role_required(*FIELD_STAFF)
def api_followup_contact(request):
    """POST one follow-up contact as JSON {uuid, followup, date, kind, note}: 201 created, 200 already there (same
    UUID: a replay of the outbox), 400 French errors by field, 404 a follow-up outside the user's teams."""
    data, error = _json_payload(request)
    if error is not None:
        return error
    form = FollowUpContactForm(data)
    if not data.get("uuid"):
        return json_errors({"uuid": [_("Identifiant de saisie manquant.")]})
    if not data.get("followup", "").isdigit():
        return json_errors({"followup": [_("Suivi manquant ou invalide.")]})
    followup = FollowUp.objects.for_user(request.user).select_related("person").filter(pk=data["followup"]).first()
    if followup is None:
        return json_errors({"followup": [_("Suivi introuvable.")]}, 404)
    if not form.is_valid():
        return json_errors(form_errors(form))
    try:
        contact, created = services.record_followup_contact(
            actor=request.user,
            followup=followup,
            uuid=form.cleaned_data["uuid"],
            date=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        return json_errors(exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages})
    return JsonResponse(contact_json(contact), status=201 if created else 200)


@require_POST
@api_role_required(*LOGGING_ROLES)
def api_intervention_undo(request, uuid):
    """Undo one line the user recorded (a −1 in the tally). Undoing twice answers 200 both times."""
    tap = TallyTap.objects.filter(uuid=uuid).select_related("line", "author").first()
    if tap is not None and tap.author_id == request.user.pk:
        return _undo_tap(request, tap)
    if tap is not None and tap.line_id and Intervention.objects.for_user(request.user).filter(pk=tap.line_id).exists():
        return json_errors({NON_FIELD_ERRORS: [_("Seul l'auteur d'une saisie peut l'annuler ici.")]}, 403)
    if tap is not None:
        return json_errors({NON_FIELD_ERRORS: [_("Saisie introuvable.")]}, 404)
    line = Intervention.objects.for_user(request.user).filter(uuid=uuid).first()
    if line is None:
        if was_deleted_by(actor=request.user, model=Intervention, uuid=uuid):
            return JsonResponse({"uuid": str(uuid), "deleted": False})
        return json_errors({NON_FIELD_ERRORS: [_("Saisie introuvable.")]}, 404)
    if line.author_id != request.user.pk:
        return json_errors({NON_FIELD_ERRORS: [_("Seul l'auteur d'une saisie peut l'annuler ici.")]}, 403)
    if not perms.can_edit_intervention(request.user, line):
        return json_errors({NON_FIELD_ERRORS: [_("Délai de 7 jours dépassé : cette saisie ne s'annule plus.")]}, 403)
    try:
        services.delete_intervention(actor=request.user, intervention=line)
    except ValidationError as exc:  # e.g. a line of a closed (frozen) year
        return json_errors({NON_FIELD_ERRORS: exc.messages}, 400)
    return JsonResponse({"uuid": str(uuid), "deleted": True})


def _undo_tap(request, tap: TallyTap) -> JsonResponse:
    """Take back one tally tap (its line loses it). Undoing twice answers 200 both times."""
    if tap.line is not None and not perms.can_edit_intervention(request.user, tap.line):
        return json_errors({NON_FIELD_ERRORS: [_("Délai de 7 jours dépassé : cette saisie ne s'annule plus.")]}, 403)
    try:
        undone = services.undo_tally_tap(actor=request.user, tap=tap)
    except ValidationError as exc:  # a closed year, a validated day
        return json_errors({NON_FIELD_ERRORS: exc.messages}, 400)
    return JsonResponse({"uuid": str(tap.uuid), "deleted": undone})
