"""The field app in a dead zone (Playwright + Debian's Chromium, 390 × 844): after one visit with network, the
field pages open with the network cut (service worker), every kind of submission waits on the phone, a session
that expired meanwhile asks for a new login that comes back to the page, and everything reaches the server once.
At logout the queue and the copied pages leave the phone."""

import io
import os

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image
from playwright.sync_api import expect

from mediation import services
from mediation.models import (
    ConflictParties,
    ConflictSession,
    FollowUpContact,
    FollowUpKind,
    Intervention,
    InterventionSource,
    TallyTap,
    TechnicalReport,
)
from tests.accounts.factories import PASSWORD
from tests.browser import PHONE, cut_network, log_in, restore_network, wait_offline_ready
from tests.mediation.test_photos import jpeg_with_gps

SHOTS = os.environ.get("ALTM_SCREENSHOTS")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.service_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def go(page, live_server, path):
    page.goto(live_server.url + path)


def casework(world):
    day = timezone.localdate()
    case, _created = services.open_conflict_case(
        actor=world.mediator,
        title="Nuisances sonores bâtiment C",
        territory=world.territory_a,
        parties=ConflictParties.RESIDENTS,
        opened_on=day,
    )
    followup, _created = services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.ISOLATED,
        team=world.team_a,
        started_on=day,
        new_person={"alias": "Mme R.", "birth_year": 1950, "gender": "F", "territory": world.territory_a},
    )
    return case, followup


