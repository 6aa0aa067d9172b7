"""The tally ("tournée"): big +1 / −1 buttons, each +1 one intervention line."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Sum
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
    taps, complete = todays_taps(user, today)
    # A short day is summed from its taps; a long one in SQL (the page gets its last taps only).
    counts = counts_of(taps) if complete else todays_tally_counts(user, today)
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
            "activities": [{"activity": a, "count": counts.get(a.pk, {}).get("count", 0)} for a in activities],
            "total": sum(sums["count"] for sums in counts.values()) + other_total,
            "other_total": other_total,
            "taps": taps,
            # JSON object keys are strings: the script reads them back with Number().
            "earlier_counts": {str(key): sums for key, sums in earlier_counts(counts, taps).items()},
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


TAP_FIELDS = ("count", "women", "men", "unknown")
LAST_TAPS = 50  # taps handed to the page one by one (for −1 and the patrol counter); the rest as sums


def _todays_tally_rows(user, today) -> tuple[QuerySet, QuerySet]:
    """Today's counted taps: the receipts of taps not undone, and the lines of days recorded one line per tap
    before taps added up (they have no receipt)."""
    receipts = TallyTap.objects.filter(author=user, date=today, undone_at__isnull=True, line__isnull=False)
    legacy = Intervention.objects.filter(author=user, source=InterventionSource.TALLY, date=today).filter(
        ~Exists(TallyTap.objects.filter(line=OuterRef("pk")))
    )
    return receipts.order_by(), legacy.order_by()


def todays_tally_counts(user, today) -> dict[int, dict]:
    """Per activity type, today's counted taps summed in SQL: {activity id: {count, women, men, unknown}}."""
    counts: dict[int, dict] = {}
    for rows in _todays_tally_rows(user, today):
        sums = {field: Coalesce(Sum(field), 0) for field in TAP_FIELDS}
        for row in rows.values("activity_type_id").annotate(**sums):
            mine = counts.setdefault(row["activity_type_id"], dict.fromkeys(TAP_FIELDS, 0))
            for field in TAP_FIELDS:
                mine[field] += row[field]
    return counts


def todays_taps(user, today, limit: int = LAST_TAPS) -> tuple[list[dict], bool]:
    """The `limit` latest taps of today the server holds, oldest first, for the page's script (−1 after a reload,
    the patrol counter), and whether they are all of the day's (then no sum is needed); the older ones reach the
    script only as sums (`earlier_counts`)."""
    fields = ("uuid", "activity_type_id", "count", "women", "men", "unknown", "created_at", "id")
    latest = [
        row
        for rows in _todays_tally_rows(user, today)
        for row in rows.order_by("-created_at", "-id")[: limit + 1].values(*fields)
    ]
    complete = len(latest) <= limit
    rows = sorted(latest, key=lambda row: (row["created_at"], row["id"]))[-limit:]
    taps = [
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
    return taps, complete


def counts_of(taps: list[dict]) -> dict[int, dict]:
    """The taps summed per activity, as `todays_tally_counts` does in SQL (when the page holds every tap)."""
    counts: dict[int, dict] = {}
    for tap in taps:
        mine = counts.setdefault(tap["activity"], dict.fromkeys(TAP_FIELDS, 0))
        for field in TAP_FIELDS:
            mine[field] += tap[field]
    return counts


def earlier_counts(counts: dict[int, dict], taps: list[dict]) -> dict[int, dict]:
    """`counts` less the taps handed one by one: what the script adds to the listed taps to show the day."""
    earlier = {activity: dict(sums) for activity, sums in counts.items()}
    for tap in taps:
        mine = earlier.setdefault(tap["activity"], dict.fromkeys(TAP_FIELDS, 0))
        for field in TAP_FIELDS:
            mine[field] -= tap[field]
    return {activity: sums for activity, sums in earlier.items() if any(sums.values())}
