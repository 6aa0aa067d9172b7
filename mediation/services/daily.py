"""The daily team report: its "faits marquants", and the manager's validation that locks the day's lines for
mediators (`mediation.rules.validated_day_errors`, called on every path that writes a line)."""

from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.models import AuditAction
from mediation import perms
from mediation.models import DailyReport, Team
from mediation.services.common import today

HIGHLIGHTS_MAX_LENGTH = 5000


def _report_for_update(team: Team, day: date_type) -> tuple[DailyReport, bool]:
    """The team's report of the day, locked; created (not yet saved) when it does not exist."""
    report = DailyReport.objects.select_for_update().filter(team=team, date=day).first()
    return (report, False) if report is not None else (DailyReport(team=team, date=day), True)


def _save(report: DailyReport, created: bool, *, actor, before) -> DailyReport:
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # a colleague created the same day's report at the same moment
        raise ValidationError(
            {"__all__": [_("Ce compte rendu vient d'être créé par quelqu'un d'autre : rechargez la page.")]}
        ) from None
    log_change(
        actor=actor, instance=report, action=AuditAction.CREATE if created else AuditAction.UPDATE, before=before
    )
    return report


@transaction.atomic
def save_daily_highlights(*, actor, team: Team, day: date_type, highlights: str) -> DailyReport:
    """Write the team's "faits marquants" of the day (its managers; audited). A validated day keeps its text."""
    if not perms.can_validate_day(actor, team.pk):
        raise ValidationError({"__all__": [_("Seul un responsable de l'équipe rédige les faits marquants.")]})
    highlights = (highlights or "").strip()
    errors = {}
    if len(highlights) > HIGHLIGHTS_MAX_LENGTH:
        errors["highlights"] = [_("5 000 caractères au plus.")]
    if day > today():
        errors["date"] = [_("La date ne peut pas être dans le futur.")]
    report, created = _report_for_update(team, day)
    if report.is_validated:
        errors.setdefault("__all__", []).append(_("Journée validée : rouvrez-la pour changer les faits marquants."))
    if errors:
        raise ValidationError(errors)
    if not created and report.highlights == highlights:
        return report  # nothing changed: no audit entry
    before = None if created else snapshot(report)
    report.highlights = highlights
    return _save(report, created, actor=actor, before=before)


@transaction.atomic
def validate_day(*, actor, team: Team, day: date_type, validated: bool = True) -> DailyReport:
    """The manager validates the team's day (its lines are then locked for mediators) or reopens it. Audited."""
    if not perms.can_validate_day(actor, team.pk):
        raise ValidationError({"__all__": [_("Seul un responsable de l'équipe valide la journée.")]})
    if day > today():
        raise ValidationError({"date": [_("Une journée à venir ne se valide pas.")]})
    report, created = _report_for_update(team, day)
    if report.is_validated == validated:
        return report  # already so: a double submit changes nothing
    before = None if created else snapshot(report)
    report.validated_at = timezone.now() if validated else None
    report.validated_by = actor if validated else None
    return _save(report, created, actor=actor, before=before)
