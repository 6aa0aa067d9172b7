"""The e-mails a landlord receives (weekly synthesis with its PDF, a danger at once, reminders): French, plain text
and HTML, each pending report with its signed link. Each is decided with `altm.mail.queue_email` inside the caller's
transaction and sent by the worker once it commits (retried, failures on the failed-deliveries page)."""

from datetime import date

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from altm.mail import queue_email
from altm.models import Agency
from altm.notifications import NotificationKind
from altm.pdf import render_pdf
from mediation.landlord_links import link_url
from mediation.models import Landlord, TechnicalReport
from mediation.synthesis import Synthesis


def _reason() -> str:
    return _(
        "Vous recevez cet e-mail parce que votre organisme est le destinataire des signalements de veille technique "
        "de l'agence %(agency)s sur son patrimoine. Pour changer d'adresse, répondez à l'agence par votre canal "
        "habituel."
    ) % {"agency": Agency.current().name}


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
