"""The roll-ups under concurrent writers (PostgreSQL): no increment lost, no deadlock, no duplicate roll-up row."""

from datetime import date

import pytest

from mediation.models import ActivityType, DailyTotal, Intervention, MonthlyTotal
from mediation.services import record_intervention
from tests.concurrency import needs_postgresql, run_at_once, world_for_threads
from tests.mediation.test_totals import assert_exact

pytestmark = needs_postgresql


@pytest.fixture
def concurrent_world():
    return world_for_threads()


def test_six_new_lines_on_one_new_roll_up_row_at_once_add_up(concurrent_world):
    world = concurrent_world
    activity = ActivityType.objects.get(code="presence")

    def record():
        return record_intervention(
            actor=world.mediator, date=date(2026, 3, 4), territory=world.territory_a, activity_type=activity, count=2
        )

    results, failures = run_at_once(record)
    assert not failures and len(results) == 6
    day = DailyTotal.objects.get(date=date(2026, 3, 4))  # one row, not six
    assert (day.lines, day.count) == (6, 12)
    assert MonthlyTotal.objects.get(date=date(2026, 3, 1)).count == 12
    assert_exact()


def test_bulk_moves_in_opposite_directions_at_once_neither_deadlock_nor_lose_a_line(concurrent_world):
    world = concurrent_world
    activity = ActivityType.objects.get(code="presence")
    days = [date(2026, 3, day) for day in range(1, 11)]
    for day in days:
        for _ in range(3):
            record_intervention(actor=world.mediator, date=day, territory=world.territory_a, activity_type=activity)
    pks = list(Intervention.objects.order_by("pk").values_list("pk", flat=True))
    moves = iter([(pks[i::6], days[(i * 3) % 10]) for i in range(6)])

    def move():
        chosen, day = next(moves)
        return Intervention.objects.filter(pk__in=chosen).update(date=day, count=2)

    results, failures = run_at_once(move)
    assert not failures, failures
    assert sum(results) == len(pks)
    assert_exact()
