"""Browser journeys on a 390-px phone (Playwright + Debian's Chromium): the tally and the quick entry keep what
the mediator taps while the network is cut, and send each line exactly once when it comes back."""

import os
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mediation import services
from mediation.models import Intervention, InterventionSource, TallyTap
from mediation.views.tally import LAST_TAPS
from tests.browser import PHONE, log_in
from tests.mediation.factories import RecordedInterventionFactory

SHOTS = os.environ.get("ALTM_SCREENSHOTS")  # a folder: save screenshots there to look at the pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def row(page, world, code):
    return page.locator(f"[data-tally-row='{world.activity(code).pk}']")


def test_tally_with_the_network_cut_saves_every_tap_once(page, context, live_server, world):
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:tally"))
    badge = page.locator("[data-outbox-badge]")
    expect(badge).to_have_text("✓ Tout est envoyé")

    context.set_offline(True)
    listening, reminder, support = (
        row(page, world, "active_listening"),
        row(page, world, "rule_reminder"),
        row(page, world, "moral_support"),
    )
    for _ in range(3):
        listening.locator("[data-tally-plus]").click()
    reminder.locator("[data-tally-plus]").click()
    reminder.locator("[data-tally-plus]").click()
    page.locator("label[for=split-F]").click()
    support.locator("[data-tally-plus]").click()
    listening.locator("[data-tally-minus]").click()  # takes back an unsent tap: it leaves the queue

    expect(badge).to_have_text("5 en attente d'envoi")
    expect(listening.locator("[data-tally-count]")).to_have_text("2")
    expect(reminder.locator("[data-tally-count]")).to_have_text("2")
    expect(support.locator("[data-tally-count]")).to_have_text("1")
    expect(page.locator("[data-tally-total]")).to_have_text("5")
    expect(page.locator("[data-outbox-list] li")).to_have_count(5)
    expect(page.locator("[data-outbox-status]")).to_contain_text("Hors connexion")
    shot(page, "tally_offline")
    assert Intervention.objects.count() == 0

    # The mediator closes the page before the network comes back: the queue stays on the phone, and goes out
    # as soon as the tally is opened again with the network.
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(live_server.url + reverse("mediation:tally"))
    badge = page.locator("[data-outbox-badge]")
    listening, reminder = row(page, world, "active_listening"), row(page, world, "rule_reminder")
    expect(badge).to_have_text("✓ Tout est envoyé", timeout=15_000)
    expect(listening.locator("[data-tally-count]")).to_have_text("2")
    shot(page, "tally_sent")

    lines = Intervention.objects.filter(author=world.mediator)
    assert lines.count() == 3  # one line per activity (its count = the taps), not one per tap
    assert TallyTap.objects.filter(undone_at__isnull=True).count() == 5  # each tap kept once, with its UUID
    assert {line.source for line in lines} == {InterventionSource.TALLY}
    by_code = {}
    for line in lines.select_related("activity_type"):
        by_code[line.activity_type.code] = by_code.get(line.activity_type.code, 0) + line.count
    assert by_code == {"active_listening": 2, "rule_reminder": 2, "moral_support": 1}
    support_line = lines.get(activity_type__code="moral_support")
    assert (support_line.women, support_line.men, support_line.unknown) == (1, 0, 0)
    assert all(line.date == timezone.localdate() and line.team == world.team_a for line in lines)

    # −1 on a tap already sent asks the server to undo that tap: its line loses one.
    reminder.locator("[data-tally-minus]").click()
    expect(reminder.locator("[data-tally-count]")).to_have_text("1")
    expect(badge).to_have_text("✓ Tout est envoyé", timeout=15_000)
    assert lines.get(activity_type__code="rule_reminder").count == 1
    assert sum(line.count for line in Intervention.objects.all()) == 4

    # A new patrol restarts the patrol counter; the day's counts stay.
    expect(page.locator("[data-patrol-total]")).to_have_text("4")
    page.locator("[data-new-patrol]").click()
    expect(page.locator("[data-patrol-total]")).to_have_text("0")
    listening.locator("[data-tally-plus]").click()
    expect(page.locator("[data-patrol-total]")).to_have_text("1")
    expect(page.locator("[data-tally-total]")).to_have_text("5")
    expect(badge).to_have_text("✓ Tout est envoyé", timeout=15_000)
    shot(page, "tally_new_patrol")
    assert sum(line.count for line in Intervention.objects.all()) == 5
    assert Intervention.objects.count() == 3


