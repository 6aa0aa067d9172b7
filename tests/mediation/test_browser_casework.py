"""Browser journeys on a 390-px phone for the case-work pages: a technical report takes its landlord from the
site, and a conflict session double-tapped on a slow phone is saved once."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mediation import services
from mediation.models import (
    ConflictParties,
    ConflictSession,
    Intervention,
    TechnicalReport,
)
from tests.browser import PHONE, log_in
from tests.mediation.factories import LandlordFactory, SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def test_technical_report_takes_the_landlord_of_the_chosen_site(page, live_server, world):
    other = LandlordFactory(name="LMH", full_name="Lyon Métropole Habitat")
    lmh_site = SiteFactory(territory=world.territory_a, name="Caroline Aigle", landlord=other)
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:technical_create"))
    # Sites of other territories are not offered; choosing a site fills its landlord in.
    expect(page.locator(f"select[name=site] option[value='{world.site_b.pk}']")).to_have_count(0)
    page.select_option("select[name=site]", str(lmh_site.pk))
    expect(page.locator("select[name=landlord]")).to_have_value(str(other.pk))
    page.select_option("select[name=site]", str(world.site_a.pk))
    expect(page.locator("select[name=landlord]")).to_have_value(str(world.landlord.pk))
    page.fill("input[name=place]", "Allée 3, hall")
    page.fill("textarea[name=problem]", "Porte de hall bloquée ouverte")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Allée 3, hall")
    report = TechnicalReport.objects.get()
    assert (report.landlord, report.site) == (world.landlord, world.site_a)
    assert Intervention.objects.filter(activity_type__code="tw_transmission").count() == 1


def test_double_tapped_session_is_saved_once(page, live_server, world):
    case, _ = services.open_conflict_case(
        actor=world.mediator,
        title="Conflit de parking",
        territory=world.territory_a,
        parties=ConflictParties.RESIDENTS,
        opened_on=date(2026, 11, 2),
    )
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:conflict_session_add", args=[case.pk]))
    page.check("input[name=kind][value=shuttle]")
    page.fill("textarea[name=outcome]", "Rencontres séparées")
    button = page.locator("main button[type=submit]")
    button.dblclick()
    expect(page.locator("h1")).to_have_text("Conflit de parking")
    assert ConflictSession.objects.count() == 1
    assert Intervention.objects.filter(activity_type__code="shuttle").count() == 1
