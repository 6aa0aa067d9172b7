"""The registers (issue 15, points 4-6): each indicator they compute, on a hand-built dataset; training hours per
employee; the service-project report shows the indicators that used to be typed by hand; the pages record once,
audit, and refuse bad input in French."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Role
from altm.models import AuditEntry
from partners.models import (
    BodyMeeting,
    Certification,
    CommunityProject,
    Diagnostic,
    TeamExchange,
    TerritorialBody,
    TrainingAttendance,
    TrainingSession,
)
from reporting import indicators
from reporting.indicators import Period, builtin
from reporting.models import ServiceProject
from reporting.projects import build_project_report
from reporting.service_projects import COMPUTED_FROM_REGISTERS
from tests.accounts.factories import UserFactory

REGISTER_CODES = [
    indicator.code
    for indicator in builtin.BUILTIN_INDICATORS
    if indicator.is_register and indicator.code not in builtin.SHARED_SITUATION_CODES
]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def project(kind, started_on, invited=0, met=0, **extra):
    return CommunityProject.objects.create(
        kind=kind, title=f"{kind} {started_on}", started_on=started_on, people_invited=invited, people_met=met, **extra
    )


def session(started_on, hours, *attendees, partial=None):
    item = TrainingSession.objects.create(
        title="Formation",
        provider="Organisme",
        kind="continuing",
        started_on=started_on,
        ended_on=started_on,
        hours=Decimal(hours),
    )
    for employee in attendees:
        TrainingAttendance.objects.create(session=item, employee=employee, hours=(partial or {}).get(employee))
    return item


@pytest.fixture
def registers(world):
    """2018 and 2019, by hand. Employees: world's 2 mediators and 2 managers, plus one mediator who left."""
    left = UserFactory(role=Role.MEDIATOR, is_active=False)
    project("cafe", date(2018, 3, 1), invited=40, met=25)
    project("cafe", date(2019, 3, 1), invited=30, met=20)
    project("residents", date(2018, 5, 1), invited=100, met=60)
    project("intergenerational", date(2018, 6, 1), invited=20, met=12)
    project("mobilisation", date(2018, 7, 1), invited=50, met=33)
    project("awareness", date(2017, 12, 31), invited=999, met=999)  # another year
    Diagnostic.objects.create(
        kind="climate", title="A", started_on=date(2017, 11, 1), completed_on=date(2018, 2, 1), data_processed=True
    )
    Diagnostic.objects.create(kind="residence", title="B", started_on=date(2018, 4, 1), completed_on=date(2018, 9, 1))
    Diagnostic.objects.create(kind="territorial", title="C", started_on=date(2018, 10, 1))
    gsup = TerritorialBody.objects.create(name="GSUP", kind="gsup", joined_on=date(2015, 1, 1))
    group = TerritorialBody.objects.create(name="GT résidence", kind="working_group", joined_on=date(2018, 2, 1))
    for day in (date(2018, 1, 10), date(2018, 4, 10), date(2019, 1, 10)):
        BodyMeeting.objects.create(body=gsup, date=day)
    BodyMeeting.objects.create(body=group, date=date(2018, 3, 3))
    # 2018: 14 h × mediator + 14 h × manager + 6 h (partial) × other mediator + 7 h × the one who left = 41 h
    session(
        date(2018, 2, 1),
        14,
        world.mediator,
        world.manager,
        world.mediator_other_team,
        partial={world.mediator_other_team: Decimal(6)},
    )
    session(date(2018, 9, 1), 7, left)
    session(date(2019, 1, 15), 21, world.mediator)
    Certification.objects.create(
        employee=world.mediator,
        kind="tp_mediator",
        route="training",
        started_on=date(2017, 9, 1),
        obtained_on=date(2018, 6, 30),
    )
    Certification.objects.create(
        employee=world.mediator_other_team,
        kind="cqp",
        route="vae",
        started_on=date(2018, 3, 1),
        obtained_on=date(2019, 5, 1),
    )
    Certification.objects.create(
        employee=world.manager, kind="tms", route="vae", started_on=date(2018, 1, 1), abandoned_on=date(2019, 2, 1)
    )
    for kind, day in [
        ("immersion", date(2018, 5, 5)),
        ("immersion", date(2018, 6, 6)),
        ("meeting", date(2018, 7, 7)),
        ("immersion", date(2019, 1, 1)),
    ]:
        TeamExchange.objects.create(kind=kind, date=day, host_team=world.team_b)
    return {"left": left}


