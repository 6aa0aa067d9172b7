"""Nothing twice (issue #10, item 8) for service-project targets: concurrent saves give one row per indicator."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import Client

from reporting import services
from reporting.models import FrozenReport, IndicatorTarget, ProjectIndicator, ServiceProject
from reporting.service_projects import PROJECT_2017_2019, load_definition
from tests.concurrency import needs_postgresql, run_at_once
from tests.world import build_world

pytestmark = needs_postgresql


def test_six_concurrent_target_saves_give_one_target():
    world = build_world()
    load_definition(PROJECT_2017_2019)  # transactional tests empty the seeded project
    project = ServiceProject.objects.get(start_year=2017, end_year=2019)
    rate = ProjectIndicator.objects.get(axis__stake__part__project=project, label="Taux de connaissance du dispositif")
    clients = []
    for _ in range(6):
        client = Client()
        client.force_login(world.director)
        clients.append(client)
    pending = iter(clients)

    def post():
        url = f"/bilans/projets/{project.pk}/saisie/2017/"
        return next(pending).post(url, {f"ind-{rate.pk}-target": "60"}).status_code

    statuses, failures = run_at_once(post)
    assert not failures
    assert statuses == [302] * 6
    assert list(IndicatorTarget.objects.values_list("value", flat=True)) == [Decimal("60")]


def test_two_concurrent_freezes_of_a_year_give_one_frozen_report_and_a_french_refusal():
    world = build_world()

    def freeze():
        return services.freeze_annual_report(actor=world.director, year=2025)

    results, failures = run_at_once(freeze, copies=2)
    assert len(results) == 1 and len(failures) == 1
    assert isinstance(failures[0], ValidationError)
    assert failures[0].messages == ["Le bilan 2025 est déjà figé."]
    assert FrozenReport.objects.count() == 1
