"""One browser journey per role, end to end through the real login form (Playwright on Debian's Chromium).

Each step leaves a screenshot in `artifacts/journeys/<role>-<NN>-<step>.png` (git-ignored) to look at after a run.
The pages' own details (offline outbox, referral form modes, freezing a year…) are proven by the browser tests next
to each app; these journeys prove that a person in each role gets through their day, and only through their own.
"""

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mediation.models import Intervention, InterventionSource
from partners.models import EventKind, Referral, ReferralStatus
from tests.browser import DESK, PHONE, log_in
from tests.mediation.factories import InterventionFactory, RecordedInterventionFactory
from tests.otp import confirmed_device, current_code
from tests.partners.factories import PartnerEventFactory, make_consent, make_convention, make_person, make_referral

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "journeys"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Camera:
    """Numbered screenshots of one role's journey."""

    def __init__(self, page, role: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page, self.role, self.number = page, role, 0

    def __call__(self, step: str, *, full_page: bool = True):
        self.number += 1
        self.page.screenshot(path=ARTIFACTS / f"{self.role}-{self.number:02d}-{step}.png", full_page=full_page)


def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def fits(page, width: int):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"la page déborde : {scroll_width} px pour un écran de {width} px"


def pdf_text(content: bytes, name: str) -> str:
    """The PDF's text (`pdftotext`); the file stays next to the screenshots."""
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


# --- 1. Mediator, on a phone -----------------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=PHONE)
def test_mediator_entry_tally_and_referral_with_consent(page, live_server, world):
    person = make_person(world, alias="Camille")
    shot = Camera(page, "mediator")
    log_in(page, live_server, world.mediator)

    # Quick entry (the mediator's home page): one act, saved once and confirmed on screen.
    expect(page.get_by_role("heading", name="Saisie rapide")).to_be_visible()
    shot("quick-entry", full_page=False)
    listening = world.activity("active_listening")
    page.locator(f"label[for=activity-{listening.pk}]").click()
    page.locator("[data-save]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Enregistré ✓ Écoute active × 1")
    expect(page.locator("[data-outbox-badge]")).to_have_text("✓ Tout est envoyé")
    fits(page, PHONE["width"])
    shot("quick-entry-saved", full_page=False)
    saved = Intervention.objects.get()
    assert (saved.activity_type, saved.count, saved.author, saved.source) == (
        listening,
        1,
        world.mediator,
        InterventionSource.ENTRY,
    )

    # Tally: a few +1; once the badge says everything is sent, one line per activity (count = taps).
    page.get_by_role("link", name="Mode tournée").click()
    reminder = page.locator(f"[data-tally-row='{world.activity('rule_reminder').pk}']")
    watch = page.locator(f"[data-tally-row='{world.activity('social_watch').pk}']")
    reminder.locator("[data-tally-plus]").click()
    reminder.locator("[data-tally-plus]").click()
    watch.locator("[data-tally-plus]").click()
    expect(page.locator("[data-tally-total]")).to_have_text("4")  # the day's counter: the quick entry's act too
    expect(page.locator("[data-outbox-badge]")).to_have_text("✓ Tout est envoyé", timeout=15_000)
    fits(page, PHONE["width"])
    shot("tally-sent", full_page=False)
    tally = Intervention.objects.filter(source=InterventionSource.TALLY)
    assert sorted(tally.values_list("activity_type__code", "count")) == [("rule_reminder", 2), ("social_watch", 1)]

    # Telephone referral to the Mission Locale: refused without the person's consent, in French.
    page.goto(live_server.url + reverse("partners:referral_create"))
    page.check("input[name=mode][value=telephone]")
    page.select_option("select[name=organisation]", label="Mission Locale de Lyon")
    page.select_option("select[name=territory]", label="Lyon 8")
    page.select_option("select[name=person]", value=str(person.pk))
    page.fill("input[name=reason]", "Recherche d'apprentissage")
    page.click("#save-referral")
    expect(page.get_by_text("Refusé : aucun consentement de Camille")).to_be_visible()
    shot("referral-refused")
    assert not Referral.objects.exists()

    # The person agrees: the mediator records the consent (the refusal links to the form, already filled in, with
    # the categories it named ticked), and comes back to the same referral as typed.
    page.get_by_role("link", name="Recueillir son consentement (mandat écrit), puis revenir ici").click()
    expect(page.locator("select[name=person]")).to_have_value(str(person.pk))
    expect(page.locator("select[name=recipient_organisation]")).to_have_value(str(world.organisation.pk))
    expect(page.locator("input[name=categories][value=identity]")).to_be_checked()
    expect(page.locator("input[name=categories][value=referral_reason]")).to_be_checked()
    page.click("main form button[type=submit]")
    expect(page.get_by_text("Consentement enregistré")).to_be_visible()
    fits(page, PHONE["width"])
    shot("consent-recorded")
    assert person.consents.count() == 1

    # The same referral again, nothing re-typed: accepted, one referral and its one activity line.
    expect(page.locator("input[name=reason]")).to_have_value("Recherche d'apprentissage")
    page.click("#save-referral")
    expect(page.get_by_text("Mise en relation enregistrée")).to_be_visible()
    fits(page, PHONE["width"])
    shot("referral-accepted")
    referral = Referral.objects.get()
    assert (referral.person, referral.organisation) == (person, world.organisation)
    referral_lines = Intervention.objects.filter(activity_type__code="referral")
    assert list(referral_lines.values_list("referral", flat=True)) == [referral.pk]
    assert Intervention.objects.count() == 4  # quick entry + two tally lines (three taps) + the referral


# --- 2. Manager, at a desk -------------------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=DESK)
def test_manager_reviews_the_dashboard_and_corrects_an_entry(page, live_server, world):
    today, a, santy = timezone.localdate(), world.territory_a, world.site_a
    mistake = RecordedInterventionFactory(
        territory=a, site=santy, date=today, activity_type__code="rule_reminder", count=2
    )
    RecordedInterventionFactory(territory=a, site=santy, date=today, activity_type__code="active_listening", count=4)
    # Team B's line: not on this manager's pages.
    RecordedInterventionFactory(
        territory=world.territory_b,
        date=today,
        activity_type__code="presence",
        count=7,
        author=world.mediator_other_team,
    )
    shot = Camera(page, "manager")
    log_in(page, live_server, world.manager)

    page.goto(live_server.url + reverse("reporting:team_dashboard"))
    activity = page.locator("#activity")
    benali = activity.locator("tbody tr", has_text="Benali")
    expect(benali).to_be_visible()
    expect(benali.locator("td.fw-semibold")).to_contain_text("6")
    expect(activity).not_to_contain_text("Petit")
    fits(page, DESK["width"])
    shot("dashboard")

    nav(page).get_by_role("link", name="Saisies de l'équipe").click()
    table = page.locator("table")
    expect(table.locator("tbody tr")).to_have_count(2)
    shot("team-list")
    table.locator("tbody tr", has_text="Rappel à la règle").get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", name="Modifier une saisie")).to_be_visible()
    expect(page.locator("#id_count")).to_have_value("2")
    page.fill("#id_count", "3")
    shot("edit")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.get_by_text("Modification enregistrée ✓")).to_be_visible()
    row = page.locator("table tbody tr", has_text="Rappel à la règle")
    expect(row.locator("td.text-end").first).to_have_text("3")
    shot("list-corrected")
    mistake.refresh_from_db()
    assert (mistake.count, mistake.author) == (3, world.mediator)

    row.get_by_role("link", name="Modifier").click()
    history = page.locator("[data-history]")
    expect(history.locator("li", has_text="Sophie Lambert")).to_contain_text("2 → 3")
    shot("history")


