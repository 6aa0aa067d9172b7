"""Field activity: quick entry, tally ("tournée"), the JSON endpoints behind the outbox, lists, edit, daily report."""

import copy
import json
import uuid
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.models import AuditAction, AuditEntry
from mediation import perms, services
from mediation.extensions import partner_name_suggestions
from mediation.filters import filtered_interventions, intervention_totals
from mediation.forms import InterventionForm
from mediation.models import (
    ActivityFamily,
    ActivityType,
    ConflictCase,
    Intervention,
    InterventionSource,
    Landlord,
    Person,
    Site,
    Team,
    Territory,
)
from mediation.scoping import team_ids

PAGE_SIZE = 50
THEMES = ["Tri des déchets", "Encombrants", "Jets d'objets", "Nuisances sonores", "Propreté", "Stationnement"]
LOGGING_ROLES = (Role.MEDIATOR, Role.MANAGER)


# --- Helpers ------------------------------------------------------------------------------------------------


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


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the field when the form has it."""
    for name, msgs in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, msgs)


def last_place(user, territories) -> dict:
    """Territory and site of the user's last line (if still allowed), else their first territory."""
    allowed = list(territories)
    last = (
        Intervention.objects.filter(author=user, territory__in=[t.pk for t in allowed])
        .order_by("-created_at", "-id")
        .values("territory_id", "site_id")
        .first()
    )
    if last:
        return {"territory": last["territory_id"], "site": last["site_id"]}
    return {"territory": allowed[0].pk if allowed else None, "site": None}


def outbox_config(request) -> dict:
    return {
        "userId": request.user.pk,
        "createUrl": reverse("mediation:api_intervention"),
        "undoUrl": reverse("mediation:api_intervention_undo", args=["00000000-0000-0000-0000-000000000000"]),
        "loginUrl": reverse("login"),
    }


def line_json(line: Intervention) -> dict:
    return {
        "uuid": str(line.uuid),
        "id": line.pk,
        "date": line.date.isoformat(),
        "activity_type": line.activity_type_id,
        "label": str(line.activity_type),
        "count": line.count,
        "url": line.get_absolute_url(),
    }


def line_summary(line: Intervention) -> str:
    place = line.site.name if line.site_id else str(line.territory)
    return f"{line.activity_type} × {line.count} · {place}"


def record_from_form(request, form, *, source: str) -> tuple[Intervention | None, bool]:
    """Record the form's line through the service (line, created); on a refusal, put the errors on the form."""
    try:
        line, created = services.record_intervention(
            actor=request.user,
            uuid=form.cleaned_data.get("uuid"),
            source=form.cleaned_data.get("source") or source,
            **form.service_fields(),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, False
    if not created and line.author_id != request.user.pk:
        # Only a retry of one's own submission is answered as a success.
        form.add_error(None, _("Cet identifiant de saisie est déjà utilisé."))
        return None, False
    return line, created


def entry_context(request, form, **extra) -> dict:
    # Sites and activities are drawn from the querysets; evaluate each once.
    return {
        "form": form,
        "activity_groups": form.activity_groups(),
        "partner_names": partner_name_suggestions(),
        "themes": THEMES,
        "outbox": outbox_config(request),
        **extra,
    }


# --- Quick entry --------------------------------------------------------------------------------------------


@role_required(*LOGGING_ROLES)
def entry(request):
    """One screen: date, territory and last site pre-filled; activity as big buttons; count; save.

    Without JavaScript it is a plain form (POST, redirect). With JavaScript the page posts the same fields as
    JSON through the outbox, so an entry typed without network is kept on the phone until the server has it.
    """
    if request.method == "POST":
        form = InterventionForm(request.POST, user=request.user)
        if form.is_valid():
            line, _created = record_from_form(request, form, source=InterventionSource.ENTRY)
            if line is not None:
                messages.success(request, _("Enregistré ✓ %(line)s") % {"line": line_summary(line)})
                return redirect("mediation:entry")
    else:
        territories = Territory.objects.loggable_by(request.user).order_by("name")
        initial = {
            "date": timezone.localdate(),
            "count": 1,
            "uuid": uuid.uuid4(),
            **last_place(request.user, territories),
        }
        form = InterventionForm(initial=initial, user=request.user)
    if not team_ids(request.user):
        return render(request, "mediation/no_team.html", status=200)
    return render(request, "mediation/entry.html", entry_context(request, form))


@require_POST
@api_role_required(*LOGGING_ROLES)
def api_intervention(request):
    """POST one line as JSON with its client UUID: 201 created, 200 already there, 400 French errors."""
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return json_errors({NON_FIELD_ERRORS: [_("Requête illisible : envoyez un objet JSON.")]})
    data = {key: "" if value is None else str(value) for key, value in payload.items()}
    if not data.get("uuid"):
        return json_errors({"uuid": [_("Identifiant de saisie manquant.")]})
    form = InterventionForm(data, user=request.user)
    uuid_field = form.fields["uuid"]
    try:
        key = uuid_field.clean(data["uuid"])
    except ValidationError:
        return json_errors({"uuid": [_("Identifiant de saisie invalide.")]})
    existing = Intervention.objects.filter(uuid=key).select_related("activity_type").first()
    if existing is not None:
        # A retry or a double tap: the first submission won. Answer it as a success, without re-validating.
        if existing.author_id != request.user.pk:
            return json_errors({"uuid": [_("Cet identifiant de saisie est déjà utilisé.")]})
        return JsonResponse(line_json(existing), status=200)
    if not form.is_valid():
        return json_errors(form_errors(form))
    line, created = record_from_form(request, form, source=InterventionSource.ENTRY)
    if line is None:
        return json_errors(form_errors(form))
    return JsonResponse(line_json(line), status=201 if created else 200)


@require_POST
@api_role_required(*LOGGING_ROLES)
def api_intervention_undo(request, uuid):
    """Undo one line the user recorded (a −1 in the tally). Undoing twice answers 200 both times."""
    line = Intervention.objects.for_user(request.user).filter(uuid=uuid).first()
    if line is None:
        already = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Intervention),
            action=AuditAction.DELETE,
            actor=request.user,
            before__uuid=str(uuid),
        ).exists()
        if already:
            return JsonResponse({"uuid": str(uuid), "deleted": False})
        return json_errors({NON_FIELD_ERRORS: [_("Saisie introuvable.")]}, 404)
    if line.author_id != request.user.pk:
        return json_errors({NON_FIELD_ERRORS: [_("Seul l'auteur d'une saisie peut l'annuler ici.")]}, 403)
    if not perms.can_edit_intervention(request.user, line):
        return json_errors({NON_FIELD_ERRORS: [_("Délai de 7 jours dépassé : cette saisie ne s'annule plus.")]}, 403)
    services.delete_intervention(actor=request.user, intervention=line)
    return JsonResponse({"uuid": str(uuid), "deleted": True})


