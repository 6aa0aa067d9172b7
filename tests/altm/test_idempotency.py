import uuid

from altm.idempotency import save_once
from mediation.models import Intervention
from tests.mediation.factories import InterventionFactory


def test_a_submission_racing_the_first_one_answers_with_the_first(world):
    key = uuid.uuid4()
    first, created = save_once(InterventionFactory.build(uuid=key, territory=world.territory_a))
    # The same submission again: the unique constraint catches it.
    second, created_again = save_once(InterventionFactory.build(uuid=key, territory=world.territory_a))
    assert created and not created_again
    assert second.pk == first.pk
    assert Intervention.objects.count() == 1