EXPECTED = {
    # code: (2018, 2019)
    "registers.projects": (4, 1),
    "registers.projects.cafe": (1, 1),
    "registers.projects.residents": (1, 0),
    "registers.projects.mobilisation": (1, 0),
    "registers.projects.intergenerational": (1, 0),
    "registers.projects.intergenerational.people_met": (12, 0),
    "registers.projects.people_invited": (210, 30),
    "registers.projects.people_met": (130, 20),
    "registers.diagnostics.started": (2, 0),
    "registers.diagnostics.completed": (2, 0),
    "registers.diagnostics.processed_rate": (Decimal("50.0"), 0),
    "registers.bodies.working_groups": (1, 0),
    "registers.bodies.meetings": (3, 1),
    "training.hours": (Decimal("41.0"), Decimal("21.0")),
    # 2018: 41 h / 5 employees (4 in post + the one who left after training); 2019: 21 h / 4
    "training.hours_per_employee": (Decimal("8.2"), Decimal("5.3")),
    # mediators in post: 2; certified by the end of 2018: 1 (50 %), of 2019: 2 (100 %)
    "training.certified_share": (Decimal("50.0"), Decimal("100.0")),
    "training.employees_certified": (1, 1),
    # VAE in progress on 31/12: 2018 both (CQP, TMS); 2019 none (one obtained, one abandoned)
    "training.vae_in_progress": (2, 0),
    "training.immersions": (2, 1),
    "training.team_meetings": (1, 0),
}


def test_every_register_indicator_on_a_hand_built_dataset(world, registers, django_assert_num_queries):
    assert set(EXPECTED) == set(REGISTER_CODES), "each register indicator has an expected value"
    # one query per table read: projects, diagnostics, bodies, meetings, attendances, users, certifications, exchanges
    with django_assert_num_queries(9):  # + the territories compute() always reads
        table = indicators.compute(REGISTER_CODES, period=Period(date(2018, 1, 1), date(2019, 12, 31)), by=("year",))
    for code, (in_2018, in_2019) in EXPECTED.items():
        assert (table.get(code, 2018), table.get(code, 2019)) == (in_2018, in_2019), code


def test_training_hours_per_employee(world, registers):
    table = indicators.compute(["training.hours_per_employee"], period=Period.year(2018), by=("year",))
    assert table.get("training.hours_per_employee", 2018) == Decimal("8.2")
    # Over the two years at once (no breakdown): 62 h / 5 employees
    whole = indicators.compute(
        ["training.hours_per_employee"], period=Period(date(2018, 1, 1), date(2019, 12, 31)), by=()
    )
    assert whole.get("training.hours_per_employee") == Decimal("12.4")
    # The overview lists each employee the reader may see, with their hours.
    page = client_for(world.director).get("/bilans/registres/?annee=2018").content.decode()
    assert "Heures de formation par salarié" in page and "8,2" in page
    assert 'Amina Benali</td><td class="text-end">14' in page
    manager_page = client_for(world.manager_other_team).get("/bilans/registres/?annee=2018").content.decode()
    assert "Amina Benali" not in manager_page, "a manager sees the training hours of their own team only"
    assert "Kévin Petit" in manager_page


def test_registers_overview_query_count(world, registers, django_assert_num_queries):
    client = client_for(world.director)
    with django_assert_num_queries(14):
        assert client.get("/bilans/registres/?annee=2018").status_code == 200


def test_the_service_project_report_computes_what_was_typed_by_hand(world, registers):
    project_2017 = ServiceProject.objects.get(start_year=2017)
    lines = {}
    for part in build_project_report(project_2017, today=date(2020, 1, 1)):
        for stake in part["stakes"]:
            for axis in stake["axes"]:
                for line in axis["lines"]:
                    key = (part["part"].number, stake["stake"].number, axis["axis"].number, line.indicator.label)
                    lines[key] = line
    for key, code in COMPUTED_FROM_REGISTERS.items():
        assert lines[key].indicator.is_computed and lines[key].indicator.registry_code == code
    values = {key: [cell.value for cell in lines[key].cells] for key in COMPUTED_FROM_REGISTERS}
    assert values[(2, 2, 1, "Nombre de diagnostics engagés")] == [1, 2, 0]
    assert values[(1, 2, 2, "Nombre de diagnostics réalisés")] == [0, 2, 0]
    assert values[(3, 2, 1, "Nombre d'immersions inter-équipes")] == [0, 2, 1]
    assert values[(2, 1, 2, "Nombre de projets développés")] == [0, 1, 0]
    page = client_for(world.director).get(f"/bilans/projets/{project_2017.pk}/").content.decode()
    assert "Nombre de diagnostics engagés" in page


def test_manager_records_a_training_session_once_with_its_attendees_and_audit(world):
    client = client_for(world.manager)
    page = client.get("/partenaires/registres/formations/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        "uuid": str(form.initial["uuid"]),
        "title": "Gestion des conflits",
        "provider": "France Médiation",
        "kind": "continuing",
        "started_on": "2026-03-02",
        "ended_on": "2026-03-03",
        "hours": "14",
        "attendees": [world.mediator.pk, world.manager.pk],
    }
    assert client.post("/partenaires/registres/formations/", data).status_code == 302
    assert client.post("/partenaires/registres/formations/", data).status_code == 302  # double tap
    assert TrainingSession.objects.count() == 1
    assert TrainingAttendance.objects.count() == 2
    assert AuditEntry.objects.filter(content_type__model="trainingsession").count() == 1
    assert AuditEntry.objects.filter(content_type__model="trainingattendance").count() == 2