# --- Tally ("tournée") --------------------------------------------------------------------------------------


def _tally_split(value: str) -> dict:
    return {"women": int(value == "F"), "men": int(value == "M"), "unknown": int(value == "U")}


@role_required(*LOGGING_ROLES)
def tally(request):
    """Big +1 / −1 buttons for the frequent anonymous acts; every +1 is one intervention line.

    With JavaScript, taps go through the outbox (kept on the phone until confirmed). Without it, each button
    posts here and the page comes back.
    """
    user = request.user
    today = timezone.localdate()
    if not team_ids(user):
        return render(request, "mediation/no_team.html", status=200)
    place = last_place(user, Territory.objects.loggable_by(user).order_by("name"))
    if request.method == "POST":
        place = {"territory": request.POST.get("territory") or place["territory"], "site": request.POST.get("site")}
        if request.POST.get("undo"):
            line = (
                Intervention.objects.filter(
                    author=user,
                    source=InterventionSource.TALLY,
                    date=today,
                    activity_type_id=_int_or_none(request.POST["undo"]),
                )
                .order_by("-created_at", "-id")
                .first()
            )
            if line is not None:
                services.delete_intervention(actor=user, intervention=line)
                messages.success(request, _("Annulé : %(activity)s −1") % {"activity": line.activity_type})
            return redirect("mediation:tally")
        form = InterventionForm(
            {
                "uuid": request.POST.get("uuid", ""),
                "source": InterventionSource.TALLY,
                "date": today.isoformat(),
                "territory": place["territory"] or "",
                "site": place["site"] or "",
                "activity_type": request.POST.get("add", ""),
                "count": 1,
                **_tally_split(request.POST.get("split", "")),
            },
            user=user,
        )
        if form.is_valid() and record_from_form(request, form, source=InterventionSource.TALLY)[0]:
            messages.success(
                request, _("Enregistré ✓ %(activity)s +1") % {"activity": form.cleaned_data["activity_type"]}
            )
            return redirect("mediation:tally")
        for field, errors in form_errors(form).items():
            for error in errors:
                messages.error(request, f"{form[field].label if field in form.fields else ''} {error}".strip())
        return redirect("mediation:tally")
    activities = list(ActivityType.objects.active().filter(in_tally=True).order_by("order", "label"))
    taps = list(
        Intervention.objects.filter(author=user, source=InterventionSource.TALLY, date=today)
        .order_by("created_at", "id")
        .values("uuid", "activity_type_id", "count", "women", "men", "unknown", "created_at")
    )
    counts = {}
    for tap in taps:
        counts[tap["activity_type_id"]] = counts.get(tap["activity_type_id"], 0) + tap["count"]
    context_form = InterventionForm(initial={"date": today, "uuid": uuid.uuid4(), **place}, user=user)
    return render(
        request,
        "mediation/tally.html",
        {
            "form": context_form,
            "activities": [{"activity": a, "count": counts.get(a.pk, 0)} for a in activities],
            "total": sum(counts.values()),
            "taps": [
                {
                    "uuid": str(t["uuid"]),
                    "activity": t["activity_type_id"],
                    "count": t["count"],
                    "women": t["women"],
                    "men": t["men"],
                    "unknown": t["unknown"],
                    "at": t["created_at"].isoformat(),
                }
                for t in taps
            ],
            "today": today.isoformat(),
            "outbox": outbox_config(request),
        },
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Lists --------------------------------------------------------------------------------------------------


def intervention_list(request, *, mine: bool, title: str):
    form, queryset = filtered_interventions(request, mine=mine)
    totals = intervention_totals(queryset)
    paginator = Paginator(
        queryset.select_related("activity_type", "territory", "site", "author").order_by("-date", "-id"), PAGE_SIZE
    )
    paginator.__dict__["count"] = totals["lines"]  # already counted by the aggregate: spare a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"line": line, "editable": perms.can_edit_intervention(request.user, line)} for line in page]
    # The export holds exactly the filtered set the page shows, every page of it.
    export_query = request.GET.copy()
    export_query.pop("page", None)
    if mine:
        export_query["mine"] = "1"
    context = {"form": form, "page": page, "rows": rows, "totals": totals, "mine": mine, "title": title}
    return render(request, "mediation/intervention_list.html", {**context, "export_query": export_query.urlencode()})


@role_required(*LOGGING_ROLES)
def my_interventions(request):
    return intervention_list(request, mine=True, title=_("Mes saisies"))


@role_required(Role.MANAGER, Role.DIRECTOR)
def team_interventions(request):
    title = _("Saisies de l'équipe") if request.user.is_manager else _("Saisies")
    return intervention_list(request, mine=False, title=title)


# --- Edit, delete, history ----------------------------------------------------------------------------------

HISTORY_HIDDEN = {"id", "uuid", "created_at", "created_by_id", "updated_at", "updated_by_id"}
HISTORY_MODELS = {
    "territory_id": Territory,
    "site_id": Site,
    "activity_type_id": ActivityType,
    "landlord_id": Landlord,
    "conflict_case_id": ConflictCase,
    "person_id": Person,
    "author_id": None,  # users: resolved below
    "team_id": Team,
}


def history(line: Intervention) -> list[dict]:
    """Who changed what and when, with French field labels and readable values."""
    from accounts.models import User

    entries = list(AuditEntry.objects.for_object(line).select_related("actor").order_by("at", "id"))
    ids = {}
    for entry in entries:
        for name, before, after in entry.changed_fields():
            if name in HISTORY_MODELS:
                ids.setdefault(name, set()).update(v for v in (before, after) if v is not None)
    names = {}
    for attname, wanted in ids.items():
        model = HISTORY_MODELS[attname] or User
        names[attname] = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=wanted)}
    fields = {f.attname: f for f in Intervention._meta.concrete_fields}

    def show(attname, value):
        if value in (None, ""):
            return "—"
        if attname in names:
            return names[attname].get(value, f"n° {value}")
        field = fields[attname]
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if attname == "date":
            parsed = parse_date(value)
            return date_format(parsed, "SHORT_DATE_FORMAT") if parsed else value
        return value

    result = []
    for entry in entries:
        changes = []
        if entry.action == AuditAction.UPDATE:
            changes = [
                {"label": fields[name].verbose_name, "before": show(name, before), "after": show(name, after)}
                for name, before, after in entry.changed_fields()
                if name in fields and name not in HISTORY_HIDDEN
            ]
        result.append({"entry": entry, "changes": changes})
    return result


