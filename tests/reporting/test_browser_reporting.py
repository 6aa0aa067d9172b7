"""Browser journey of the director: the evaluation page on a phone, an export, and freezing a year only after
confirming (the page's script asks; cancelling keeps the year open)."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mediation.activity_types import ACTIVITY_TYPES
from mediation.models import ActivityType, Intervention
from reporting.models import FrozenReport
from tests.world import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}),
]


@pytest.fixture(autouse=True)
def activity_types(transactional_db):
    for order, (code, family, label, flags) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(
            code=code, defaults={"family": family, "label": label, "order": order * 10, **flags}
        )


def test_director_reads_exports_and_freezes_with_confirmation(page, live_server, world):
    Intervention.objects.create(
        activity_type=ActivityType.objects.get(code="round_table"),
        territory=world.territory_a,
        team=world.team_a,
        date=date(2024, 5, 2),
        count=1838,
    )
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", world.director.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
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
