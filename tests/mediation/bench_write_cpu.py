"""Not collected (no test_ prefix): CPU per write POST, run by hand.

DATABASE_URL=postgres://... .venv/bin/python -m pytest tests/mediation/bench_write_cpu.py -s -p no:randomly
Prints, per path, Django CPU (time.process_time of this process) and PostgreSQL CPU (the backend's utime+stime
read from /proc, when the server runs on this machine) per POST.
"""

import json
import os
import time
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

N = int(os.environ.get("BENCH_POSTS", "200"))


def _backend_cpu() -> float:
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(name, post):
    for _ in range(10):
        post()  # warm caches as a running worker has them
    cpu, db, wall = time.process_time(), _backend_cpu(), time.perf_counter()
    for _ in range(N):
        post()
    cpu, db, wall = time.process_time() - cpu, _backend_cpu() - db, time.perf_counter() - wall
    print(
        f"BENCH-WRITE {name}: django_cpu_ms={cpu / N * 1000:.2f} db_cpu_ms={db / N * 1000:.2f} "
        f"wall_ms={wall / N * 1000:.2f} posts={N} vendor={connection.vendor}"
    )


@pytest.mark.django_db(transaction=True)
def test_cpu_per_post(client, world):
    client.force_login(world.mediator)
    client.get(reverse("mediation:entry"))  # the session is fresh from here on
    territory, site = world.territory_a.pk, world.site_a.pk
    activity = world.activity("rule_reminder").pk
    tally_activity = world.activity("presence").pk
    today = timezone.localdate().isoformat()

    def data(**extra):
        return {
            "uuid": str(uuid.uuid4()),
            "date": today,
            "territory": territory,
            "site": site,
            "activity_type": activity,
            "count": 2,
            **extra,
        }

    def entry():
        assert client.post(reverse("mediation:entry"), data()).status_code == 302

    def api():
        response = client.post(
            reverse("mediation:api_intervention"), json.dumps(data()), content_type="application/json"
        )
        assert response.status_code == 201, response.content

    replayed = data()
    client.post(reverse("mediation:api_intervention"), json.dumps(replayed), content_type="application/json")

    def replay():
        response = client.post(
            reverse("mediation:api_intervention"), json.dumps(replayed), content_type="application/json"
        )
        assert response.status_code == 200, response.content

    def tally():
        response = client.post(
            reverse("mediation:tally"), {"add": tally_activity, "uuid": str(uuid.uuid4()), "territory": territory}
        )
        assert response.status_code == 302

    _measure("entry_post", entry)
    _measure("api_create", api)
    _measure("api_replay", replay)
    _measure("tally_tap", tally)
