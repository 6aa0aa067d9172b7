"""Concurrent edits do not silently revert each other (issue #10, item 9): the edit form carries the version it was
read at; saving over a newer version shows the other change in French and saves nothing."""

from datetime import date
from html import unescape

from django.test import Client
from django.urls import reverse

from mediation.models import Intervention
from partners.models import Convention
from tests.clock import frozen
from tests.mediation.test_conflicts import open_case
from tests.mediation.test_edit import edit_data, make_line
from tests.mediation.test_followups import start_followup
from tests.partners.factories import make_convention

pytestmark = frozen()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_on(page) -> str:
    return str(page.context["form"]["version"].value())


def test_the_second_manager_saving_the_same_line_is_refused_and_the_first_change_stays(world):
    line = make_line(world)
    first, second = client_for(world.manager), client_for(world.manager)
    url = reverse("mediation:intervention_edit", args=[line.pk])
    first_version = version_on(first.get(url))
    second_version = version_on(second.get(url))
    assert first.post(url, edit_data(world, line, count=5, version=first_version)).status_code == 302
    refused = second.post(url, edit_data(world, line, count=7, note="Autre", version=second_version))
    assert refused.status_code == 200
    page = unescape(refused.content.decode())
    assert "Modifié entre-temps par Sophie Lambert le 26/11/2026 à" in page
    assert "Nombre d'actes : 2 → 5" in page or ": 2 → 5" in page
    line.refresh_from_db()
    assert (line.count, line.note) == (5, "")
    # Reloaded, the page carries the new version and the save goes through.
    again = version_on(second.get(url))
    assert second.post(url, edit_data(world, line, count=7, version=again)).status_code == 302
    assert Intervention.objects.get(pk=line.pk).count == 7


def test_a_follow_up_edited_meanwhile_is_not_overwritten(world):
    followup = start_followup(world)
    url = reverse("mediation:followup_edit", args=[followup.pk])
    mediator, manager = client_for(world.mediator), client_for(world.manager)
    stale = version_on(mediator.get(url))
    fresh = version_on(manager.get(url))
    assert manager.post(url, {"note": "Rencontré au local", "version": fresh}).status_code == 302
    refused = mediator.post(url, {"note": "Autre chose", "version": stale})
    assert "Modifié entre-temps par Sophie Lambert" in unescape(refused.content.decode())
    followup.refresh_from_db()
    assert followup.note == "Rencontré au local"


def test_a_convention_edited_meanwhile_is_not_overwritten(world):
    convention = make_convention(world)
    url = reverse("partners:convention_edit", args=[convention.pk])
    first, second = client_for(world.director), client_for(world.director)
    first_page, second_page = first.get(url), second.get(url)

    def data(page, **changes):
        form = page.context["form"]
        values = {name: form[name].value() for name in form.fields}
        values = {k: ([str(v) for v in value] if isinstance(value, list) else value) for k, value in values.items()}
        values = {k: v for k, v in values.items() if v is not None and v is not False}
        return {k: ("on" if v is True else v) for k, v in values.items()} | changes

    assert first.post(url, data(first_page, partner_signatory="Nouvelle directrice")).status_code == 302
    refused = second.post(url, data(second_page, note="Note de la seconde fenêtre"))
    assert refused.status_code == 200
    assert "Modifié entre-temps par" in unescape(refused.content.decode())
    convention = Convention.objects.get(pk=convention.pk)
    assert (convention.partner_signatory, convention.note) == ("Nouvelle directrice", "")


def test_a_conflict_agreement_recorded_meanwhile_is_not_overwritten(world):
    case = open_case(world)
    url = reverse("mediation:conflict_agreement", args=[case.pk])
    mediator, manager = client_for(world.mediator), client_for(world.manager)
    stale = version_on(mediator.get(url))
    fresh = version_on(manager.get(url))
    first = {"agreement_on": "2026-11-10", "agreement_followup_on": "2026-12-10", "version": fresh}
    assert manager.post(url, first).status_code == 302
    second = {"agreement_on": "2026-11-12", "agreement_followup_on": "2027-01-12", "version": stale}
    refused = mediator.post(url, second)
    assert "Modifié entre-temps par Sophie Lambert" in unescape(refused.content.decode())
    case.refresh_from_db()
    assert case.agreement_on == date(2026, 11, 10)
    # Closing over a version read before the agreement is refused too.
    close = reverse("mediation:conflict_close", args=[case.pk])
    refused = mediator.post(close, {"closed_on": "2026-11-20", "outcome": "resolved", "version": stale})
    assert "Modifié entre-temps" in unescape(refused.content.decode())
    case.refresh_from_db()
    assert not case.is_closed
