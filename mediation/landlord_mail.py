"""The e-mails a landlord receives (weekly synthesis with its PDF, a danger at once, reminders), in French, plain
text and HTML, each report with its signed link. `deliver` is the one place that hands them over for sending."""

from datetime import date

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from altm.models import Agency
from altm.pdf import render_pdf
from mediation.landlord_links import link_url
from mediation.models import Landlord, TechnicalReport
from mediation.synthesis import Synthesis


def deliver(*, to: list[str], subject: str, text: str, html: str, attachments: tuple = ()) -> None:
    """Send one e-mail through Django's mail API (the configured `EMAIL_BACKEND`).

    Called inside the transaction that records the sending: a failure rolls the record back, so the next run of
    the command sends again. Switch this body to the project's e-mail queue when it exists.
    """
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def _render(name: str, context: dict) -> tuple[str, str]:
    context = {"agency": Agency.current(), **context}
    return (
        render_to_string(f"mediation/email/{name}.txt", context),
        render_to_string(f"mediation/email/{name}.html", context),
    )


def danger_email(report: TechnicalReport) -> dict:
    text, html = _render("landlord_danger", {"report": report, "link": link_url(report)})
    where = f"{report.place} ({report.site})" if report.site else report.place
    return {"subject": _("DANGER signalé : %(where)s") % {"where": where}, "text": text, "html": html}


def synthesis_email(synthesis: Synthesis, *, issued_on: date) -> dict:
    context = {
        "synthesis": synthesis,
        "start": synthesis.start,
        "end": synthesis.end,
        "week": synthesis.week,
        "issued_on": issued_on,
        "is_director": True,  # the agency's whole perimeter: no "your teams only" note
    }
    pdf = render_pdf("mediation/technical_synthesis_pdf.html", context)
    text, html = _render("landlord_synthesis", context)
    filename = f"veille-technique-{slugify(synthesis.landlord.name)}-{synthesis.week}.pdf"
    subject = _("Veille technique : synthèse de la semaine %(week)s (%(agency)s)") % {
        "week": synthesis.week,
        "agency": Agency.current().short_name,
    }
    return {"subject": subject, "text": text, "html": html, "attachments": ((filename, pdf, "application/pdf"),)}


def reminder_email(landlord: Landlord, reports: list[TechnicalReport], *, today: date) -> dict:
    rows = [{"report": report, "days": report.open_days(today), "link": link_url(report)} for report in reports]
    text, html = _render("landlord_reminder", {"landlord": landlord, "rows": rows, "today": today})
    subject = ngettext(
        "Relance : %(count)s signalement en attente de résolution",
        "Relance : %(count)s signalements en attente de résolution",
        len(rows),
    ) % {"count": len(rows)}
    return {"subject": subject, "text": text, "html": html}