def locked_reason(user, line: Intervention) -> str:
    if user.is_director:
        return _("La direction consulte les saisies sans les modifier.")
    if perms.is_case_work_line(line):
        return _(
            "Cette ligne compte une rencontre de médiation ou un signalement de veille technique : "
            "elle se gère depuis la situation ou le signalement."
        )
    if line.author_id == user.pk:
        return _(
            "Le délai de %(days)s jours pour modifier ou supprimer votre saisie est dépassé : "
            "demandez à votre manager de la corriger."
        ) % {"days": perms.EDIT_WINDOW_DAYS}
    return _("Seuls l'auteur de la saisie (pendant %(days)s jours) et le manager de l'équipe peuvent la modifier.") % {
        "days": perms.EDIT_WINDOW_DAYS
    }


def render_locked(request, line: Intervention):
    return render(
        request,
        "mediation/intervention_locked.html",
        {"line": line, "reason": locked_reason(request.user, line), "history": history(line)},
        status=403,
    )


def after_change_url(user, line: Intervention) -> str:
    if line.author_id == user.pk or not perms.can_review_team(user):
        return reverse("mediation:my_interventions")
    return reverse("mediation:team_interventions")


@role_required(Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def intervention_edit(request, pk: int):
    line = perms.get_intervention_or_404(request.user, pk)
    if not perms.can_edit_intervention(request.user, line):
        return render_locked(request, line)
    # The form works on a copy: the service compares the untouched line with the changes for the audit trail.
    form = InterventionForm(request.POST or None, instance=copy.copy(line), user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.service_fields().items() if getattr(line, name) != value}
        if not changes:
            messages.info(request, _("Aucune modification."))
            return redirect(after_change_url(request.user, line))
        try:
            services.update_intervention(actor=request.user, intervention=line, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Modification enregistrée ✓ %(line)s") % {"line": line_summary(line)})
            return redirect(after_change_url(request.user, line))
    context = entry_context(request, form, line=line, history=history(line))
    return render(request, "mediation/intervention_edit.html", context)


@role_required(Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def intervention_delete(request, pk: int):
    line = perms.get_intervention_or_404(request.user, pk)
    if not perms.can_edit_intervention(request.user, line):
        return render_locked(request, line)
    if request.method == "POST":
        url = after_change_url(request.user, line)
        summary = line_summary(line)
        services.delete_intervention(actor=request.user, intervention=line)
        messages.success(request, _("Saisie supprimée : %(line)s") % {"line": summary})
        return redirect(url)
    return render(request, "mediation/intervention_confirm_delete.html", {"line": line})


# --- Daily team report ("compte rendu") ---------------------------------------------------------------------


def _sums(**extra):
    return {
        "lines": Count("id"),
        "acts": Coalesce(Sum("count"), 0),
        "women": Coalesce(Sum("women"), 0),
        "men": Coalesce(Sum("men"), 0),
        "unknown": Coalesce(Sum("unknown"), 0),
        **extra,
    }


def _person_name(row: dict) -> str:
    full = f"{row['author__first_name']} {row['author__last_name']}".strip()
    return full or row["author__username"] or _("Sans auteur")


@role_required(Role.MANAGER, Role.DIRECTOR)
def daily_report(request):
    """One team, one day: the entries and tallies grouped by mediator and by activity, with totals."""
    teams = list(Team.objects.for_user(request.user).order_by("name"))
    team_param = request.GET.get("team")
    if team_param:
        team = next((t for t in teams if str(t.pk) == team_param), None)
        if team is None:
            raise Http404(_("Équipe introuvable."))
    else:
        team = teams[0] if teams else None
    day = parse_date(request.GET.get("date") or "") if request.GET.get("date") else timezone.localdate()
    if day is None:
        messages.error(request, _("Date illisible : compte rendu du jour affiché."))
        day = timezone.localdate()
    context = {"teams": teams, "team": team, "day": day, "generated_at": timezone.now()}
    context["previous_day"] = (day - timedelta(days=1)).isoformat()
    context["next_day"] = (day + timedelta(days=1)).isoformat() if day < timezone.localdate() else None
    if team is None:
        return render(request, "mediation/daily_report.html", context)
    lines = Intervention.objects.filter(team=team, date=day).order_by()
    by_activity = list(
        lines.values("activity_type_id", "activity_type__label", "activity_type__family", "activity_type__order")
        .annotate(**_sums())
        .order_by("activity_type__order", "activity_type__label")
    )
    families = list(ActivityFamily.values)  # the order of DOMAIN §3, as on the entry page
    by_activity.sort(
        key=lambda row: (
            families.index(row["activity_type__family"]) if row["activity_type__family"] in families else len(families)
        )
    )
    author_fields = ("author_id", "author__first_name", "author__last_name", "author__username")
    by_mediator = list(
        lines.values(*author_fields).annotate(**_sums()).order_by("author__last_name", "author__first_name")
    )
    tallies = list(
        lines.filter(source=InterventionSource.TALLY)
        .values("author_id", "activity_type__label", "activity_type__order")
        .annotate(**_sums())
        .order_by("activity_type__order", "activity_type__label")
    )
    entries = list(
        lines.exclude(source=InterventionSource.TALLY)
        .select_related("activity_type", "site", "territory")
        .order_by("created_at", "id")
    )
    mediators = []
    for row in by_mediator:
        mediators.append(
            {
                "name": _person_name(row),
                "totals": row,
                "tallies": [t for t in tallies if t["author_id"] == row["author_id"]],
                "entries": [e for e in entries if e.author_id == row["author_id"]],
            }
        )
    totals = {key: sum(row[key] for row in by_activity) for key in ("lines", "acts", "women", "men", "unknown")}
    context.update({"by_activity": by_activity, "mediators": mediators, "totals": totals})
    return render(request, "mediation/daily_report.html", context)
