"""The landlord loop: what a landlord answers through its signed link, and what the app sends it on its own.

Every change is audited: a landlord's answers under the landlord's name ("GLH (bailleur, lien signé)"), the
transmission the app records when it e-mails a report under "Envoi automatique".
"""

from datetime import date as date_type
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import ExternalActor, log_change, snapshot
from altm.models import AuditAction
from mediation import landlord_mail
from mediation.models import (
    Landlord,
    LandlordDispatch,
    LandlordDispatchKind,
    TechnicalReport,
    TechnicalReportStatus,
)
from mediation.synthesis import build_synthesis, week_to_send

COMMENT_MAX_LENGTH = 2000
# A planned date further away than this is a typo (2206 for 2026).
PLAN_HORIZON_DAYS = 2 * 365


class LandlordAnswer:
    ACKNOWLEDGE = "acknowledge"
    PLAN = "plan"
    RESOLVE = "resolve"
    ALL = (ACKNOWLEDGE, PLAN, RESOLVE)


def landlord_link_days() -> int:
    return settings.ALTM_LANDLORD_LINK_DAYS


def automatic_actor() -> ExternalActor:
    return ExternalActor(_("Envoi automatique au bailleur"))


def landlord_actor(landlord: Landlord) -> ExternalActor:
    return ExternalActor(_("%(landlord)s (bailleur, lien signé)") % {"landlord": landlord.name})


def _mark_transmitted(report: TechnicalReport, day: date_type) -> None:
    """A report the landlord heard of (by e-mail or its own answer) is transmitted, on that day at the latest."""
    if report.status == TechnicalReportStatus.OPEN:
        report.status = TechnicalReportStatus.TRANSMITTED
        report.transmitted_on = max(day, report.reported_on)


@transaction.atomic
def answer_as_landlord(
    *,
    landlord: Landlord,
    report: TechnicalReport,
    answer: str,
    planned_on: date_type | None = None,
    comment: str = "",
    today: date_type | None = None,
) -> tuple[TechnicalReport, bool]:
    """Record a landlord's answer on its report: acknowledged, planned for a date, or resolved with a comment.

    Returns (report, changed). A resolved report takes no answer any more (a link replayed after resolution
    changes nothing); the same answer given twice changes nothing the second time.
    """
    today = today or timezone.localdate()
    report = TechnicalReport.objects.select_for_update().select_related("landlord").get(pk=report.pk)
    if report.landlord_id != landlord.pk:
        raise ValidationError(_("Ce signalement n'est pas adressé à ce bailleur."))
    if report.is_resolved:
        raise ValidationError(
            _("Ce signalement est déjà résolu depuis le %(day)s : rien n'a été modifié.")
            % {"day": f"{report.resolved_on:%d/%m/%Y}"}
        )
    errors: dict = {}
    comment = (comment or "").strip()
    if answer not in LandlordAnswer.ALL:
        errors["answer"] = [_("Choisissez une réponse.")]
    if answer == LandlordAnswer.PLAN:
        if planned_on is None:
            errors["planned_on"] = [_("Indiquez la date prévue de l'intervention.")]
        elif planned_on < today:
            errors["planned_on"] = [_("La date prévue ne peut pas être passée.")]
        elif planned_on > today + timedelta(days=PLAN_HORIZON_DAYS):
            errors["planned_on"] = [_("La date prévue est à plus de deux ans : vérifiez l'année.")]
    if answer == LandlordAnswer.RESOLVE and not comment:
        errors["comment"] = [_("Décrivez en quelques mots ce qui a été fait.")]
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [
            _("Le commentaire est limité à %(max)s caractères (il en compte %(count)s).")
            % {"max": COMMENT_MAX_LENGTH, "count": len(comment)}
        ]
    if errors:
        raise ValidationError(errors)
    before = snapshot(report)
    _mark_transmitted(report, today)
    if report.landlord_acknowledged_on is None:
        report.landlord_acknowledged_on = today
    if answer == LandlordAnswer.PLAN:
        report.landlord_planned_on = planned_on
    if comment:
        report.landlord_comment = comment
    if answer == LandlordAnswer.RESOLVE:
        report.status = TechnicalReportStatus.RESOLVED
        report.resolved_on = max(today, report.transmitted_on)
    after = snapshot(report)
    if after == before:
        return report, False
    report.save()
    log_change(actor=landlord_actor(landlord), instance=report, action=AuditAction.UPDATE, before=before)
    return report, True


# --- What the app sends (the e-mails themselves are composed in mediation/landlord_mail.py) ----------------


def reports_to_remind(today: date_type):
    """Reports open too long of landlords with an address, not reminded within their threshold (one query)."""
    days = settings.ALTM_TECHNICAL_REMINDER_DAYS

    def not_reminded_within(threshold: int) -> Q:
        return Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - timedelta(days=threshold))

    return (
        TechnicalReport.objects.open_too_long(today)
        .exclude(landlord__email="")
        .filter(
            (Q(is_danger=True) & not_reminded_within(days["danger"]))
            | (Q(is_danger=False) & not_reminded_within(days["other"]))
        )
        .select_related("landlord", "site", "territory")
        .order_by("landlord__name", "-is_danger", "reported_on", "id")
    )


