"""axe-core (vendored in static/vendor/axe-core) over the main page of every role, on a phone and on a desktop:
no serious or critical violation (contrast of the menu and badges, names of the tally buttons, form labels…)."""

import pytest
from django.urls import reverse

from tests.browser import DESK, PHONE, force_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "vendor/axe-core/axe.min.js"
# (role, page) — the first page of each role's navigation, and the field pages a mediator lives on.
PAGES = [
    (None, "login"),
    ("mediator", "mediation:entry"),
    ("mediator", "mediation:tally"),
    ("mediator", "mediation:my_interventions"),
    ("mediator", "mediation:followup_list"),
    ("mediator", "mediation:technical_create"),
    ("manager", "reporting:team_dashboard"),
    ("director", "reporting:overview"),
    ("counsellor", "partners:counsellor_home"),
    ("admin", "admin:index"),
]


def serious_violations(page, live_server) -> list[str]:
    page.add_script_tag(url=f"{live_server.url}/static/{AXE}")
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
        }"""
    )
    return results


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desktop"])
@pytest.mark.parametrize(("role", "url_name"), PAGES)
def test_no_serious_accessibility_violation(browser, live_server, world, role, url_name, viewport):
    context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
    try:
        if role:
            force_login(context, live_server, world.user(role))
        page = context.new_page()
        page.goto(live_server.url + reverse(url_name))
        assert page.url.startswith(live_server.url + reverse(url_name)), page.url
        assert serious_violations(page, live_server) == []
    finally:
        context.close()