# --- 3. Director, at a desk, with the second factor ------------------------------------------------------------


@pytest.mark.two_factor
@pytest.mark.browser_context_args(viewport=DESK)
def test_director_exports_the_evaluation_and_a_partnership_review(page, live_server, world):
    today = timezone.localdate()
    InterventionFactory(
        activity_type__code="round_table", territory=world.territory_a, date=today - timedelta(days=1), count=1838
    )
    # Signed on a 1st of January: the review's convention year (anniversary to anniversary) is this calendar year.
    convention = make_convention(world, signed_on=date(today.year - 1, 1, 1))
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(today.year, 1, 10), site=world.site_a)
    make_referral(world, reason="recherche de formation")
    device = confirmed_device(world.director)
    shot = Camera(page, "director")

    log_in(page, live_server, world.director)
    expect(page.get_by_role("heading", name="Double authentification")).to_be_visible()
    shot("two-factor")
    page.fill("input[name=token]", current_code(device))
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(re.compile(reverse("reporting:overview")))
    shot("overview", full_page=False)

    nav(page).get_by_role("link", name="Évaluation").click()
    row = page.locator('tr.indicator-row[data-code="conflict.round_tables"]')
    expect(row).to_contain_text("1\u202f838")
    shot("evaluation", full_page=False)
    with page.expect_download(timeout=60_000) as download:
        page.locator("a[href*='export.pdf']").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert re.search(r"1\s838", pdf_text(pdf, "director-evaluation")), "1 838 tables rondes absentes du PDF"

    nav(page).get_by_role("link", name="Conventions").click()
    shot("conventions", full_page=False)
    page.get_by_role("link", name="Mission Locale de Lyon", exact=True).click()
    page.get_by_role("link", name=f"Bilan annuel {today.year}").click()
    expect(page.get_by_role("heading", name="Engagements")).to_be_visible()
    shot("partnership-review")
    href = page.locator("a[href$='.pdf']", has_text="PDF").get_attribute("href")
    response = page.request.get(live_server.url + href, timeout=60_000)
    assert response.status == 200, response.status
    review = response.body()
    assert review.startswith(b"%PDF")
    text = pdf_text(review, "director-partnership-review")
    assert "Mission Locale de Lyon" in text
    assert re.search(r"Rencontres[^\n]*\b1\b", text), text


