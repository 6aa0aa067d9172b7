"""Daily team report ("compte rendu"): one team, one day. The figures come from `mediation.daily`; the team's
manager writes the day's "faits marquants" and validates the day (its lines are then locked for mediators)."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.params import day_param
from mediation import perms, services
from mediation.daily import daily_report as build_daily_report
from mediation.models import DailyReport, Team
from mediation.services.daily import HIGHLIGHTS_MAX_LENGTH


class DailyReportForm(forms.Form):
    team = forms.IntegerField()
    date = forms.DateField(error_messages={"invalid": gettext_lazy("Date invalide.")})
    highlights = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": HIGHLIGHTS_MAX_LENGTH, "class": "form-control"}),
        label=gettext_lazy("Faits marquants"),
        required=False,
        max_length=HIGHLIGHTS_MAX_LENGTH,
        error_messages={"max_length": gettext_lazy("5 000 caractères au plus.")},
    )
    action = forms.ChoiceField(choices=[("save", "save"), ("validate", "validate"), ("reopen", "reopen")])


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
        report = DailyReport.objects.filter(team=team, date=day).select_related("validated_by").first()
        context["report"] = report
        context["can_validate"] = perms.can_validate_day(request.user, team.pk) and day <= timezone.localdate()
        context["highlights_form"] = DailyReportForm(
            initial={"team": team.pk, "date": day, "highlights": report.highlights if report else ""}
        )
    return render(request, "mediation/daily_report.html", context)


@require_POST
@role_required(Role.MANAGER)
def daily_report_save(request):
    """The manager saves the "faits marquants", validates the day, or reopens it; back to the report."""
    form = DailyReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("mediation:daily_report")
    data = form.cleaned_data
    team = Team.objects.for_user(request.user).filter(pk=data["team"]).first()
    if team is None:
        raise Http404(_("Équipe introuvable."))
    day = data["date"]
    try:
        if data["action"] == "reopen":
            services.validate_day(actor=request.user, team=team, day=day, validated=False)
            messages.success(
                request, _("Journée rouverte : les médiateurs peuvent de nouveau corriger leurs saisies.")
            )
        else:
            services.save_daily_highlights(actor=request.user, team=team, day=day, highlights=data["highlights"])
            if data["action"] == "validate":
                services.validate_day(actor=request.user, team=team, day=day)
                messages.success(request, _("Journée validée : ses saisies sont verrouillées pour les médiateurs."))
            else:
                messages.success(request, _("Faits marquants enregistrés."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"{reverse('mediation:daily_report')}?{urlencode({'date': day.isoformat(), 'team': team.pk})}")
