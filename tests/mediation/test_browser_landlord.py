"""Browser journey on a 390-px phone: the landlord opens the link of its report, is told what is missing, plans a
date, then resolves it; the mediator sees the answer under the landlord's name."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mediation import services
from mediation.landlord_links import link_path
from mediation.models import TechnicalReportStatus
from tests.browser import PHONE, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def test_landlord_plans_then_resolves_from_its_link_without_an_account(page, live_server, world):
    report, _ = services.record_technical_report(
        actor=world.mediator,
        territory=world.territory_a,
        site=world.site_a,
        place="Allée 4, 3e étage",
        equipment="Garde-corps",
        problem="Garde-corps descellé",
        reported_on=timezone.localdate() - timedelta(days=2),
    )
    page.goto(live_server.url + link_path(report))
    expect(page.get_by_text("Garde-corps descellé")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "la page déborde à 390 px"

    planned = timezone.localdate() + timedelta(days=5)
    page.fill("input[name=planned_on]", planned.isoformat())
    page.get_by_role("button", name="Enregistrer la date").click()
    expect(page.get_by_text("la date prévue est enregistrée")).to_be_visible()

    page.get_by_role("button", name="Marquer comme résolu").click()
    expect(page.get_by_text("Décrivez en quelques mots ce qui a été fait.")).to_be_visible()
    page.fill("textarea[name=comment]", "Garde-corps rescellé par l'entreprise.")
    page.get_by_role("button", name="Marquer comme résolu").click()
    expect(page.get_by_text("Ce signalement est résolu depuis le")).to_be_visible()
    report.refresh_from_db()
    assert report.status == TechnicalReportStatus.RESOLVED
    assert report.landlord_planned_on == planned

    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.get_by_text("Garde-corps rescellé par l'entreprise.").first).to_be_visible()
