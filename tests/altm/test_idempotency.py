import uuid
from datetime import date

from altm.idempotency import save_once
from mediation.models import Intervention


def line(world, key):
    return Intervention(
        uuid=key, date=date(2026, 11, 2), territory=world.territory_a, activity_type=world.activity("presence")
    )


def test_a_submission_racing_the_first_one_answers_with_the_first(world):
    key = uuid.uuid4()
    first, created = save_once(line(world, key))
    second, created_again = save_once(line(world, key))  # the unique constraint catches it
    assert created and not created_again
    assert second.pk == first.pk
    assert Intervention.objects.count() == 1
