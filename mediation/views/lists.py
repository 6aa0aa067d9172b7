"""Lists of intervention lines: the user's own ("Mes saisies"), their team's (or every line for the direction)."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.pwa import offline_page
from mediation import perms, rules
from mediation.filters import filtered_interventions, intervention_totals
from mediation.views.entry import LOGGING_ROLES

PAGE_SIZE = 50


FILTER_PARAMS = ("start", "end", "territory", "site", "activity", "activities", "family", "team", "mediator", "page")


def my_periods(today) -> list[dict]:
    """The periods "Mes saisies" offers one tap away: today (where it opens), yesterday, this week, everything."""
    yesterday = today - timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    return [
        {"key": "today", "label": _("Aujourd'hui"), "start": today, "end": today},
        {"key": "yesterday", "label": _("Hier"), "start": yesterday, "end": yesterday},
        {"key": "week", "label": _("Cette semaine"), "start": monday, "end": today},
        {"key": "all", "label": _("Tout"), "start": None, "end": None},
    ]


def intervention_list(request, *, mine: bool, title: str):
    data, periods, period = None, [], ""
    if mine:
        # "Mes saisies" opens on today; yesterday and this week are one tap away, the whole history one more.
        periods = my_periods(timezone.localdate())
        chosen = request.GET.get("periode", "")
        period = chosen if chosen in {p["key"] for p in periods} else ""
        if not period and not any(request.GET.get(name) for name in FILTER_PARAMS):
            period = "today"
        if period:
            found = next(p for p in periods if p["key"] == period)
            data = request.GET.copy()  # keeps every value of a multiple filter
            data.pop("periode", None)
            if found["start"]:
                data["start"], data["end"] = found["start"].isoformat(), found["end"].isoformat()
            else:
                data.pop("start", None)
                data.pop("end", None)
    form, queryset = filtered_interventions(request, mine=mine, data=data)
    totals = intervention_totals(form, queryset, user=request.user, mine=mine)
    order = ("-date", "-created_at", "-id") if mine else ("-date", "-id")
    paginator = Paginator(
        queryset.select_related("activity_type", "territory", "site", "author").order_by(*order), PAGE_SIZE
    )
    paginator.__dict__["count"] = totals["lines"]  # already counted by the aggregate: spare a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    lines = list(page)
    # Lines of a day the manager validated are locked for mediators: no "Modifier" link (one query per page).
    locked = rules.validated_days(
        request.user, team_ids={line.team_id for line in lines}, days={line.date for line in lines}
    )
    rows = [
        {
            "line": line,
            "editable": perms.can_edit_intervention(request.user, line) and (line.team_id, line.date) not in locked,
            "locked": (line.team_id, line.date) in locked,
            "history_referral": rules.is_history_referral(line.note),
        }
        for line in lines
    ]
    # The export holds exactly the filtered set the page shows, every page of it.
    export_query = (data if data is not None else request.GET).copy()
    export_query.pop("page", None)
    if mine:
        export_query["mine"] = "1"
    chosen = set((form.cleaned_data or {}).get("activities") or []) if hasattr(form, "cleaned_data") else set()
    indicator_activities = []
    if chosen:
        indicator_activities = [(code, label) for code, label in form.fields["activities"].choices if code in chosen]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "totals": totals,
        "mine": mine,
        "title": title,
        "periods": periods,
        "period": period,
        "indicator_activities": indicator_activities,
    }
    return render(request, "mediation/intervention_list.html", {**context, "export_query": export_query.urlencode()})


@offline_page
@role_required(*LOGGING_ROLES)
def my_interventions(request):
    return intervention_list(request, mine=True, title=_("Mes saisies"))


@role_required(Role.MANAGER, Role.DIRECTOR)
def team_interventions(request):
    title = _("Saisies de l'équipe") if request.user.is_manager else _("Saisies")
    return intervention_list(request, mine=False, title=title)
