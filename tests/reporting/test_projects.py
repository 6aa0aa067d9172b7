from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from altm.models import AuditEntry
from reporting import services
from reporting.models import IndicatorTarget, IndicatorValue, ProjectIndicator, ServiceProject
from reporting.projects import build_project_report
from reporting.service_projects import PROJECT_2017_2019, count_indicators
from tests.clock import frozen
from tests.mediation.factories import InterventionFactory
from tests.reporting import dataset
from tests.reporting.factories import IndicatorTargetFactory


@pytest.fixture
def project(db):
    return ServiceProject.objects.get(start_year=2017, end_year=2019)


def director_client(world) -> Client:
    client = Client()
    client.force_login(world.director)
    return client


def test_the_2017_2019_project_is_loaded_with_every_indicator_of_the_seed(project):
    indicators = ProjectIndicator.objects.filter(axis__stake__part__project=project)
    assert indicators.count() == count_indicators(PROJECT_2017_2019) == 46
    assert project.parts.count() == 3
    labels = set(indicators.values_list("label", flat=True))
    for label in ["Taux de connaissance du dispositif", "Nombre d'appels d'offre remportés", "Taux de satisfaction"]:
        assert label in labels
    computed = indicators.get(label="Nombre d'actions de communication")
    assert computed.is_computed and computed.registry_code == "partnership.communications"
    assert indicators.get(label="Taux de connaissance du dispositif").source == "manual"


def test_loader_is_idempotent(project):
    from reporting.service_projects import load_definition

    before = ProjectIndicator.objects.count()
    load_definition(PROJECT_2017_2019)
    assert ProjectIndicator.objects.count() == before
    assert ServiceProject.objects.count() == 1


def test_director_enters_targets_and_manual_values(world, project):
    client = director_client(world)
    rate = ProjectIndicator.objects.get(axis__stake__part__project=project, label="Taux de connaissance du dispositif")
    awareness = ProjectIndicator.objects.get(axis__stake__part__project=project, label="Nombre de sensibilisations")
    page = client.get(f"/bilans/projets/{project.pk}/saisie/2017/")
    assert page.status_code == 200
    response = client.post(
        f"/bilans/projets/{project.pk}/saisie/2017/",
        {
            f"ind-{rate.pk}-target": "60",
            f"ind-{rate.pk}-value": "45,5",
            f"ind-{rate.pk}-note": "Enquête habitants, juin 2017",
            f"ind-{awareness.pk}-target": "4",
        },
    )
    assert response.status_code == 302
    assert IndicatorTarget.objects.get(indicator=rate, year=2017).value == Decimal("60")
    value = IndicatorValue.objects.get(indicator=rate, year=2017)
    assert value.value == Decimal("45.5") and value.note == "Enquête habitants, juin 2017"
    assert IndicatorTarget.objects.get(indicator=awareness, year=2017).value == Decimal("4")
    assert AuditEntry.objects.filter(object_repr__contains="Taux de connaissance du dispositif").count() == 2

    # The report shows value, target and % achieved with a bar.
    page = client.get(f"/bilans/projets/{project.pk}/").content.decode()
    assert "45,5\u202f%" in page and "60\u202f%" in page
    assert "76\u202f% de l&#x27;objectif" in page or "76\u202f% de l'objectif" in page
    assert "progress-fill close w-pct-76" in page

    # Clearing a field deletes the value; the rest stays.
    client.post(f"/bilans/projets/{project.pk}/saisie/2017/", {f"ind-{rate.pk}-target": "60"})
    assert not IndicatorValue.objects.filter(indicator=rate).exists()
    assert IndicatorTarget.objects.filter(indicator=rate).exists()


