"""What needs attention on the dashboards ("À suivre"): follow-ups to chase, agreements to check, technical reports
not resolved, referrals waiting; each list its first rows and its total in one query."""

from datetime import date, timedelta

from django.db.models import Count, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import ConflictCase, FollowUp, TechnicalReport, TechnicalReportStatus
from partners.models import Referral

OPEN_ITEMS_SHOWN = 8


def open_items(*, user, teams=None, today: date) -> dict[str, dict]:
    """Lists of what needs attention, each with a total (one query per list: a window count)."""
    soon = today + timedelta(days=7)
    followups = FollowUp.objects.for_user(user).due_by(soon)
    agreements = ConflictCase.objects.for_user(user).agreement_due_by(soon)
    technical = TechnicalReport.objects.for_user(user).exclude(status=TechnicalReportStatus.RESOLVED)
    if teams is not None:
        followups = followups.filter(team__in=teams)
        agreements = agreements.filter(team__in=teams)
        technical = technical.filter(team__in=teams)
    items = {
        "followups": {
            "label": _("Suivis à relancer (prochaine action d'ici 7 jours)"),
            "all_url": reverse("mediation:followup_list") + "?scope=team",
            "rows": _with_total(followups.select_related("person", "mediator").order_by("next_action_on", "id")),
        },
        "agreements": {
            "label": _("Protocoles d'accord à suivre"),
            "all_url": reverse("mediation:conflict_list") + "?status=agreement",
            "rows": _with_total(agreements.select_related("territory").order_by("agreement_followup_on", "id")),
        },
        "technical": {
            "label": _("Signalements de veille technique non résolus"),
            "all_url": reverse("mediation:technical_list"),
            "rows": _with_total(technical.select_related("landlord").order_by("reported_on", "id")),
        },
    }
    referrals = _open_referrals(user=user, teams=teams)
    if referrals is not None:
        items["referrals"] = {
            "label": _("Mises en relation en attente de confirmation"),
            "all_url": reverse("partners:referral_list"),
            "rows": referrals,
        }
    return items


def _with_total(queryset) -> dict:
    """The first rows and the total in one query (a window count over the whole set)."""
    rows = list(queryset.annotate(total_rows=Window(Count("id")))[:OPEN_ITEMS_SHOWN])
    return {"items": rows, "total": rows[0].total_rows if rows else 0}


def _open_referrals(*, user, teams=None):
    """Referrals still waiting for the partner's confirmation (proposed or done), overdue first."""
    queryset = Referral.objects.for_user(user).open()
    if teams is not None:
        queryset = queryset.filter(team__in=teams)
    return _with_total(queryset.overdue_first(date.today()))
