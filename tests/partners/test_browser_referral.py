"""Browser journey on a 390-px phone: a telephone referral is refused without consent, accepted with the person's
oral agreement, and the partner counsellor confirms it from their inbox."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mediation.models import Intervention
from partners.models import Consent, Referral, ReferralStatus
from tests.browser import PHONE, log_in
from tests.partners.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def test_telephone_referral_refused_then_accepted_then_confirmed(page, live_server, world):
    person = make_person(world, alias="Camille")
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("partners:referral_create"))
    # Simple mode: nothing about the person is asked.
    expect(page.locator("#div_id_person")).to_be_hidden()
    page.check("input[name=mode][value=telephone]")
    expect(page.locator("#div_id_person")).to_be_visible()
    expect(page.locator("#div_id_counsellor_agreed")).to_be_hidden()
    page.select_option("select[name=organisation]", label="Mission Locale de Lyon")
    page.select_option("select[name=territory]", label="Lyon 8")
    page.select_option("select[name=person]", value=str(person.pk))
    page.fill("input[name=reason]", "Recherche d'apprentissage")
    page.click("#save-referral")
    expect(page.get_by_text("Refusé : aucun consentement de Camille")).to_be_visible()
    expect(page.locator("input[name=reason]")).to_have_value("Recherche d'apprentissage")
    assert not Referral.objects.exists()

    page.check("input[name=oral_consent_now]")
    page.click("#save-referral")
    expect(page.get_by_text("Mise en relation enregistrée")).to_be_visible()
    referral = Referral.objects.get()
    assert Consent.objects.get().person == person
    assert Intervention.objects.get().referral == referral
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "la page déborde à 390 px"

    page.context.clear_cookies()
    log_in(page, live_server, world.counsellor)
    page.goto(live_server.url + reverse("partners:counsellor_home"))
    page.get_by_text("Camille").click()
    page.check("input[name=status][value=taken_in_charge]")
    page.fill("input[name=reason]", "Premier rendez-vous tenu")
    page.click("main form button[type=submit]")
    expect(page.get_by_text("Statut mis à jour")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_IN_CHARGE


def test_refused_referral_comes_back_after_the_consent_without_retyping(page, live_server, world):
    """Refused for want of consent → the written consent, pre-filled → back on the same referral, as typed."""
    person = make_person(world, alias="Camille")
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("partners:referral_create"))
    page.check("input[name=mode][value=telephone]")
    page.select_option("select[name=organisation]", label="Mission Locale de Lyon")
    page.select_option("select[name=territory]", label="Lyon 8")
    page.select_option("select[name=person]", value=str(person.pk))
    page.fill("input[name=reason]", "Recherche d'apprentissage")
    page.click("#save-referral")
    expect(page.locator("#consent-help")).to_be_visible()
    page.get_by_role("link", name="Recueillir son consentement (mandat écrit), puis revenir ici").click()
    # Person, recipient, purpose and the categories the refusal named are already there.
    expect(page.locator("select[name=person]")).to_have_value(str(person.pk))
    expect(page.locator("input[name=categories][value=identity]")).to_be_checked()
    expect(page.locator("input[name=categories][value=referral_reason]")).to_be_checked()
    page.check("input[name=form][value=written]")
    page.get_by_role("button", name="Enregistrer et revenir à la mise en relation").click()
    expect(page.get_by_text("Voici votre mise en relation telle que vous l'aviez saisie")).to_be_visible()
    expect(page.locator("input[name=reason]")).to_have_value("Recherche d'apprentissage")
    expect(page.locator("input[name=mode][value=telephone]")).to_be_checked()
    expect(page.locator("select[name=person]")).to_have_value(str(person.pk))
    page.click("#save-referral")
    expect(page.get_by_text("Mise en relation enregistrée")).to_be_visible()
    referral = Referral.objects.get()
    assert referral.reason == "Recherche d'apprentissage" and referral.person == person
    assert Consent.objects.get().form == "written"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
