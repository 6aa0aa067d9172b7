"""At 390 x 844 (a phone), the mediator's commonest activity is in the viewport on the quick entry, above the sticky
save bar (not under it), and on the tally; the count beside "Enregistrer" is labelled."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import PHONE, log_in
from tests.mediation.factories import RecordedInterventionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def fully_visible_above(page, locator, bar_selector=None) -> bool:
    box = locator.bounding_box()
    limit = PHONE["height"]
    if bar_selector:
        limit = min(limit, page.locator(bar_selector).bounding_box()["y"])
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= limit


def test_the_commonest_activity_is_in_the_viewport_clear_of_the_sticky_bar(page, live_server, world):
    # Like the demo's mediators: active listening is by far the commonest act; "presence" comes last in the
    # families' order, far below the fold.
    for i in range(6):
        RecordedInterventionFactory(
            author=world.mediator,
            date=timezone.localdate() - timedelta(days=1 + i),
            territory=world.territory_a,
            activity_type=world.activity("active_listening"),
        )
    for code in ("presence", "presence", "rule_reminder"):
        RecordedInterventionFactory(
            author=world.mediator,
            date=timezone.localdate() - timedelta(days=2),
            territory=world.territory_a,
            activity_type=world.activity(code),
        )
    log_in(page, live_server, world.mediator)
    page.goto(live_server.url + reverse("mediation:entry"))
    listening = page.locator(f"label[for=activity-{world.activity('active_listening').pk}]")
    presence = page.locator(f"label[for=activity-{world.activity('presence').pk}]")
    expect(listening).to_be_visible()
    assert fully_visible_above(page, listening, "[data-entry-sheet]")
    assert fully_visible_above(page, presence, "[data-entry-sheet]")
    expect(page.locator("label[for=id_count]")).to_have_text("Nombre d'actes")
    expect(page.locator("label[for=id_count]")).to_be_visible()
    # Two taps record the commonest act, no scrolling.
    listening.click()
    page.locator("[data-save]").click()
    expect(page.locator("[data-confirm-toast]")).to_contain_text("Enregistré ✓ Écoute active × 1")

    page.goto(live_server.url + reverse("mediation:tally"))
    plus = page.locator(f"[data-tally-row='{world.activity('active_listening').pk}'] [data-tally-plus]")
    assert fully_visible_above(page, plus)
    # The day's counter: the quick entry's act above plus this tap.
    plus.click()
    expect(page.locator("[data-tally-total]")).to_have_text("2")
