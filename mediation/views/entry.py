"""Quick entry page, and what the other field-activity pages share with it (last place, outbox, recording)."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from altm.pwa import offline_page
from mediation import reference, rules, services
from mediation.extensions import partner_name_suggestions
from mediation.forms import InterventionForm
from mediation.models import ActivityPreference, Intervention, InterventionSource
from mediation.scoping import team_ids

THEMES = ["Tri des déchets", "Encombrants", "Jets d'objets", "Nuisances sonores", "Propreté", "Stationnement"]
LOGGING_ROLES = (Role.MEDIATOR, Role.MANAGER)


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


USAGE_DAYS = 30
MINE_SHOWN = 6  # three rows of two buttons: above the fold at 390 x 844, clear of the sticky save bar


def most_used_first(user, activities: list) -> list:
    """`activities` with those `user` logged most in the last 30 days first (stable: the usual order otherwise)."""
    since = timezone.localdate() - timedelta(days=USAGE_DAYS)
    usage = Intervention.objects.usage_by_activity(author=user, since=since)
    return sorted(activities, key=lambda activity: -usage.get(activity.pk, 0))


def my_activities(user, activities: list) -> list:
    """The first buttons of the quick entry: the user's pinned favourites, then what they logged most in the last
    30 days, `MINE_SHOWN` at most."""
    pinned = set(ActivityPreference.objects.filter(user=user, pinned=True).values_list("activity_type_id", flat=True))
    since = timezone.localdate() - timedelta(days=USAGE_DAYS)
    usage = Intervention.objects.usage_by_activity(author=user, since=since)
    ranked = sorted(
        (a for a in activities if a.pk in pinned or usage.get(a.pk)),
        key=lambda a: (a.pk not in pinned, -usage.get(a.pk, 0)),
    )
    return ranked[:MINE_SHOWN]


def outbox_config(request) -> dict:
    return {
        "userId": request.user.pk,
        "createUrl": reverse("mediation:api_intervention"),
        "undoUrl": reverse("mediation:api_intervention_undo", args=["00000000-0000-0000-0000-000000000000"]),
        "loginUrl": reverse("login"),
    }


def line_summary(line: Intervention) -> str:
    place = line.site.name if line.site_id else str(line.territory)
    return f"{line.activity_type} × {line.count} · {place}"


def record_from_form(request, form, *, source: str) -> tuple[Intervention | None, bool]:
    """Record the form's line through the service (line, created); on a refusal, put the errors on the form."""
    saved = submit(
        form,
        services.record_intervention,
        actor=request.user,
        uuid=form.cleaned_data.get("uuid"),
        source=form.cleaned_data.get("source") or source,
        **form.service_fields(),
    )
    if saved is None:
        return None, False
    line, created = saved
    if not created and line.author_id != request.user.pk:
        # Only a retry of one's own submission is answered as a success.
        form.add_error(None, _("Cet identifiant de saisie est déjà utilisé."))
        return None, False
    return line, created


def today_locked(user) -> bool:
    """Whether the user's day (today) was validated by their manager: their lines of today are then locked."""
    today = timezone.localdate()
    return bool(rules.validated_days(user, team_ids=team_ids(user), days=[today]))


def entry_context(request, form, **extra) -> dict:
    activities = sorted(form.fields["activity_type"].objects, key=lambda activity: (activity.order, activity.label))
    return {
        "form": form,
        "activity_groups": form.activity_groups(activities, mine=my_activities(request.user, activities)),
        "partner_names": partner_name_suggestions(),
        "themes": THEMES,
        "outbox": outbox_config(request),
        "today_locked": today_locked(request.user),
        **extra,
    }


@offline_page
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
        territories = reference.current().territories_of(team_ids(request.user))
        initial = {"date": timezone.localdate(), "count": 1, **last_place(request.user, territories)}
        form = InterventionForm(initial=initial, user=request.user)  # the form draws the client UUID
    if not team_ids(request.user):
        return render(request, "mediation/no_team.html", status=200)
    return render(request, "mediation/entry.html", entry_context(request, form))
