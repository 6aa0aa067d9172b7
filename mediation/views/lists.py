"""Lists of intervention lines: the user's own ("Mes saisies"), their team's (or every line for the direction)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from mediation import perms, rules
from mediation.filters import filtered_interventions, intervention_totals
from mediation.views.entry import LOGGING_ROLES

PAGE_SIZE = 50


def intervention_list(request, *, mine: bool, title: str):
    form, queryset = filtered_interventions(request, mine=mine)
    totals = intervention_totals(queryset)
    paginator = Paginator(
        queryset.select_related("activity_type", "territory", "site", "author").order_by("-date", "-id"), PAGE_SIZE
    )
    paginator.__dict__["count"] = totals["lines"]  # already counted by the aggregate: spare a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "line": line,
            "editable": perms.can_edit_intervention(request.user, line),
            "history_referral": rules.is_history_referral(line.note),
        }
        for line in page
    ]
    # The export holds exactly the filtered set the page shows, every page of it.
    export_query = request.GET.copy()
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
        "indicator_activities": indicator_activities,
    }
    return render(request, "mediation/intervention_list.html", {**context, "export_query": export_query.urlencode()})


@role_required(*LOGGING_ROLES)
def my_interventions(request):
    return intervention_list(request, mine=True, title=_("Mes saisies"))


@role_required(Role.MANAGER, Role.DIRECTOR)
def team_interventions(request):
    title = _("Saisies de l'équipe") if request.user.is_manager else _("Saisies")
    return intervention_list(request, mine=False, title=title)
