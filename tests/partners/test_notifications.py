"""Referral and convention e-mails: who gets them, what they say (no personal data), preferences, and one real
SMTP delivery end to end."""

import email
import email.policy
import io
import socket
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from altm.models import NotificationPreference, OutgoingEmail
from altm.notifications import NotificationKind
from mediation.models import Gender, ReferralMode
from partners.models import ReferralStatus, RefusalReason
from partners.notifications import deadline_step, notify_convention_deadlines
from partners.services import record_incoming_referral, update_referral_status
from tests.jobs import run_jobs
from tests.partners.factories import make_convention, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def addresses(world):
    for user, address in [
        (world.mediator, "amina.benali@altm.fr"),
        (world.manager, "sophie.lambert@altm.fr"),
        (world.counsellor, "julie.roche@ml-lyon.fr"),
        (world.counsellor_other_org, "paul.martin@adsea69.fr"),
        (world.director, "direction@altm.fr"),
    ]:
        user.email = address
        user.save(update_fields=["email"])
    return world


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_a_referral_to_the_mission_locale_emails_its_counsellor_without_personal_data(
    addresses, django_capture_on_commit_callbacks
):
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(world, reason="recherche de formation en cuisine")
    run_jobs()
    [message] = sent_to("julie.roche@ml-lyon.fr")
    assert message.subject == f"[ALTM] Nouvelle mise en relation téléphonique du {referral.date:%d/%m/%Y}"
    assert "Amina Benali (Équipe Lyon 8) vous adresse une mise en relation téléphonique" in message.body
    assert f"http://127.0.0.1:8000/partenaires/mises-en-relation/{referral.pk}/" in message.body
    assert "parce qu'une mise en relation est adressée à votre organisation (Mission Locale de Lyon)" in message.body
    html = message.alternatives[0][0]
    for personal in ("Yanis", "2004", "cuisine"):
        assert personal not in message.body and personal not in html
    assert sent_to("paul.martin@adsea69.fr") == []  # another organisation hears nothing
    assert sent_to("amina.benali@altm.fr") == []  # nor the author


def test_the_counsellors_refusal_emails_the_mediator_with_the_listed_reason_only(
    addresses, client, django_capture_on_commit_callbacks
):
    world = addresses
    referral = make_referral(world)
    client.force_login(world.counsellor)
    url = reverse("partners:referral_status", args=[referral.pk])
    # "Other" needs the details; nothing is saved or sent until the form is right.
    answer = client.post(url, {"status": "not_followed", "refusal_reason": "other"})
    assert answer.status_code == 400 and "Précisez le motif." in answer.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url, {"status": "not_followed", "refusal_reason": "unreachable", "reason": "Yanis ne répond pas au 06"}
        )
    assert answer.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.refusal_reason) == (ReferralStatus.NOT_FOLLOWED, RefusalReason.UNREACHABLE)
    run_jobs()
    [message] = sent_to("amina.benali@altm.fr")
    assert (
        message.subject == f"[ALTM] Mise en relation du {referral.date:%d/%m/%Y} : refusée par Mission Locale de Lyon"
    )
    assert "Motif : Personne injoignable." in message.body
    assert "Le détail est dans l'application." in message.body
    assert "Yanis" not in message.body and "06" not in message.body
    assert "parce que vous avez fait cette mise en relation" in message.body
    assert "http://127.0.0.1:8000/compte/notifications/" in message.body


def test_taken_in_charge_tells_the_mediator(addresses, django_capture_on_commit_callbacks):
    world = addresses
    referral = make_referral(world)
    with django_capture_on_commit_callbacks(execute=True):
        update_referral_status(actor=world.counsellor, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE)
    run_jobs()
    [message] = sent_to("amina.benali@altm.fr")
    assert "prise en charge par Mission Locale de Lyon" in message.subject
    assert "confirme la prise en charge" in message.body


