"""Outgoing e-mail: decided in the caller's transaction, sent by the queue's job, retried, listed when failed."""

import copy
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from altm.mail import enqueue_due_emails, prune_sent_emails, queue_email
from altm.models import AuditEntry, EmailStatus, NotificationPreference, OutgoingEmail
from altm.notifications import NotificationKind, preferences_for
from tests.jobs import queued_jobs, run_jobs

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that answers every message with a temporary error."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"Service temporairement indisponible")


def decide(**overrides):
    arguments = {
        "to": "quelqu.un@exemple.fr",
        "subject": "Un essai",
        "template": "emails/test_message",
        "context": {"what": "l'essai"},
        "kind": NotificationKind.ACCOUNT,
        "reason": "Vous recevez cet e-mail parce que c'est un essai.",
    }
    return queue_email(**(arguments | overrides))


@pytest.fixture(autouse=True)
def _test_templates(settings, tmp_path):
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "test_message.txt").write_text("Bonjour, voici {{ what }} & le reste.")
    (folder / "test_message.html").write_text("<p>Bonjour, voici {{ what }} &amp; le reste.</p>")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates  # assigned, not mutated: Django rebuilds its template engines


def test_email_is_enqueued_on_commit_and_sent_by_the_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            email = decide()
            assert queued_jobs() == []  # nothing leaves before the change is committed
    assert queued_jobs() == [("altm.mail.send_email", [email.pk])]
    assert mail.outbox == []  # never sent in the request
    assert run_jobs() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    [message] = mail.outbox
    assert message.subject == "[ALTM] Un essai"
    assert message.to == ["quelqu.un@exemple.fr"]
    assert "voici l'essai & le reste." in message.body  # plain text: not HTML-escaped
    assert "Vous recevez cet e-mail parce que c'est un essai." in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "voici l&#x27;essai &amp; le reste." in html


def test_nothing_is_enqueued_or_kept_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                decide()
                raise RuntimeError("le changement échoue")
    assert OutgoingEmail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert run_jobs() == 0
    assert mail.outbox == []


def test_a_key_decides_an_email_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(key="digest:1:2026-12-02") is not None
        assert decide(key="digest:1:2026-12-02") is None
    assert OutgoingEmail.objects.count() == 1


def test_an_invalid_address_is_kept_as_failed_for_the_director(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = decide(to="pas-une-adresse")
    assert email.status == EmailStatus.FAILED and "invalide" in email.last_error
    assert queued_jobs() == []


def test_a_refused_email_is_retried_with_growing_delays_then_marked_failed(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.altm.test_mail.RefusingBackend"
    settings.ALTM_EMAIL_RETRY_DELAYS = [60, 600]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            email = decide()
        run_jobs()
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.RETRYING, 1)
        assert email.next_try_at == start + timedelta(seconds=60)
        assert "451" in email.last_error
        assert run_jobs() == 0  # the retry waits for its time
        clock.shift(timedelta(seconds=61))
        assert run_jobs() == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.RETRYING, 2)
        assert email.next_try_at == start + timedelta(seconds=61 + 600)
        clock.shift(timedelta(seconds=601))
        run_jobs()
        email.refresh_from_db()
        assert (email.status, email.attempts, email.next_try_at) == (EmailStatus.FAILED, 3, None)
        assert run_jobs() == 0
    assert mail.outbox == []


def test_director_sees_failed_deliveries_and_sends_one_again(
    client, world, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    email = decide()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, attempts=6, last_error="SMTPRecipientsRefused : boîte pleine", next_try_at=None
    )
    sent = decide(to="autre@exemple.fr")
    OutgoingEmail.objects.filter(pk=sent.pk).update(status=EmailStatus.SENT)
    client.force_login(world.director)
    with django_assert_num_queries(7):  # session, user, count, page (users joined), session save
        page = client.get(reverse("notifications:failed"))
    html = page.content.decode()
    assert "boîte pleine" in html and "quelqu.un@exemple.fr" in html and "autre@exemple.fr" not in html
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("notifications:retry", args=[email.pk]))
    assert answer.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 0)
    assert AuditEntry.objects.filter(object_id=str(email.pk), actor=world.director).exists()
    run_jobs()
    assert [m.to for m in mail.outbox] == [["quelqu.un@exemple.fr"]]
    # Sent: it leaves the page, and a second click changes nothing.
    assert client.post(reverse("notifications:retry", args=[email.pk])).status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_the_sweep_re_enqueues_an_email_whose_job_was_lost(django_capture_on_commit_callbacks):
    email = decide()  # on_commit never ran: as if the process died between the commit and the enqueue
    assert queued_jobs() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert enqueue_due_emails() == 1
        run_jobs()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


# --- Preferences ---------------------------------------------------------------------------------------------


def test_preferences_default_on_and_a_turned_off_kind_is_not_sent(world, django_capture_on_commit_callbacks):
    counsellor = world.counsellor
    counsellor.email = "julie.roche@ml-lyon.fr"
    counsellor.save()
    assert preferences_for(counsellor) == {
        NotificationKind.REFERRAL_RECEIVED: True,
        NotificationKind.REFERRAL_ANSWERED: True,
    }
    NotificationPreference.objects.create(user=counsellor, kind=NotificationKind.REFERRAL_RECEIVED, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(user=counsellor, to="", kind=NotificationKind.REFERRAL_RECEIVED) is None
        answered = decide(user=counsellor, to="", kind=NotificationKind.REFERRAL_ANSWERED)
    assert answered.to == "julie.roche@ml-lyon.fr"
    assert "/compte/notifications/" in answered.body_text  # the e-mail links to the setting
    run_jobs()
    assert len(mail.outbox) == 1


def test_a_kind_not_meant_for_the_role_or_a_user_without_address_gets_nothing(world):
    world.mediator.email = "amina@altm.fr"
    world.mediator.save()
    assert decide(user=world.mediator, to="", kind=NotificationKind.CONVENTION_DEADLINE) is None
    assert decide(user=world.director, to="", kind=NotificationKind.CONVENTION_DEADLINE) is None  # no address
    assert OutgoingEmail.objects.count() == 0


def test_settings_page_saves_choices_and_audits_them(client, world):
    client.force_login(world.manager)
    page = client.get(reverse("notifications:settings"))
    html = page.content.decode()
    assert "Récapitulatif du matin" in html and "préavis des conventions" not in html
    answer = client.post(reverse("notifications:settings"), {"referral_received": "on", "referral_answered": "on"})
    assert answer.status_code == 302
    assert preferences_for(world.manager)[NotificationKind.MANAGER_DIGEST] is False
    assert AuditEntry.objects.filter(actor=world.manager, object_repr__contains="manager_digest").count() == 1
    # A kind the role may not choose is ignored.
    client.post(reverse("notifications:settings"), {"convention_deadline": "on"})
    assert not NotificationPreference.objects.filter(kind="convention_deadline").exists()


def test_pruning_deletes_only_sent_emails_older_than_the_delay():
    old, recent, failed = decide(), decide(), decide()
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=old.pk).update(status=EmailStatus.SENT, sent_at=now - timedelta(days=91))
    OutgoingEmail.objects.filter(pk=recent.pk).update(status=EmailStatus.SENT, sent_at=now - timedelta(days=89))
    OutgoingEmail.objects.filter(pk=failed.pk).update(status=EmailStatus.FAILED, created_at=now - timedelta(days=200))
    assert prune_sent_emails(days=90) == 1
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
