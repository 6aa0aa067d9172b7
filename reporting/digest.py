"""The manager's morning digest: what is overdue in their teams, counted (no personal data), with links.

`send_manager_digests` (every morning, README) calls `send_manager_digests`; one digest per manager and day.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from altm.mail import absolute_url, queue_email
from altm.notifications import NotificationKind
from mediation.models import ConflictCase, FollowUp, Team, TechnicalReport, TechnicalReportStatus
from partners.models import Referral

# A technical report still open after this many days (reported on), danger or not, is "open too long".
TECHNICAL_TOO_LONG_DAYS = {True: 7, False: 30}


@dataclass(frozen=True)
class DigestLine:
    key: str
    label: str
    count: int
    url: str


def _by_team(queryset) -> dict[int, int]:
    return dict(queryset.values_list("team").annotate(n=Count("id")).values_list("team", "n"))


def overdue_by_team(*, today: date, team_ids) -> dict[str, dict[int, int]]:
    """{item: {team id: count}}: one grouped query per table, for every team at once."""
    danger_since = today - timedelta(days=TECHNICAL_TOO_LONG_DAYS[True])
    other_since = today - timedelta(days=TECHNICAL_TOO_LONG_DAYS[False])
    return {
        "agreements": _by_team(ConflictCase.objects.filter(team__in=team_ids).agreement_due_by(today)),
        "followups": _by_team(FollowUp.objects.filter(team__in=team_ids).due_by(today)),
        "technical": _by_team(
            TechnicalReport.objects.filter(team__in=team_ids)
            .exclude(status=TechnicalReportStatus.RESOLVED)
            .filter(
                Q(is_danger=True, reported_on__lte=danger_since) | Q(is_danger=False, reported_on__lte=other_since)
            )
        ),
        "referrals": _by_team(Referral.objects.filter(team__in=team_ids).overdue_on(today)),
    }


LABELS = {
    "agreements": (
        gettext_lazy("Protocole d'accord à vérifier"),
        gettext_lazy("Protocoles d'accord à vérifier"),
        "mediation:conflict_list",
    ),
    "followups": (
        gettext_lazy("Suivi dont l'action prévue est échue"),
        gettext_lazy("Suivis dont l'action prévue est échue"),
        "mediation:followup_list",
    ),
    "technical": (
        gettext_lazy("Signalement de veille technique ouvert depuis trop longtemps"),
        gettext_lazy("Signalements de veille technique ouverts depuis trop longtemps"),
        "mediation:technical_list",
    ),
    "referrals": (
        gettext_lazy("Mise en relation en attente, date de vérification passée"),
        gettext_lazy("Mises en relation en attente, date de vérification passée"),
        "partners:referral_list",
    ),
}


def digest_lines(counts: dict[str, dict[int, int]], team_ids) -> list[DigestLine]:
    lines = []
    for key, per_team in counts.items():
        count = sum(per_team.get(team_id, 0) for team_id in team_ids)
        if count:
            singular, plural, url_name = LABELS[key]
            lines.append(DigestLine(key, singular if count == 1 else plural, count, absolute_url(reverse(url_name))))
    return lines


def send_manager_digests(*, today: date) -> int:
    """Queue one digest per manager who has something overdue today (nothing overdue: no e-mail). Safe to re-run
    the same day. Returns e-mails queued."""
    managers = list(
        get_user_model().objects.filter(role=Role.MANAGER, is_active=True).exclude(email="").order_by("pk")
    )
    teams_of = {}
    for team_id, manager_id in Team.objects.filter(managers__in=managers).values_list("pk", "managers"):
        teams_of.setdefault(manager_id, []).append(team_id)
    counts = overdue_by_team(today=today, team_ids=[t for ids in teams_of.values() for t in ids])
    queued = 0
    for manager in managers:
        lines = digest_lines(counts, teams_of.get(manager.pk, []))
        if not lines:
            continue
        email = queue_email(
            user=manager,
            subject=_("Ce matin dans votre équipe : %(count)s point(s) en retard")
            % {"count": sum(line.count for line in lines)},
            template="reporting/emails/manager_digest",
            context={
                "lines": lines,
                "today": today,
                "dashboard_url": absolute_url(reverse("reporting:team_dashboard")),
            },
            kind=NotificationKind.MANAGER_DIGEST,
            reason=_("Vous recevez cet e-mail parce que vous encadrez une équipe (récapitulatif de chaque matin)."),
            key=f"digest:{manager.pk}:{today:%Y-%m-%d}",
        )
        queued += email is not None
    return queued
