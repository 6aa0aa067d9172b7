"""The tally ("tournée"): big +1 / −1 buttons, each +1 one intervention line."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.decorators import role_required
from altm.pwa import offline_page
from mediation import reference, services
from mediation.forms import InterventionForm
from mediation.models import (
    MAX_TALLY_ACTIVITIES,
    ActivityPreference,
    ActivityType,
    AgeBand,
    Intervention,
    InterventionSource,
    TallyTap,
)
from mediation.scoping import team_ids
from mediation.views.api import form_errors
from mediation.views.entry import (
    LOGGING_ROLES,
    last_place,
    most_used_first,
    outbox_config,
    record_from_form,
    today_locked,
)


def _tally_split(value: str) -> dict:
    return {"women": int(value == "F"), "men": int(value == "M"), "unknown": int(value == "U")}


@offline_page
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
    if request.method == "POST":
        if request.POST.get("territory"):  # the page sends its place: no need to look for the last one
            place = {"territory": request.POST["territory"], "site": request.POST.get("site")}
        else:
            place = {"territory": _last_place(user)["territory"], "site": request.POST.get("site")}
        if request.POST.get("undo"):
            tap = (
                TallyTap.objects.filter(
                    author=user,
                    date=today,
                    undone_at__isnull=True,
                    line__isnull=False,
                    activity_type_id=_int_or_none(request.POST["undo"]),
                )
                .select_related("activity_type", "author")
                .order_by("-created_at", "-id")
                .first()
            )
            if tap is not None:
                try:
                    services.undo_tally_tap(actor=user, tap=tap)
                    messages.success(request, _("Annulé : %(activity)s −1") % {"activity": tap.activity_type})
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
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
                "age_band": request.POST.get("age_band", ""),
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
    place = _last_place(user)
    activities = tally_activities(user)
    taps = todays_taps(user, today)
    counts = {}
    for tap in taps:
        counts[tap["activity"]] = counts.get(tap["activity"], 0) + tap["count"]
    # The counter: every act of the day on the server (quick entries too), the page's script adds what is pending.
    other_total = (
        Intervention.objects.filter(author=user, date=today)
        .exclude(source=InterventionSource.TALLY)
        .aggregate(n=Coalesce(Sum("count"), 0))["n"]
    )
    context_form = InterventionForm(initial={"date": today, **place}, user=user)
    return render(
        request,
        "mediation/tally.html",
        {
            "form": context_form,
            "activities": [{"activity": a, "count": counts.get(a.pk, 0)} for a in activities],
            "total": sum(counts.values()) + other_total,
            "other_total": other_total,
            "taps": taps,
            "today": today.isoformat(),
            "outbox": outbox_config(request),
            "age_bands": AgeBand.choices,
            "today_locked": today_locked(user),
        },
    )


def _last_place(user) -> dict:
    return last_place(user, reference.current().territories_of(team_ids(user)))


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def tally_activities(user) -> list[ActivityType]:
    """The mediator's own tally buttons (chosen among the types the administrator allows in the tally, 12 at
    most); without a choice, the allowed types they used most in the last 30 days first, 12 at most."""
    allowed = ActivityType.objects.active().filter(in_tally=True)
    chosen = list(
        allowed.filter(
            pk__in=ActivityPreference.objects.filter(user=user, in_tally=True).values("activity_type")
        ).order_by("order", "label")[:MAX_TALLY_ACTIVITIES]
    )
    if chosen:
        return chosen
    return most_used_first(user, list(allowed.order_by("order", "label")))[:MAX_TALLY_ACTIVITIES]


def todays_taps(user, today) -> list[dict]:
    """The taps of today the server holds, oldest first, for the page's script (counts, and −1 after a reload):
    the receipts of taps still counted, and the lines of days recorded one line per tap before taps added up."""
    receipts = TallyTap.objects.filter(author=user, date=today, undone_at__isnull=True, line__isnull=False)
    legacy = Intervention.objects.filter(author=user, source=InterventionSource.TALLY, date=today).filter(
        ~Exists(TallyTap.objects.filter(line=OuterRef("pk")))
    )
    fields = ("uuid", "activity_type_id", "count", "women", "men", "unknown", "created_at")
    rows = sorted([*receipts.values(*fields), *legacy.values(*fields)], key=lambda row: row["created_at"])
    return [
        {
            "uuid": str(row["uuid"]),
            "activity": row["activity_type_id"],
            "count": row["count"],
            "women": row["women"],
            "men": row["men"],
            "unknown": row["unknown"],
            "at": row["created_at"].isoformat(),
        }
        for row in rows
    ]
