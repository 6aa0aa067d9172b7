"""Outgoing e-mail: one function decides an e-mail (`queue_email`), one job sends it (`send_email`).

`queue_email` renders the French plain-text and HTML bodies inside the caller's transaction, stores an
`OutgoingEmail` row and enqueues the sending job once the transaction commits: a change rolled back sends nothing,
and no request waits for an SMTP server. The job retries a failure after growing delays
(`ALTM_EMAIL_RETRY_DELAYS`), then marks the e-mail failed; the director sees it on the failed-deliveries page and
can send it again (`retry_email`). `send_pending_emails` (every 10 minutes, see README) re-enqueues what a lost job
or a stopped worker left behind.
"""

import base64
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from altm.audit import log_change, snapshot
from altm.models import Agency, AuditAction, EmailStatus, OutgoingEmail
from altm.notifications import NotificationKind, is_optional, wants

logger = logging.getLogger(__name__)

# A claimed e-mail not finished after this long is considered abandoned by its worker (crash) and taken again.
SENDING_TIMEOUT = timedelta(minutes=15)


_muted: ContextVar[bool] = ContextVar("mail_muted", default=False)


@contextmanager
def muted():
    """Decide no e-mail inside this block (loading demo data: its history is not news)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) as a full address, for links in e-mails (the worker has no request)."""
    return f"{settings.SITE_URL}{path}"


def _render_text(name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping (an apostrophe stays an apostrophe)."""
    return get_template(name).template.render(Context(context, autoescape=False)).strip() + "\n"


def _attachment_rows(attachments) -> list[dict]:
    return [
        {"filename": name, "mimetype": mimetype, "content": base64.b64encode(content).decode("ascii")}
        for name, content, mimetype in attachments
    ]


def queue_email(
    *,
    to: str = "",
    subject: str,
    template: str,
    context: dict,
    kind: str,
    reason: str,
    user=None,
    attachments=(),
    key: str | None = None,
) -> OutgoingEmail | None:
    """Decide an e-mail: render it (French, text + HTML), store it, send it once the transaction commits.

    `template` names `<template>.txt` and `<template>.html` (bodies only: the layout adds the greeting's frame,
    the reason `reason` — "Vous recevez cet e-mail parce que …" — and the link to the notification settings).
    With `user`, the address defaults to theirs and nothing is queued if they turned `kind` off (returns None).
    `attachments`: (filename, bytes, mimetype) triples. `key`: a second call with the same key queues nothing
    (a digest re-run the same day). Never sends personal data you would not put on a postcard: link to the app.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}: add it to altm.notifications.NotificationKind.")
    if _muted.get():
        return None
    if user is not None:
        to = to or user.email
        if not wants(user, kind):
            return None
    if not to:
        return None
    if key is not None and OutgoingEmail.objects.filter(key=key).exists():
        return None
    agency = Agency.current()
    layout_context = {
        **context,
        "agency": agency,
        "site_url": settings.SITE_URL,
        "reason": reason,
        "settings_url": absolute_url(reverse("notifications:settings")) if is_optional(kind) and user else "",
    }
    body_text = _render_text("emails/layout.txt", {**layout_context, "body": _render_text(f"{template}.txt", context)})
    body_html = render_to_string(
        "emails/layout.html", {**layout_context, "body": render_to_string(f"{template}.html", context)}
    )
    email = OutgoingEmail(
        to=to,
        user=user,
        subject=f"[{agency.short_name}] {' '.join(subject.split())}"[:250],
        kind=kind,
        reason=reason[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=_attachment_rows(attachments),
        key=key,
        next_try_at=timezone.now(),
    )
    try:
        validate_email(to)
    except ValidationError:
        # Kept, marked failed: the director sees the bad address on the failed-deliveries page.
        email.status = EmailStatus.FAILED
        email.last_error = _("Adresse e-mail invalide : %(to)s") % {"to": to}
        email.next_try_at = None
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        if key is not None and OutgoingEmail.objects.filter(key=key).exists():
            return None  # a concurrent run decided the same e-mail first
        raise
    if email.status == EmailStatus.PENDING:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Auto-Submitted": "auto-generated", "X-ALTM-Kind": email.kind},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def deliver(email_id: int) -> str:
    """Send one stored e-mail now if it is due; returns its status afterwards. Safe to call twice at once: only
    the caller that claims the row sends it."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.due(now)
        .filter(pk=email_id)
        .update(status=EmailStatus.SENDING, attempts=F("attempts") + 1, next_try_at=now + SENDING_TIMEOUT)
    )
    if not claimed:
        return OutgoingEmail.objects.filter(pk=email_id).values_list("status", flat=True).first() or ""
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([_message(email)])
    except Exception as exc:  # any failure of the backend: record it, try later
        delays = settings.ALTM_EMAIL_RETRY_DELAYS
        email.last_error = f"{type(exc).__name__} : {exc}"[:2000]
        if email.attempts <= len(delays):
            email.status = EmailStatus.RETRYING
            email.next_try_at = timezone.now() + timedelta(seconds=delays[email.attempts - 1])
        else:
            email.status = EmailStatus.FAILED
            email.next_try_at = None
        email.save(update_fields=["status", "last_error", "next_try_at"])
        logger.warning("E-mail %s not sent (attempt %s): %s", email.pk, email.attempts, email.last_error)
        if email.status == EmailStatus.RETRYING:
            send_email.using(run_after=email.next_try_at).enqueue(email.pk)
        return email.status
    email.status = EmailStatus.SENT
    email.sent_at = timezone.now()
    email.next_try_at = None
    email.save(update_fields=["status", "sent_at", "next_try_at"])
    return email.status


@task()
def send_email(email_id: int) -> str:
    """The queue's job: send one stored e-mail (see `deliver`)."""
    return deliver(email_id)


@transaction.atomic
def retry_email(*, actor, email: OutgoingEmail) -> OutgoingEmail:
    """Send a failed (or waiting) e-mail again now, with a fresh series of tries; audited as `actor`'s."""
    email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    if email.status not in (EmailStatus.FAILED, EmailStatus.RETRYING):
        raise ValidationError(_("Cet e-mail n'est pas en échec : il est déjà envoyé ou en cours d'envoi."))
    before = snapshot(email)
    email.status = EmailStatus.PENDING
    email.attempts = 0
    email.next_try_at = timezone.now()
    email.save(update_fields=["status", "attempts", "next_try_at"])
    log_change(actor=actor, instance=email, action=AuditAction.UPDATE, before=before)
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def enqueue_due_emails(*, grace: timedelta = timedelta(minutes=5)) -> int:
    """Re-enqueue e-mails whose job was lost (a crash between commit and enqueue, a stopped worker); the claim in
    `deliver` makes a duplicate job harmless. Returns how many."""
    ids = list(OutgoingEmail.objects.due(timezone.now() - grace).values_list("pk", flat=True))
    for pk in ids:
        send_email.enqueue(pk)
    return len(ids)


def prune_sent_emails(*, days: int) -> int:
    """Delete sent e-mails older than `days` (their bodies are copies of what the app shows)."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _details = OutgoingEmail.objects.filter(status=EmailStatus.SENT, sent_at__lt=cutoff).delete()
    return deleted
