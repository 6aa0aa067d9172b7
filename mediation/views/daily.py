"""Daily team report ("compte rendu"): one team, one day. The figures come from `mediation.daily`."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.params import day_param
from mediation.daily import daily_report as build_daily_report
from mediation.models import Team


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
    day = day_param(request, "date")
    context = {"teams": teams, "team": team, "day": day, "generated_at": timezone.now()}
    context["previous_day"] = (day - timedelta(days=1)).isoformat()
    context["next_day"] = (day + timedelta(days=1)).isoformat() if day < timezone.localdate() else None
    if team is not None:
        context.update(build_daily_report(team, day))
    return render(request, "mediation/daily_report.html", context)
