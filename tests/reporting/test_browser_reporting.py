"""Browser journey of the director: the evaluation page on a phone, an export, and freezing a year only after
confirming (the page's script asks; cancelling keeps the year open)."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting.models import FrozenReport
from tests.browser import PHONE, log_in
from tests.mediation.factories import InterventionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


def test_director_reads_exports_and_freezes_with_confirmation(page, live_server, world):
    InterventionFactory(
        activity_type__code="round_table", territory=world.territory_a, date=date(2024, 5, 2), count=1838
    )
    log_in(page, live_server, world.director)
    page.goto(live_server.url + reverse("reporting:evaluation") + "?years=2023-2024")
    row = page.locator('tr.indicator-row[data-code="conflict.round_tables"]')
    expect(row).to_contain_text("1\u202f838")
    with page.expect_download() as download:
        page.click("text=CSV")
    assert download.value.suggested_filename == "evaluation-2023-2024.csv"

    page.fill("input[name=year]", "2024")
    answers = ["dismiss", "accept"]
    seen = []

    def answer(dialog):
        seen.append(dialog.message)
        getattr(dialog, answers[len(seen) - 1])()

    page.on("dialog", answer)
    page.get_by_role("button", name="Figer le bilan").click()
    assert seen and "définitivement" in seen[0]
    assert not FrozenReport.objects.exists()

    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Figer le bilan").click()
    assert len(seen) == 2
    # freezing renders and stores the PDF: give it time on a busy machine
    expect(page.get_by_text("Le bilan 2024 est figé.")).to_be_visible(timeout=60_000)
    assert FrozenReport.objects.get().figures["values"]["conflict.round_tables"]["ALL"]["2024"] == 1838
