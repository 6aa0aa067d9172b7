"""What the landlord receives by itself: a danger at once, its weekly synthesis on its day, reminders."""

import html
import re
import subprocess
from contextlib import contextmanager
from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from altm.models import AuditEntry, NotificationPreference
from mediation import services
from mediation.models import LandlordDispatch, TechnicalReportStatus, Weekday
from tests.clock import frozen
from tests.jobs import queued_jobs, run_jobs
from tests.mediation.factories import LandlordFactory

MONDAY = date(2026, 11, 23)  # the week of yesterday, sent on Monday 30/11: 2026-W48
SEND_DAY = date(2026, 11, 30)

pytestmark = frozen(date(2026, 11, 26))


def make_report(world, *, place="Hall B", reported_on=MONDAY, actor=None, **extra):
    created, _ = services.record_technical_report(
        actor=actor or world.mediator,
        territory=world.territory_a,
        site=world.site_a,
        place=place,
        problem=extra.pop("problem", "Garde-corps descellé au 3e étage"),
        reported_on=reported_on,
        **extra,
    )
    return created


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """What runs inside is committed (on-commit callbacks run), then the worker sends what it queued."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_jobs()

    return run


def links(message) -> list[str]:
    return re.findall(rf"{re.escape(settings.SITE_URL)}(/bailleur/signalement/\d+/[^\s/]+/)", message.body)


def test_a_danger_is_sent_at_once_on_commit_and_once(world, sending):
    with sending():
        report = make_report(world, is_danger=True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["veille@glh.invalid"]
    assert message.subject == "[ALTM] DANGER signalé : Hall B (Santy)"
    assert "Garde-corps descellé" in message.body and len(links(message)) == 1
    assert "Garde-corps descellé" in message.alternatives[0][0]
    report.refresh_from_db()
    assert report.danger_sent_at is not None
    assert report.status == TechnicalReportStatus.TRANSMITTED and report.transmitted_on == date(2026, 11, 26)
    assert AuditEntry.objects.for_object(report).filter(actor_name="Envoi automatique au bailleur").count() == 1
    # Decided again (a retry): nothing more.
    with sending():
        assert services.send_danger_report(report_pk=report.pk) is False
    assert len(mail.outbox) == 1


def test_a_danger_rolled_back_is_never_sent(world, sending):
    with sending():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_report(world, is_danger=True)
            raise RuntimeError("the request failed after the save")
    assert queued_jobs() == [] and mail.outbox == []


def test_no_danger_no_address_no_mail(world, sending):
    silent = LandlordFactory(name="Sans adresse", email="")
    with sending():
        make_report(world)
        make_report(world, place="Cave", is_danger=True, landlord=silent)
    assert mail.outbox == []


def test_weekly_synthesis_goes_on_the_landlords_day_with_its_pdf_and_links(world, client, tmp_path, sending):
    with sending():
        make_report(world, place="Hall B", is_danger=True)
        make_report(world, place="Parking", reported_on=MONDAY + timedelta(days=2), problem="Barrière cassée")
    LandlordFactory(name="Alliade", email="alliade@example.invalid", synthesis_weekday=Weekday.FRIDAY)
    mail.outbox.clear()

    out = StringIO()
    with sending():
        call_command("send_landlord_syntheses", date="2026-11-29", stdout=out)  # a Sunday: nobody's day
    assert mail.outbox == [] and "Aucune synthèse" in out.getvalue()

    with sending():
        call_command("send_landlord_syntheses", date=SEND_DAY.isoformat(), stdout=out)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["veille@glh.invalid"]
    assert "2026-W48" in message.subject
    assert "Barrière cassée" in message.body and "[DANGER]" in message.body
    assert len(links(message)) == 2
    filename, pdf, mimetype = message.attachments[0]
    assert filename == "veille-technique-glh-2026-W48.pdf" and mimetype == "application/pdf"
    path = tmp_path / "synthese.pdf"
    path.write_bytes(pdf)
    pdf_text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Barrière cassée" in pdf_text and "Répondre à ce signalement" in pdf_text

    # Run again the same day, or later that week: the landlord has had this week's synthesis.
    with sending():
        call_command("send_landlord_syntheses", date=SEND_DAY.isoformat(), stdout=out)
        call_command("send_landlord_syntheses", date=(SEND_DAY + timedelta(days=1)).isoformat(), stdout=out)
    assert len(mail.outbox) == 1
    assert LandlordDispatch.objects.filter(kind="synthesis").count() == 1


def test_a_link_from_the_synthesis_email_resolves_the_report_without_logging_in(world, client, sending):
    """The issue's "done when": the landlord answers from the e-mail, the mediators and the next synthesis see it."""
    report = make_report(world, place="Parking", problem="Barrière cassée")
    with sending():
        call_command("send_landlord_syntheses", date=SEND_DAY.isoformat(), stdout=StringIO())
    (path,) = links(mail.outbox[-1])
    response = client.post(path, {"answer": "resolve", "comment": "Barrière remplacée le 1er décembre."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == TechnicalReportStatus.RESOLVED
    entry = AuditEntry.objects.for_object(report).order_by("-at", "-id").first()
    assert entry.actor_name == "GLH (bailleur, lien signé)" and entry.actor_id is None

    with sending():
        call_command("send_landlord_syntheses", date=(SEND_DAY + timedelta(days=7)).isoformat(), stdout=StringIO())
    next_week = mail.outbox[-1]
    assert "2026-W49" in next_week.subject
    assert "Barrière remplacée le 1er décembre." in next_week.body
    assert links(next_week) == []  # resolved: nothing left to answer


def test_reminders_follow_the_threshold_of_each_danger_level(world, settings, sending):
    settings.ALTM_TECHNICAL_REMINDER_DAYS = {"danger": 7, "other": 30}
    today = date(2026, 11, 26)
    danger = make_report(world, place="Garde-corps", reported_on=today - timedelta(days=7), is_danger=True)
    young = make_report(world, place="Boîtes aux lettres", reported_on=today - timedelta(days=29))
    old = make_report(world, place="Porte de cave", reported_on=today - timedelta(days=30))
    mail.outbox.clear()

    with sending():
        sent = services.send_reminders(today=today)
    assert [(landlord.name, count) for landlord, count in sent] == [("GLH", 2)]
    message = mail.outbox[-1]
    body = html.unescape(message.body)
    assert message.subject == "[ALTM] Relance : 2 signalements en attente de résolution"
    assert "Garde-corps" in body and "Porte de cave" in body and "Boîtes aux lettres" not in body
    assert "ouvert depuis 7 jours" in body and "ouvert depuis 30 jours" in body
    assert len(links(message)) == 2
    for report in (danger, old):
        report.refresh_from_db()
        assert report.reminded_on == today
    young.refresh_from_db()
    assert young.reminded_on is None

    assert services.send_reminders(today=today) == []  # the same day again: nothing
    assert [count for _l, count in services.send_reminders(today=today + timedelta(days=1))] == [1]  # the young one
    assert services.send_reminders(today=today + timedelta(days=6)) == []  # the danger waits its 7 days
    assert [count for _l, count in services.send_reminders(today=today + timedelta(days=7))] == [1]


def test_resolved_reports_are_never_reminded(world):
    report = make_report(world, reported_on=date(2026, 10, 1), is_danger=True)
    services.answer_as_landlord(landlord=world.landlord, report=report, answer="resolve", comment="Fait.")
    mail.outbox.clear()
    assert services.send_reminders(today=date(2026, 11, 26)) == []
    assert mail.outbox == []


def test_commands_refuse_a_bad_date_in_french(world):
    for command in ("send_landlord_syntheses", "send_technical_reminders"):
        with pytest.raises(CommandError, match="AAAA-MM-JJ"):
            call_command(command, date="30/11/2026")


def with_addresses(*users):
    for user in users:
        user.email = f"{user.username}@altm.invalid"
        user.save(update_fields=["email"])


def test_the_team_hears_that_its_danger_went_to_the_landlord_unless_it_chose_not_to(world, sending):
    with_addresses(world.mediator, world.manager, world.mediator_other_team)
    NotificationPreference.objects.create(user=world.manager, kind="technical_danger", enabled=False)
    with sending():
        report = make_report(world, is_danger=True)
    to_team = [m for m in mail.outbox if m.to != ["veille@glh.invalid"]]
    assert [m.to for m in to_team] == [[world.mediator.email]]
    assert to_team[0].subject == "[ALTM] Danger transmis à GLH"
    assert f"{settings.SITE_URL}{report.get_absolute_url()}" in to_team[0].body
    assert "/bailleur/" not in to_team[0].body  # the landlord's link stays the landlord's


def test_the_team_hears_of_the_reminders_of_its_reports(world, sending):
    with_addresses(world.mediator, world.manager, world.mediator_other_team)
    make_report(world, place="Porte de cave", reported_on=date(2026, 10, 1))
    mail.outbox.clear()
    with sending():
        services.send_reminders(today=date(2026, 11, 26))
    to_team = {tuple(m.to): m for m in mail.outbox if m.to != ["veille@glh.invalid"]}
    assert set(to_team) == {(world.mediator.email,), (world.manager.email,)}
    assert "ouvert depuis 56 jours" in to_team[(world.mediator.email,)].body
