"""The tally ("tournée"): big +1 / −1 buttons, each +1 one intervention line."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.decorators import role_required
from altm.pwa import offline_page
from mediation import services
from mediation.forms import InterventionForm
from mediation.models import ActivityType, Intervention, InterventionSource, Territory
from mediation.scoping import team_ids
from mediation.views.api import form_errors
from mediation.views.entry import LOGGING_ROLES, last_place, outbox_config, record_from_form


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
    context_form = InterventionForm(initial={"date": today, **place}, user=user)
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
