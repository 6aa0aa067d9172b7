from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mediation.models import Intervention
from reporting import services
from reporting.models import FrozenReport
from tests.clock import frozen
from tests.reporting import dataset

pytestmark = frozen()


def director_client(world) -> Client:
    client = Client()
    client.force_login(world.director)
    return client


def test_frozen_report_stays_as_it_was_after_an_edit(world):
    dataset.build(world)
    client = director_client(world)
    response = client.post("/bilans/evaluation/figer/", {"year": 2015, "note": "Bilan présenté au CA du 12/03/2016"})
    assert response.status_code == 302
    frozen = FrozenReport.objects.get(year=2015)
    pdf_before = bytes(frozen.pdf)
    assert pdf_before.startswith(b"%PDF")
    assert frozen.figures["values"]["conflict.interventions"]["ALL"]["2015"] == 17

    page = client.get("/bilans/evaluation/fige/2015/").content.decode()
    assert "Aucun changement" in page

    # A correction after the freeze: the round table of Lyon 8 had 4 acts, not 4 → 9.
    line = Intervention.objects.get(activity_type__code="round_table", date=date(2015, 5, 1))
    line.count = 9
    line.save()

    frozen.refresh_from_db()
    assert bytes(frozen.pdf) == pdf_before
    assert frozen.figures["values"]["conflict.interventions"]["ALL"]["2015"] == 17
    page = client.get("/bilans/evaluation/fige/2015/").content.decode()
    # the frozen table still shows 17 …
    assert '<tr class="indicator-row" data-code="conflict.interventions">' in page
    table_start = page.index('data-code="conflict.interventions"')
    assert ">17<" in page[table_start : table_start + 400]
    # … and the note of what changed since shows 17 → 22 for the agency, 15 → 20 for Lyon 8.
    changes = page[page.index('id="changes"') :]
    assert "Interventions de gestion de conflits" in changes
    assert ">17<" in changes and ">22<" in changes and ">+5<" in changes
    assert "Lyon 8" in changes
    assert client.get("/bilans/evaluation/fige/2015/bilan.pdf").content == pdf_before


def test_a_year_is_frozen_once_and_never_edited(world):
    frozen = services.freeze_annual_report(actor=world.director, year=2016)
    with pytest.raises(ValidationError):
        services.freeze_annual_report(actor=world.director, year=2016)
    frozen.note = "changé"
    with pytest.raises(ValidationError):
        frozen.save()


def test_a_future_year_cannot_be_frozen(world):
    client = director_client(world)
    response = client.post("/bilans/evaluation/figer/", {"year": date.today().year + 1}, follow=True)
    assert "année qui n&#x27;a pas commencé" in response.content.decode()
    assert not FrozenReport.objects.exists()