def test_invalid_entry_saves_nothing_and_keeps_what_was_typed(world, project):
    client = director_client(world)
    rate = ProjectIndicator.objects.get(axis__stake__part__project=project, label="Taux de connaissance du dispositif")
    other = ProjectIndicator.objects.get(
        axis__stake__part__project=project, label="Nombre de réponses aux appels d'offre"
    )
    response = client.post(
        f"/bilans/projets/{project.pk}/saisie/2018/",
        {f"ind-{rate.pk}-value": "140", f"ind-{other.pk}-target": "3", f"ind-{other.pk}-value": "beaucoup"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Un taux est compris entre 0 et 100" in content
    assert "Saisissez un nombre" in content
    assert 'value="beaucoup"' in content and 'value="140"' in content
    assert not IndicatorTarget.objects.exists() and not IndicatorValue.objects.exists()


def test_a_computed_value_cannot_be_typed(world, project):
    awareness = ProjectIndicator.objects.get(axis__stake__part__project=project, label="Nombre de sensibilisations")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.save_indicator_entries(
            actor=world.director, project=project, year=2017, entries={awareness.pk: {"value": Decimal(3)}}
        )


def test_computed_indicators_come_from_the_registry(world, project):
    InterventionFactory(activity_type__code="awareness", territory=world.territory_a, date=date(2018, 5, 1), count=7)
    parts = build_project_report(project, today=date(2026, 1, 1))
    lines = [line for p in parts for s in p["stakes"] for a in s["axes"] for line in a["lines"]]
    line = next(line for line in lines if line.indicator.label == "Nombre de sensibilisations")
    assert [cell.value for cell in line.cells] == [0, 7, 0]


def test_project_report_query_count_does_not_grow(world, project, django_assert_num_queries):
    dataset.build(world)
    # 9, and one per register the project reads (projects, diagnostics, bodies, exchanges, certifications).
    with django_assert_num_queries(14):
        build_project_report(project)
    services.copy_project_structure(actor=world.director, source=project, name="P", start_year=2020, end_year=2025)
    longer = ServiceProject.objects.get(start_year=2020)
    for item in ProjectIndicator.objects.filter(axis__stake__part__project=longer):
        for year in longer.years:
            IndicatorTargetFactory(indicator=item, year=year, value=10)
    with django_assert_num_queries(14):
        build_project_report(longer)


def test_a_new_project_needs_no_code(world, project):
    new = services.copy_project_structure(
        actor=world.director, source=project, name="Projet de service 2020-2022", start_year=2020, end_year=2022
    )
    assert ProjectIndicator.objects.filter(axis__stake__part__project=new).count() == 46
    client = director_client(world)
    assert "Projet de service 2020-2022" in client.get("/bilans/projets/").content.decode()
    assert client.get(f"/bilans/projets/{new.pk}/").status_code == 200


def test_project_pdf(world, project, tmp_path):
    import subprocess

    IndicatorTargetFactory()  # a project with neither value nor target is one short page (test_pdf_words)
    client = director_client(world)
    response = client.get(f"/bilans/projets/{project.pk}/bilan.pdf")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Projet de service 2017-2019" in text and "Taux de connaissance du dispositif" in text
    assert "Sommaire" in text


@frozen(date(2026, 12, 2))
def test_a_target_of_the_unfinished_year_is_prorated_before_it_is_judged(world, project):
    new = services.copy_project_structure(
        actor=world.director, source=project, name="Projet 2025-2027", start_year=2025, end_year=2027
    )
    item = ProjectIndicator.objects.get(axis__stake__part__project=new, label="Nombre de sensibilisations")
    for year in (2025, 2026):
        IndicatorTargetFactory(indicator=item, year=year, value=Decimal(365))
    InterventionFactory(activity_type__code="awareness", territory=world.territory_a, date=date(2025, 3, 1), count=200)
    InterventionFactory(activity_type__code="awareness", territory=world.territory_a, date=date(2026, 3, 1), count=320)
    parts = build_project_report(new, today=date(2026, 12, 2))
    lines = [line for p in parts for s in p["stakes"] for a in s["axes"] for line in a["lines"]]
    cells = next(line for line in lines if line.indicator.pk == item.pk).cells
    # 2025 is over: 200 of 365 is behind. 2026 on 2 December: 336 days gone, the target so far is 336; 320 is close.
    assert (cells[0].is_partial, cells[0].level) == (False, "behind")
    assert cells[1].is_partial and cells[1].judged_target == 336
    assert cells[1].level == "close"
    page = director_client(world).get(f"/bilans/projets/{new.pk}/").content.decode()
    assert "336 au prorata de l'année écoulée" in page and "au 02/12/2026" in page
