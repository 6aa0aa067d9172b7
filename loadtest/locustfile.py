"""Load test journeys, one user class per role, against a running ALTM server (see `make load`).

The file reads the demo organisation from the same database as the server (DATABASE_URL) to know each
mediator's territories and the activity ids; pages that do not exist in this version are skipped.
Every answer other than the expected status counts as an error (a redirect to the login page included).

    DATABASE_URL=postgres://…/altm_load locust -f loadtest/locustfile.py --host http://127.0.0.1:8006
"""

import itertools
import json
import os
import random
import re
import sys
import threading
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altm.settings")

PASSWORD = os.environ.get("LOAD_PASSWORD", "altm-demo-2026")
# Frequent, anonymous acts a mediator logs from the street (no mode, no linked case needed).
ACTIVITY_CODES = ["rule_reminder", "active_listening", "conflict_prevention", "moral_support", "presence"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

CONTEXT: dict = {}
_lock = threading.Lock()


def load_context() -> dict:
    """Usernames per role, each mediator's territories, activity ids and the URL of every page in the journeys."""
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    from accounts.models import Role, User
    from mediation.models import ActivityType, Team

    def url(name, **kwargs):
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return None

    users = User.objects.filter(is_active=True).order_by("username")
    territories = {}
    for team in Team.objects.prefetch_related("mediators", "territories"):
        ids = [t.pk for t in team.territories.all()]
        for mediator in team.mediators.all():
            territories.setdefault(mediator.username, []).extend(ids)
    activities = list(ActivityType.objects.filter(code__in=ACTIVITY_CODES).values_list("pk", flat=True))
    return {
        "mediators": [u.username for u in users.filter(role=Role.MEDIATOR) if u.username in territories],
        "managers": [u.username for u in users.filter(role=Role.MANAGER)],
        "directors": [u.username for u in users.filter(role=Role.DIRECTOR)],
        "counsellors": [u.username for u in users.filter(role=Role.COUNSELLOR, partner_contact__isnull=False)],
        "territories": territories,
        "activities": activities,
        "urls": {
            name: url(name)
            for name in [
                "login",
                "password_change",
                "mediation:api_intervention",
                "mediation:entry",
                "mediation:tally",
                "mediation:my_interventions",
                "mediation:followup_list",
                "mediation:team_interventions",
                "mediation:daily_report",
                "partners:referral_list",
                "partners:counsellor_home",
                "partners:convention_list",
                "partners:organisation_list",
                "reporting:team_dashboard",
                "reporting:overview",
                "reporting:evaluation",
                "reporting:project_list",
                "altm:audit_list",
            ]
        },
    }


@events.init.add_listener
def _on_init(environment, **kwargs):
    CONTEXT.update(load_context())
    sessions = os.environ.get("LOAD_SESSIONS")
    CONTEXT["sessions"] = json.loads(Path(sessions).read_text()) if sessions else {}
    missing = sorted(name for name, path in CONTEXT["urls"].items() if path is None)
    if missing:
        print(f"Pages absentes de cette version, ignorées : {', '.join(missing)}")
    for key in ["mediators", "managers", "directors", "counsellors"]:
        CONTEXT[f"_{key}_cycle"] = itertools.cycle(CONTEXT[key] or [None])


def take_session(username: str) -> str | None:
    with _lock:
        keys = CONTEXT["sessions"].get(username) or []
        return keys.pop() if keys else None


def next_username(kind: str) -> str | None:
    with _lock:
        return next(CONTEXT[f"_{kind}_cycle"])


class AltmUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""
    pages: list[str] = []

    def on_start(self):
        self.username = next_username(self.kind)
        if self.username is None:
            self.stop()
            return
        session_key = take_session(self.username)
        if session_key:
            # Logged in beforehand by scripts/load_test.py: the timed phase measures pages, not password hashing.
            self.client.cookies.set("sessionid", session_key, domain=urlsplit(self.host).hostname, path="/")
            self.client.get(CONTEXT["urls"]["password_change"], name="(jeton CSRF)")
            return
        login = CONTEXT["urls"]["login"]
        page = self.client.get(login, name="connexion (page)")
        match = CSRF_INPUT.search(page.text)
        token = match.group(1) if match else ""
        with self.client.post(
            login,
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + login},
            allow_redirects=False,
            name="connexion (envoi)",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location", "").startswith(login):
                response.failure(f"connexion refusée pour {self.username} ({response.status_code})")

    def view(self, url_name: str):
        path = CONTEXT["urls"].get(url_name)
        if path is None:
            return
        with self.client.get(path, name=url_name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    @task
    def browse(self):
        self.view(random.choice(self.pages))


class Mediator(AltmUser):
    weight = 6
    kind = "mediators"
    pages = [
        "mediation:entry",
        "mediation:tally",
        "mediation:my_interventions",
        "mediation:followup_list",
        "partners:referral_list",
    ]

    @task(3)
    def post_intervention(self):
        path = CONTEXT["urls"]["mediation:api_intervention"]
        if path is None:
            return
        body = {
            "uuid": str(uuid.uuid4()),
            "date": date.today().isoformat(),
            "territory": random.choice(CONTEXT["territories"][self.username]),
            "activity_type": random.choice(CONTEXT["activities"]),
            "count": 1,
            "women": random.randint(0, 2),
            "men": random.randint(0, 2),
            "unknown": 0,
        }
        headers = {
            "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
            "X-Requested-With": "XMLHttpRequest",
            "Referer": self.host + CONTEXT["urls"]["mediation:entry"],
        }
        with self.client.post(
            path, json=body, headers=headers, name=path + " (POST)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:200]}")


class Manager(AltmUser):
    weight = 2
    kind = "managers"
    pages = ["reporting:team_dashboard", "mediation:team_interventions", "mediation:daily_report"]


class Director(AltmUser):
    weight = 1
    kind = "directors"
    pages = [
        "reporting:overview",
        "reporting:evaluation",
        "reporting:project_list",
        "partners:convention_list",
        "partners:organisation_list",
        "altm:audit_list",
    ]


class Counsellor(AltmUser):
    weight = 1
    kind = "counsellors"
    pages = ["partners:counsellor_home"]