def test_turned_off_notifications_are_not_sent(addresses, django_capture_on_commit_callbacks):
    world = addresses
    NotificationPreference.objects.create(
        user=world.counsellor, kind=NotificationKind.REFERRAL_RECEIVED, enabled=False
    )
    NotificationPreference.objects.create(user=world.mediator, kind=NotificationKind.REFERRAL_ANSWERED, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(world)
        update_referral_status(actor=world.counsellor, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE)
    run_jobs()
    assert mail.outbox == [] and OutgoingEmail.objects.count() == 0


def test_a_young_person_referred_to_the_agency_emails_the_team_and_the_answer_the_counsellor(
    addresses, django_capture_on_commit_callbacks
):
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):
        referral, _created = record_incoming_referral(
            actor=world.counsellor,
            organisation=world.organisation,
            date=timezone.localdate(),
            mode=ReferralMode.TELEPHONE,
            territory=world.territory_a,
            alias="Dylan",
            birth_year=2006,
            gender=Gender.MAN,
            reason="conflit de voisinage",
            person_agreed=True,
        )
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == ["amina.benali@altm.fr", "sophie.lambert@altm.fr"]
    assert "Mission Locale de Lyon oriente une personne vers Équipe Lyon 8" in mail.outbox[0].body
    assert "Dylan" not in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update_referral_status(
            actor=world.manager,
            referral=referral,
            status=ReferralStatus.NOT_FOLLOWED,
            refusal_reason=RefusalReason.ALREADY_FOLLOWED,
        )
    run_jobs()
    [message] = mail.outbox
    assert message.to == ["julie.roche@ml-lyon.fr"]
    assert "Motif : Déjà accompagnée par ailleurs." in message.body


# --- One real SMTP server -------------------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller checks its own port by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield inbox
    finally:
        controller.stop()


def test_a_referral_and_its_answer_go_through_a_real_smtp_server(
    addresses, client, smtp_server, django_capture_on_commit_callbacks
):
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(world)
    client.force_login(world.counsellor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("partners:referral_status", args=[referral.pk]),
            {"status": "taken_in_charge", "reason": "Premier rendez-vous le 8"},
        )
    assert run_jobs() == 2
    assert OutgoingEmail.objects.filter(status="sent").count() == 2
    received = {
        tuple(rcpt): email.message_from_bytes(raw, policy=email.policy.default)
        for _f, rcpt, raw in smtp_server.messages
    }
    assert set(received) == {("julie.roche@ml-lyon.fr",), ("amina.benali@altm.fr",)}
    to_counsellor = received[("julie.roche@ml-lyon.fr",)]
    assert str(to_counsellor["Subject"]).strip().startswith("[ALTM] Nouvelle mise en relation téléphonique")
    assert to_counsellor["Auto-Submitted"] == "auto-generated"
    text = to_counsellor.get_body(("plain",)).get_content()
    html = to_counsellor.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:8000/partenaires/mises-en-relation/{referral.pk}/"
    assert link in text and f'href="{link}"' in html
    assert "Yanis" not in text and "Yanis" not in html
    to_mediator = received[("amina.benali@altm.fr",)]
    assert "prise en charge par Mission Locale de Lyon" in to_mediator["Subject"]
    assert "Premier rendez-vous" not in to_mediator.get_body(("plain",)).get_content()


# --- Conventions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days_left, step", [(61, None), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)]
)
def test_deadline_steps(days_left, step):
    assert deadline_step(days_left) == step


def test_directors_hear_of_notice_deadlines_at_60_30_and_7_days_once_each(
    addresses, django_capture_on_commit_callbacks
):
    world = addresses
    convention = make_convention(world, signed_on=date(2026, 3, 1))  # term 01/03/2027, notice by 01/01/2027
    deadline = convention.schedule(date(2026, 12, 1)).notice_deadline
    sent_days = []
    for day in [deadline - timedelta(days=n) for n in (61, 60, 59, 30, 29, 7, 6, 0, -1)]:
        with django_capture_on_commit_callbacks(execute=True):
            if notify_convention_deadlines(today=day):
                sent_days.append((deadline - day).days)
            assert notify_convention_deadlines(today=day) == 0  # a re-run the same day sends nothing
    assert sent_days == [60, 30, 7]
    run_jobs()
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {"direction@altm.fr"}
    assert f"au plus tard le {deadline:%d/%m/%Y}, dans 7 jours" in mail.outbox[-1].body


def test_the_commands_of_the_schedule_are_safe_to_re_run(addresses, django_capture_on_commit_callbacks):
    world = addresses
    make_convention(world, signed_on=timezone.localdate() - timedelta(days=300), duration_months=12)
    outputs = []
    with django_capture_on_commit_callbacks(execute=True):
        for _run in range(2):
            out = io.StringIO()
            call_command("send_convention_alerts", stdout=out)
            outputs.append(out.getvalue())
    assert outputs == ["1 rappel(s) mis dans la file d'envoi.\n", "0 rappel(s) mis dans la file d'envoi.\n"]
    out = io.StringIO()
    call_command("send_pending_emails", "--prune", stdout=out)
    assert out.getvalue() == "0 e-mail(s) remis dans la file.\n0 e-mail(s) envoyé(s) supprimé(s).\n"
