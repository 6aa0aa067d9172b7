"""Run the same call in real threads at once (PostgreSQL only: SQLite serialises writers and locks the file)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from mediation.activity_types import ACTIVITY_TYPES
from mediation.models import ActivityType
from tests.world import World, build_world

needs_postgresql = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads concurrents : PostgreSQL seulement"),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(call, copies: int = 6) -> tuple[list, list[BaseException]]:
    """Start `copies` threads on `call()` behind one barrier; their results and the exceptions they raised."""
    barrier = threading.Barrier(copies)
    results, failures = [], []

    def worker():
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 - a failure is what the test reports
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures


def restore_activity_types() -> None:
    """Transactional tests empty the database, reference data included: put the activity types back."""
    for order, (code, family, label, flags) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(
            code=code, defaults={"family": family, "label": label, "order": order * 10, **flags}
        )


def world_for_threads() -> World:
    """The test world in a transactional test (activity types put back first), committed for the threads to see."""
    restore_activity_types()
    return build_world()


def client_for(user) -> Client:
    """A logged-in client: one per thread, a client is not shared."""
    client = Client()
    client.force_login(user)
    return client
