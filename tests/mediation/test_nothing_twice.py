"""Nothing twice (issue #10, item 8): six concurrent copies of one submission give one row of each kind, no 500."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from altm.versions import current_version
from mediation import services
from mediation.models import (
    ActivityType,
    ConflictCase,
    ConflictParties,
    ConflictSession,
    FollowUp,
    FollowUpKind,
    Intervention,
    Person,
    TechnicalReport,
)
from tests.concurrency import client_for, needs_postgresql, run_at_once, world_for_threads

pytestmark = needs_postgresql


@pytest.fixture
def concurrent_world():
    return world_for_threads()


def test_six_concurrent_follow_ups_with_a_new_person_give_one_follow_up_and_one_person(concurrent_world):
    world = concurrent_world
    data = {
        "uuid": str(uuid.uuid4()),
        "alias": "Lina",
        "birth_year": "2007",
        "gender": "F",
        "territory": world.territory_a.pk,
        "kind": FollowUpKind.ISOLATED,
        "started_on": timezone.localdate().isoformat(),
    }
    clients = [client_for(world.mediator) for _ in range(6)]
    pending = iter(clients)

    def post():
        return next(pending).post(reverse("mediation:followup_create"), data).status_code

    statuses, failures = run_at_once(post)
    assert not failures
    assert statuses == [302] * 6
    assert FollowUp.objects.count() == 1
    assert Person.objects.count() == 1
    assert FollowUp.objects.get().person == Person.objects.get()


def test_six_concurrent_conflict_sessions_give_one_session_and_one_line(concurrent_world):
    world = concurrent_world
    case, _ = services.open_conflict_case(
        actor=world.mediator,
        title="Nuisances",
        territory=world.territory_a,
        parties=ConflictParties.RESIDENTS,
        opened_on=timezone.localdate(),
    )
    key = uuid.uuid4()

    def record():
        return services.record_conflict_session(
            actor=world.mediator,
            case=ConflictCase.objects.get(pk=case.pk),
            kind="shuttle",
            date=case.opened_on,
            uuid=key,
        )

    results, failures = run_at_once(record)
    assert not failures
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert ConflictSession.objects.count() == 1 and Intervention.objects.count() == 1


def test_six_concurrent_technical_reports_give_one_report_and_one_line(concurrent_world):
    world = concurrent_world
    key = uuid.uuid4()

    def record():
        return services.record_technical_report(
            actor=world.mediator,
            uuid=key,
            territory=world.territory_a,
            site=world.site_a,
            place="Hall 3",
            problem="Porte cassée",
            reported_on=date.today(),
        )

    results, failures = run_at_once(record)
    assert not failures
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert TechnicalReport.objects.count() == 1 and Intervention.objects.count() == 1


def test_two_managers_saving_the_same_version_at_once_one_is_refused(concurrent_world):
    world = concurrent_world
    line, _ = services.record_intervention(
        actor=world.mediator,
        date=date.today(),
        territory=world.territory_a,
        activity_type=ActivityType.objects.get(code="rule_reminder"),
        count=2,
    )
    version = current_version(line)
    counts = iter([5, 7])

    def update():
        return services.update_intervention(
            actor=world.manager, intervention=Intervention.objects.get(pk=line.pk), version=version, count=next(counts)
        )

    results, failures = run_at_once(update, copies=2)
    assert len(results) == 1 and len(failures) == 1
    assert isinstance(failures[0], ValidationError)
    assert "Modifié entre-temps par Sophie Lambert" in failures[0].messages[0]
    assert Intervention.objects.get(pk=line.pk).count == results[0].count
