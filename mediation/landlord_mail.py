"""The e-mails a landlord receives (weekly synthesis with its PDF, a danger at once, reminders): French, plain text
and HTML, each pending report with its signed link. Each is decided with `altm.mail.queue_email` inside the caller's
transaction and sent by the worker once it commits (retried, failures on the failed-deliveries page)."""

from datetime import date

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from altm.mail import absolute_url, queue_email
from altm.models import Agency
from altm.notifications import NotificationKind
from altm.pdf import render_pdf
from mediation.landlord_links import link_url
from mediation.models import Landlord, TechnicalReport
from mediation.synthesis import Synthesis


def _reason() -> str:
    return _(
        "Vous recevez cet e-mail parce que votre organisme est le destinataire des signalements de veille technique "
        "de l'agence %(agency)s sur son patrimoine. Pour changer d'adresse, contactez l'agence."
    ) % {"agency": Agency.current().short_name}


def queue_danger_email(report: TechnicalReport):
    where = f"{report.place} ({report.site})" if report.site else report.place
    return queue_email(
        to=report.landlord.email,
        subject=_("DANGER signalé : %(where)s") % {"where": where},
        template="mediation/emails/landlord_danger",
        context={"report": report, "link": link_url(report), "agency": Agency.current()},
        kind=NotificationKind.LANDLORD_REPORT,
        reason=_reason(),
        key=f"landlord-danger:{report.pk}",
    )


def queue_synthesis_email(synthesis: Synthesis, *, issued_on: date):
    context = {
        "synthesis": synthesis,
        "start": synthesis.start,
        "end": synthesis.end,
        "week": synthesis.week,
        "issued_on": issued_on,
        "is_director": True,  # the agency's whole perimeter: no "your teams only" note
    }
    pdf = render_pdf("mediation/technical_synthesis_pdf.html", context)
    filename = f"veille-technique-{slugify(synthesis.landlord.name)}-{synthesis.week}.pdf"
    return queue_email(
        to=synthesis.landlord.email,
        subject=_("Veille technique : synthèse de la semaine %(week)s") % {"week": synthesis.week},
        template="mediation/emails/landlord_synthesis",
        context={**context, "agency": Agency.current()},
        kind=NotificationKind.LANDLORD_SYNTHESIS,
        reason=_reason(),
        attachments=[(filename, pdf, "application/pdf")],
        key=f"landlord-synthesis:{synthesis.landlord.pk}:{synthesis.start}",
    )


def queue_reminder_email(landlord: Landlord, reports: list[TechnicalReport], *, today: date):
    rows = [{"report": report, "days": report.open_days(today), "link": link_url(report)} for report in reports]
    subject = ngettext(
        "Relance : %(count)s signalement en attente de résolution",
        "Relance : %(count)s signalements en attente de résolution",
        len(rows),
    ) % {"count": len(rows)}
    return queue_email(
        to=landlord.email,
        subject=subject,
        template="mediation/emails/landlord_reminder",
        context={"landlord": landlord, "rows": rows, "today": today, "agency": Agency.current()},
        kind=NotificationKind.LANDLORD_REMINDER,
        reason=_reason(),
        key=f"landlord-reminder:{landlord.pk}:{today}",
    )


# --- The team's side: its mediators and managers hear what went to the landlord (their own choice of e-mails) ---


def _team_members(team) -> list:
    """The team's active mediators and managers, each once (a manager may be a mediator of the team too)."""
    members = {user.pk: user for user in [*team.mediators.all(), *team.managers.all()] if user.is_active}
    return list(members.values())


def queue_team_danger_emails(report: TechnicalReport) -> int:
    """Tell the report's team that its danger went to the landlord (each member who keeps this notification)."""
    url = absolute_url(report.get_absolute_url())
    queued = 0
    for user in _team_members(report.team):
        queued += (
            queue_email(
                user=user,
                subject=_("Danger transmis à %(landlord)s") % {"landlord": report.landlord.name},
                template="mediation/emails/team_danger",
                context={"report": report, "url": url},
                kind=NotificationKind.TECHNICAL_DANGER,
                reason=_("Vous recevez cet e-mail parce qu'un signalement « danger » de votre équipe est transmis."),
                key=f"team-danger:{report.pk}:{user.pk}",
            )
            is not None
        )
    return queued


def queue_team_reminder_emails(reports: list[TechnicalReport], *, today: date) -> int:
    """Each member of a team with reports past their threshold gets one e-mail listing them (once a day)."""
    by_user: dict[int, tuple] = {}
    for report in reports:
        for user in _team_members(report.team):
            by_user.setdefault(user.pk, (user, []))[1].append(report)
    queued = 0
    for user, own in by_user.values():
        rows = [{"report": r, "days": r.open_days(today), "url": absolute_url(r.get_absolute_url())} for r in own]
        subject = ngettext(
            "%(count)s signalement de votre équipe reste ouvert au-delà du délai",
            "%(count)s signalements de votre équipe restent ouverts au-delà du délai",
            len(rows),
        ) % {"count": len(rows)}
        queued += (
            queue_email(
                user=user,
                subject=subject,
                template="mediation/emails/team_reminder",
                context={"rows": rows},
                kind=NotificationKind.TECHNICAL_REMINDER,
                reason=_(
                    "Vous recevez cet e-mail parce qu'un signalement de votre équipe reste ouvert trop longtemps."
                ),
                key=f"team-reminder:{user.pk}:{today}",
            )
            is not None
        )
    return queued