# --- 4. Partner counsellor, on a phone -------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=PHONE)
def test_counsellor_confirms_a_referral_and_reaches_nothing_else(page, live_server, world):
    person = make_person(world, alias="Inès")
    make_consent(world, person)
    ours = make_referral(world, person=person, reason="Recherche d'apprentissage")
    theirs = make_referral(world, organisation=world.other_organisation, reason="prévention")
    own_line = RecordedInterventionFactory(
        territory=world.territory_a, site=world.site_a, date=timezone.localdate(), activity_type__code="rule_reminder"
    )
    shot = Camera(page, "counsellor")

    log_in(page, live_server, world.counsellor)
    expect(page.get_by_role("heading", name="Mises en relation reçues")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("prévention")
    fits(page, PHONE["width"])
    shot("inbox")

    page.get_by_role("link", name=re.compile("Inès")).click()
    page.check("input[name=status][value=taken_in_charge]")
    page.fill("input[name=reason]", "Premier rendez-vous tenu")
    shot("confirm")
    page.click("main form button[type=submit]")
    expect(page.get_by_text("Statut mis à jour")).to_be_visible()
    fits(page, PHONE["width"])
    shot("confirmed")
    ours.refresh_from_db()
    assert ours.status == ReferralStatus.TAKEN_IN_CHARGE

    forbidden = {
        reverse("mediation:team_interventions"): 403,
        reverse("mediation:my_interventions"): 403,
        reverse("mediation:intervention_edit", args=[own_line.pk]): 403,
        reverse("reporting:team_dashboard"): 403,
        reverse("reporting:evaluation"): 403,
        reverse("partners:referral_list"): 403,
        reverse("partners:referral_detail", args=[theirs.pk]): 404,
    }
    seen = {}
    for path in forbidden:
        response = page.goto(live_server.url + path)
        seen[path] = response.status
    shot("refused")
    assert seen == forbidden
    theirs.refresh_from_db()
    assert theirs.status == ReferralStatus.PROPOSED