def test_a_manager_cannot_record_training_for_another_team(world):
    client = client_for(world.manager)
    page = client.get("/partenaires/registres/formations/")
    data = {
        "uuid": str(page.context["form"].initial["uuid"]),
        "title": "X",
        "provider": "Y",
        "kind": "initial",
        "started_on": "2026-03-02",
        "ended_on": "2026-03-02",
        "hours": "7",
        "attendees": [world.mediator_other_team.pk],
    }
    response = client.post("/partenaires/registres/formations/", data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(
    ("register", "data", "message"),
    [
        (
            "projets",
            {
                "kind": "cafe",
                "title": "Café",
                "started_on": "2026-05-02",
                "ended_on": "2026-05-01",
                "people_invited": "10",
                "people_met": "5",
            },
            "La fin ne peut pas précéder le début.",
        ),
        (
            "projets",
            {"kind": "cafe", "title": "Café", "started_on": "2026-02-30", "people_invited": "-1", "people_met": "x"},
            "Saisissez une date valide.",
        ),
        (
            "diagnostics",
            {"kind": "climate", "title": "D", "started_on": "2026-05-02", "data_processed": "on"},
            "Les données d&#x27;un diagnostic se traitent une fois celui-ci réalisé.",
        ),
        (
            "formations",
            {
                "title": "F",
                "provider": "P",
                "kind": "initial",
                "started_on": "2026-05-02",
                "ended_on": "2026-05-02",
                "hours": "0",
            },
            "La durée est comprise entre 0,5 et 2 000 heures.",
        ),
        (
            "certifications",
            {
                "kind": "cqp",
                "route": "vae",
                "started_on": "2026-05-02",
                "obtained_on": "2026-01-01",
                "employee": "mediator",
            },
            "L&#x27;obtention ne peut pas précéder le début de la démarche.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(world, register, data, message):
    if data.get("employee") == "mediator":
        data = {**data, "employee": world.mediator.pk}
    response = client_for(world.director).post(f"/partenaires/registres/{register}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    for model in (CommunityProject, Diagnostic, TrainingSession, Certification):
        assert not model.objects.exists()


def test_director_records_a_meeting_of_a_territorial_body(world):
    body = TerritorialBody.objects.create(name="CLSPD Lyon", kind="clspd", joined_on=date(2020, 1, 1))
    client = client_for(world.director)
    page = client.get("/partenaires/registres/instances/")
    data = {
        "uuid": str(page.context["form"].initial["uuid"]),
        "body": body.pk,
        "date": "2026-04-14",
        "attendees": [world.mediator.pk, world.manager_other_team.pk],
        "topics": "Point sur la tranquillité des résidences.",
    }
    assert client.post("/partenaires/registres/instances/", data).status_code == 302
    meeting = BodyMeeting.objects.get()
    assert set(meeting.attendees.all()) == {world.mediator, world.manager_other_team}
    assert "CLSPD Lyon" in client.get("/partenaires/registres/instances/?annee=2026").content.decode()
    assert client.get("/partenaires/registres/inconnu/").status_code == 404


def test_shared_situation_indicators(world):
    """Persons whose situation is shared (active in the year), coordination meetings, outcomes fed back."""
    from partners.models import CoordinationMeeting, OrganisationKind, OutcomeFeedback, SharedSituation
    from tests.partners.factories import make_situation

    first = make_situation(world, alias="Inès")
    second = make_situation(world, alias="Yanis")
    other = make_situation(world, alias="Léo", organisation=world.other_organisation)
    SharedSituation.objects.filter(pk=first.pk).update(
        opened_on=date(2025, 3, 1), closed_on=date(2025, 9, 1), close_reason="ended"
    )
    SharedSituation.objects.filter(pk=second.pk).update(opened_on=date(2025, 11, 1), closed_on=None)
    SharedSituation.objects.filter(pk=other.pk).update(opened_on=date(2026, 1, 5), closed_on=None)
    assert world.organisation.kind == OrganisationKind.MISSION_LOCALE
    for situation, day in [(first, date(2025, 4, 1)), (first, date(2025, 6, 1)), (other, date(2026, 2, 1))]:
        CoordinationMeeting.objects.create(situation=situation, date=day, attendees="A, B", recorded_by=world.mediator)
    for situation, side, kind, day in [
        (first, "partner", "training", date(2025, 8, 1)),
        (second, "agency", "employment", date(2026, 1, 10)),
        (other, "partner", "lost_contact", date(2026, 3, 1)),
    ]:
        OutcomeFeedback.objects.create(
            situation=situation, side=side, kind=kind, dated_on=day, recorded_by=world.mediator
        )
    table = indicators.compute(
        builtin.SHARED_SITUATION_CODES, period=Period(date(2025, 1, 1), date(2026, 12, 31)), by=("year",)
    )
    expected = {
        "shared.situations": (2, 2),
        "shared.situations.mission_locale": (2, 1),
        "shared.coordination_meetings": (2, 1),
        "shared.outcomes.from_partner": (1, 1),
        "shared.outcomes.training_employment": (1, 1),
    }
    for code, (in_2025, in_2026) in expected.items():
        assert (table.get(code, 2025), table.get(code, 2026)) == (in_2025, in_2026), code
