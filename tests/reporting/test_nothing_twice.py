"""Nothing twice (issue #10, item 8) for service-project targets: concurrent saves give one row per indicator."""

from decimal import Decimal

from django.test import Client

from reporting.models import IndicatorTarget, ProjectIndicator, ServiceProject
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