@transaction.atomic
def record_dispatch(
    *,
    landlord: Landlord,
    kind: str,
    period_start: date_type,
    period_end: date_type,
    reports: list[TechnicalReport],
    today: date_type,
) -> LandlordDispatch | None:
    """Note that an e-mail goes to the landlord (None if this period's one already went) and mark what it carries.

    Pending reports it carries become transmitted (audited as the automatic sending); a reminder notes its day on
    each report, a danger e-mail its moment. Called in the same transaction as the queuing of the e-mail.
    """
    try:
        with transaction.atomic():
            dispatch = LandlordDispatch.objects.create(
                landlord=landlord, kind=kind, period_start=period_start, period_end=period_end, email=landlord.email
            )
    except IntegrityError:
        return None
    dispatch.reports.set(reports)
    now = timezone.now()
    for report in TechnicalReport.objects.select_for_update().filter(pk__in=[r.pk for r in reports]):
        before = snapshot(report)
        _mark_transmitted(report, today)
        if kind == LandlordDispatchKind.REMINDER:
            report.reminded_on = today
        if kind == LandlordDispatchKind.DANGER:
            report.danger_sent_at = now
        if snapshot(report) != before:
            report.save()
            log_change(actor=automatic_actor(), instance=report, action=AuditAction.UPDATE, before=before)
    return dispatch


def send_danger_report(*, report_pk: int) -> bool:
    """E-mail a report flagged danger to its landlord at once, once: decided in the transaction that creates it,
    sent by the worker when it commits (nothing on a rollback)."""
    with transaction.atomic():
        report = (
            TechnicalReport.objects.select_for_update(of=("self",))
            .select_related("landlord", "site", "territory")
            .filter(pk=report_pk)
            .first()
        )
        if report is None or not report.is_danger or report.is_resolved or report.danger_sent_at is not None:
            return False
        if not report.landlord.email:
            return False
        today = timezone.localdate()
        record_dispatch(
            landlord=report.landlord,
            kind=LandlordDispatchKind.DANGER,
            period_start=report.reported_on,
            period_end=today,
            reports=[report],
            today=today,
        )
        report.refresh_from_db()
        landlord_mail.queue_danger_email(report)
        landlord_mail.queue_team_danger_emails(report)
    return True


def send_weekly_syntheses(*, today: date_type, landlord: Landlord | None = None) -> list[tuple[Landlord, int]]:
    """E-mail each landlord whose day it is its synthesis of the week of yesterday (PDF attached), once per week.

    Landlords without an address, or without any report that week, get nothing. Returns (landlord, reports) sent.
    """
    start, end = week_to_send(today)
    landlords = Landlord.objects.exclude(email="").filter(synthesis_weekday=today.weekday())
    if landlord is not None:
        landlords = landlords.filter(pk=landlord.pk)
    sent = []
    for each in landlords.order_by("name"):
        with transaction.atomic():
            synthesis = build_synthesis(TechnicalReport.objects.all(), each, start, end, with_links=True)
            if not synthesis.rows:
                continue
            dispatch = record_dispatch(
                landlord=each,
                kind=LandlordDispatchKind.SYNTHESIS,
                period_start=start,
                period_end=end,
                reports=[row.report for row in synthesis.rows],
                today=today,
            )
            if dispatch is None:
                continue  # this week's synthesis already went
            landlord_mail.queue_synthesis_email(synthesis, issued_on=today)
            sent.append((each, len(synthesis.rows)))
    return sent


def send_reminders(*, today: date_type) -> list[tuple[Landlord, int]]:
    """One e-mail per landlord listing its reports pending past their threshold; each is reminded again only after
    as many days. The teams of the reports reminded hear of it too (one e-mail per member). Returns (landlord,
    reports) reminded."""
    by_landlord: dict[int, list[TechnicalReport]] = {}
    reminded: list[TechnicalReport] = []
    for report in (
        reports_to_remind(today).select_related("team").prefetch_related("team__mediators", "team__managers")
    ):
        by_landlord.setdefault(report.landlord_id, []).append(report)
    sent = []
    for reports in by_landlord.values():
        landlord = reports[0].landlord
        with transaction.atomic():
            dispatch = record_dispatch(
                landlord=landlord,
                kind=LandlordDispatchKind.REMINDER,
                period_start=today,
                period_end=today,
                reports=reports,
                today=today,
            )
            if dispatch is None:
                continue  # already reminded today
            landlord_mail.queue_reminder_email(landlord, reports, today=today)
            reminded.extend(reports)
            sent.append((landlord, len(reports)))
    with transaction.atomic():
        landlord_mail.queue_team_reminder_emails(reminded, today=today)
    return sent