def test_quick_entry_on_a_phone(page, context, live_server, world):
    RecordedInterventionFactory(
        author=world.mediator, date=timezone.localdate(), territory=world.territory_a, site=world.site_a
    )
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:entry"))
    expect(page.locator("[data-context-summary]")).to_have_text("Aujourd'hui · Lyon 8 · Santy")
    badge = page.locator("[data-outbox-badge]")
    expect(badge).to_have_text("✓ Tout est envoyé")

    # A common act: the activity, the count (+ twice), save.
    listening = world.activity("active_listening")
    page.locator(f"label[for=activity-{listening.pk}]").click()
    expect(page.locator("[data-extra=mode]")).to_be_hidden()
    page.locator("#div_id_count [data-step='1']").click()
    page.locator("#div_id_count [data-step='1']").click()
    page.locator("[data-save]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Enregistré ✓ Écoute active × 3 · Santy")
    shot(page, "entry_saved")
    line = Intervention.objects.get(activity_type=listening)
    assert (line.count, line.site, line.source) == (3, world.site_a, InterventionSource.ENTRY)
    expect(page.locator("#id_count")).to_have_value("1")  # ready for the next act

    # A referral asks for its mode: refused in French next to the field, the choice stays in the form.
    referral = world.activity("referral")
    page.locator(f"label[for=activity-{referral.pk}]").click()
    expect(page.locator("[data-extra=mode]")).to_be_visible()
    shot(page, "entry_referral")
    page.locator("[data-save]").click()
    expect(page.locator("[data-error-for=mode]")).to_have_text("Choisissez la modalité de la mise en relation.")
    expect(page.locator(f"#activity-{referral.pk}")).to_be_checked()
    expect(badge).to_have_text("✓ Tout est envoyé")
    shot(page, "entry_error")
    # A telephone referral tells the partner who the person is: only the referral workflow (with the consent).
    page.locator("label[for=mode-telephone]").click()
    page.locator("[data-save]").click()
    expect(page.locator("[data-error-for=mode]")).to_contain_text("Nouvelle mise en relation")
    page.locator("label[for=mode-simple]").click()
    page.locator("[data-save]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Enregistré ✓ Mise en relation × 1")
    assert Intervention.objects.get(activity_type=referral).mode == "simple"

    # Without network: kept on the phone, sent once when the network is back.
    context.set_offline(True)
    reminder = world.activity("rule_reminder")
    page.locator(f"label[for=activity-{reminder.pk}]").click()
    page.locator("[data-save]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Gardé sur ce téléphone")
    expect(badge).to_have_text("1 en attente d'envoi")
    shot(page, "entry_offline")
    assert not Intervention.objects.filter(activity_type=reminder).exists()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge).to_have_text("✓ Tout est envoyé", timeout=15_000)
    assert Intervention.objects.filter(activity_type=reminder).count() == 1


def test_an_entry_refused_later_stays_pending_with_its_french_error(page, context, live_server, world):
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:entry"))
    badge = page.locator("[data-outbox-badge]")
    expect(badge).to_have_text("✓ Tout est envoyé")
    context.set_offline(True)
    reminder = world.activity("rule_reminder")
    page.locator(f"label[for=activity-{reminder.pk}]").click()
    page.fill("#id_count", "0")  # typed by mistake; only the server checks it
    page.get_by_text("Personnes rencontrées et note (facultatif)").click()
    page.fill("#id_note", "Groupe devant le collège")
    page.locator("[data-save]").click()
    expect(badge).to_have_text("1 en attente d'envoi")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    item = page.locator("[data-outbox-list] li")
    expect(item).to_contain_text("Au moins 1 acte.", timeout=15_000)
    expect(badge).to_have_text("1 en attente d'envoi")  # refused, not lost
    shot(page, "entry_refused")
    assert not Intervention.objects.exists()

    # "Corriger" puts it back in the form, the error next to the count, the note still there.
    item.get_by_role("button", name="Corriger").click()
    expect(page.locator("[data-error-for=count]")).to_have_text("Au moins 1 acte.")
    expect(page.locator("#id_note")).to_have_value("Groupe devant le collège")
    expect(badge).to_have_text("✓ Tout est envoyé")
    page.fill("#id_count", "2")
    page.locator("[data-save]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Enregistré ✓ Rappel à la règle × 2")
    line = Intervention.objects.get()
    assert (line.count, line.note) == (2, "Groupe devant le collège")


def test_a_long_day_counts_every_tap_and_minus_reaches_the_older_ones(page, live_server, world):
    """The page lists the day's last taps and sums the older ones: counts, public and −1 still cover the day."""

    def tap(code, **extra):
        services.record_tally_tap(
            actor=world.mediator,
            uuid=uuid.uuid4(),
            date=timezone.localdate(),
            territory=world.territory_a,
            site=world.site_a,
            activity_type=world.activity(code),
            **extra,
        )

    tap("active_listening", women=1)  # older than every listed tap
    for _ in range(LAST_TAPS):
        tap("rule_reminder")
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:tally"))
    listening, reminder = row(page, world, "active_listening"), row(page, world, "rule_reminder")
    expect(listening.locator("[data-tally-count]")).to_have_text("1")
    expect(reminder.locator("[data-tally-count]")).to_have_text(str(LAST_TAPS))
    expect(page.locator("[data-tally-total]")).to_have_text(str(LAST_TAPS + 1))
    expect(page.locator("[data-tally-public]")).to_have_text("(1 F)")
    expect(page.locator("[data-patrol-total]")).to_have_text(str(LAST_TAPS + 1))

    page.locator("[data-new-patrol]").click()
    expect(page.locator("[data-patrol-total]")).to_have_text("0")
    # The older tap is not on the page: −1 goes through the server's form, which takes it back.
    listening.locator("[data-tally-minus]").click()
    expect(page.locator(".alert, .toast").filter(has_text="Annulé")).to_have_count(1)
    expect(listening.locator("[data-tally-count]")).to_have_text("0")
    expect(page.locator("[data-tally-total]")).to_have_text(str(LAST_TAPS))
    assert TallyTap.objects.filter(undone_at__isnull=False).count() == 1
    # The patrol counter survives the reload and still starts from where it was.
    expect(page.locator("[data-patrol-total]")).to_have_text("0")
    reminder.locator("[data-tally-plus]").click()
    expect(page.locator("[data-patrol-total]")).to_have_text("1")