def test_a_shift_in_a_dead_zone_reaches_the_server_once(page, context, live_server, world):
    case, followup = casework(world)
    lines_before = Intervention.objects.count()  # the case work's own lines, recorded with network
    # The one earlier visit with network: the log-in, which lands on the quick entry.
    log_in(page, live_server, world.mediator)
    wait_offline_ready(page)

    cut_network(context)
    banner = page.locator("[data-offline-banner]")

    # The tally opens without network and records three taps.
    go(page, live_server, reverse("mediation:tally"))
    listening = page.locator(f"[data-tally-row='{world.activity('active_listening').pk}']")
    for _ in range(3):
        listening.locator("[data-tally-plus]").click()
    expect(listening.locator("[data-tally-count]")).to_have_text("3")
    expect(banner).to_contain_text("Hors connexion")
    expect(banner).to_contain_text("3 envois en attente")
    shot(page, "offline_tally")

    # The quick entry opens without network: two entries.
    go(page, live_server, reverse("mediation:entry"))
    for code in ("rule_reminder", "moral_support"):
        page.locator(f"label[for=activity-{world.activity(code).pk}]").click()
        page.locator("[data-save]").click()
        expect(page.locator("[data-confirm-toast]")).to_contain_text("Gardé sur ce téléphone")
    expect(banner).to_contain_text("5 envois en attente")
    shot(page, "offline_entry")

    # A follow-up contact (the follow-up's page was fetched with "Mes suivis").
    go(page, live_server, followup.get_absolute_url())
    contact = page.locator("form[data-contact-form]")
    contact.locator("[name=kind]").select_option("phone")
    contact.locator("[name=note]").fill("Appel : va mieux, rappeler lundi")
    contact.locator("[type=submit]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Gardé sur ce téléphone")

    # A meeting of the conflict case.
    go(page, live_server, reverse("mediation:conflict_session_add", args=[case.pk]))
    page.locator("label[for=id_kind_0]").click()
    page.locator("[name=outcome]").fill("Calme revenu")
    page.locator("form[data-offline-form] [type=submit]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Gardé sur ce téléphone")

    # A technical report with a photo straight from the camera (GPS in its EXIF).
    go(page, live_server, reverse("mediation:technical_create"))
    page.locator("[name=site]").select_option(str(world.site_a.pk))
    page.locator("[name=place]").fill("Allée 3, hall")
    page.locator("[name=problem]").fill("Porte de hall arrachée")
    photo = jpeg_with_gps()
    page.locator("[name=photo]").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    expect(page.locator("img.photo-preview")).to_be_visible()
    page.locator("form[data-offline-form] [type=submit]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Gardé sur ce téléphone")
    expect(banner).to_contain_text("8 envois en attente")
    expect(page.locator("[data-outbox-list] li")).to_have_count(8)
    shot(page, "offline_technical")
    # Nothing typed offline is on the server yet. (Chromium's offline emulation sometimes lets one queued request of a
    # page the service worker has just opened reach the server while its answer is lost: the item stays queued, as on
    # a flaky network, and its replay must not count twice — the exactly-once check after reconnection says so.)
    assert not TechnicalReport.objects.exists()
    leaked = Intervention.objects.count() - lines_before
    assert leaked <= 1

    # Meanwhile the session expired on the server. The network comes back: nothing is lost, no raw 403.
    Session.objects.all().delete()
    restore_network(context, page)
    login_link = banner.get_by_role("link", name="Reconnectez-vous pour envoyer")
    expect(login_link).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("Session expirée")
    expect(page.locator("body")).not_to_contain_text("403")
    shot(page, "offline_session_expired")
    assert Intervention.objects.count() == lines_before + leaked  # nothing sent without a session

    # A new login comes back to the page, and the queue goes out.
    login_link.click()
    page.fill("input[name=username]", world.mediator.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("mediation:technical_create"))
    expect(page.locator("[data-outbox-badge]")).to_have_text("✓ Tout est envoyé", timeout=20_000)
    expect(banner).to_be_hidden()

    def state():
        lines = Intervention.objects.filter(author=world.mediator)
        return {
            # Taps add up on one line per activity: the acts they count, and the taps received once each.
            "tally": sum(lines.filter(source=InterventionSource.TALLY).values_list("count", flat=True)),
            "taps": TallyTap.objects.filter(author=world.mediator, undone_at__isnull=True).count(),
            "entry": lines.filter(source=InterventionSource.ENTRY).count(),
            "contacts": FollowUpContact.objects.filter(followup=followup).count(),
            "sessions": ConflictSession.objects.filter(case=case).count(),
            "reports": TechnicalReport.objects.count(),
        }

    expected = {"tally": 3, "taps": 3, "entry": 2, "contacts": 1, "sessions": 1, "reports": 1}
    assert state() == expected
    report = TechnicalReport.objects.get()
    assert report.place == "Allée 3, hall"
    with report.photos.get().image.open("rb") as handle:
        with Image.open(io.BytesIO(handle.read())) as image:
            assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
            assert len(image.getexif()) == 0

    # Reloading every page with network sends nothing twice.
    for name in ("mediation:tally", "mediation:entry"):
        go(page, live_server, reverse(name))
        expect(page.locator("[data-outbox-badge]")).to_have_text("✓ Tout est envoyé")
    assert state() == expected

    # Logout: everything was sent, so this user's queue and the copied pages leave the phone.
    page.locator("#menu").evaluate("el => el.classList.add('show')")
    page.locator(".dropdown-toggle").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("input[name=password]")).to_be_visible()
    leftovers = page.evaluate(
        """async () => ({
            keys: Object.keys(localStorage).filter((k) => k.startsWith('altm-')),
            pages: await caches.has('altm-pages'),
        })"""
    )
    assert leftovers == {"keys": [], "pages": False}


def test_a_page_never_opened_says_so_without_network(page, context, live_server, world):
    log_in(page, live_server, world.mediator)
    go(page, live_server, reverse("mediation:entry"))
    wait_offline_ready(page)
    cut_network(context)
    go(page, live_server, reverse("mediation:technical_list"))  # not a field page: never copied
    expect(page.locator("h1")).to_have_text("Hors connexion")
    expect(page.get_by_role("link", name="Saisie", exact=True)).to_be_visible()
    restore_network(context)
