import math
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from altm import models as altm_models
from altm import reference
from mediation.activity_types import ACTIVITY_TYPES
from mediation.models import ActivityType
from reporting.indicators import builtin as builtin_indicators
from reporting.indicators import registry as indicator_registry
from tests.world import World, build_world


class InvalidTemplateVariable(str):
    """Fail loudly on unknown template variables in our own templates (les-emplois does the same)."""

    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")


@pytest.fixture(autouse=True)
def _agency_cache():
    """Each test starts with the default agency cached, as a running process has it (pages cost no query for it)
    and never with the agency of an earlier test. Saving an Agency forgets it, as in production."""
    altm_models._agency_cache["agency"] = (math.inf, altm_models.Agency.default())
    yield
    altm_models._agency_cache.clear()


@pytest.fixture(autouse=True)
def _reference_copies():
    """Each test starts as a fresh process: no reference data kept from an earlier test (whose rows, and the token
    they were read under, were rolled back since)."""
    reference.forget()
    yield
    reference.forget()


@pytest.fixture(autouse=True)
def _indicator_registry():
    """Each test starts with the built-in indicators cached, as a running process has them once it has read their
    rows (reports cost no query for them), and never with an indicator defined by an earlier test. Saving an
    IndicatorDefinition forgets them, as in production: the next read comes from the database."""
    indicator_registry.preload(builtin_indicators.as_loaded())
    yield
    indicator_registry._cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _service_worker_only_where_tested(request, settings):
    """The service worker fetches the field pages in the background after a page loads: only the tests marked
    `service_worker` (tests/mediation/test_browser_offline.py) register it, the others see the pages alone."""
    if request.node.get_closest_marker("service_worker") is None:
        settings.ALTM_SERVICE_WORKER = False


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Photos a test stores land in its own temporary folder, never in the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _two_factor_only_where_tested(request, settings):
    """Two-factor authentication is enforced only in tests marked `two_factor`.

    `tests/accounts/test_two_factor.py` proves it on every URL of the matrix. Elsewhere a director or administrator
    logged in with `client.force_login` goes straight to the page, without a TOTP device (whose lookup would add one
    query per page). To log in a verified director in a marked test, use `tests.otp.verified_login`.
    """
    if request.node.get_closest_marker("two_factor") is None:
        settings.ALTM_TWO_FACTOR = False


@pytest.fixture
def world(db) -> World:
    return build_world()


# --- Browser tests (Playwright on Debian's Chromium) -------------------------------------------------------


@pytest.fixture(autouse=True)
def _activity_types_for_browser_tests(request):
    """Live-server tests run in real transactions and the database is emptied after each one, reference data
    included: put the activity types of the data migration back, the way the migration does (helpers for these tests
    are in tests/browser.py)."""
    # Any test in a real transaction may come after one that emptied the database (the backup tests did, by order).
    if request.node.get_closest_marker("browser") is None and "transactional_db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    for order, (code, family, label, flags) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(
            code=code, defaults={"family": family, "label": label, "order": order * 10, **flags}
        )
    builtin_indicators.load_builtin()  # the indicators of the data migration, likewise
    yield
    if request.node.get_closest_marker("browser") is not None:
        # The page is closed by now, but the live server may still be answering its last request (an outbox retry, a
        # background refresh) inside a transaction; emptying the tables now could deadlock with it (seen on
        # PostgreSQL: TRUNCATE against the request's row locks). Give it a moment to finish.
        time.sleep(0.5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def pytest_configure(config):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Lets a test cut the service worker's network too (`tests.browser.cut_network`): Playwright's offline mode
    # alone does not reach a service worker.
    os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
    assert settings.LANGUAGE_CODE == "fr"
    if not hasattr(config, "workerinput"):  # once, in the controller: the French plurals need the compiled catalogue
        _compile_catalogue()


def _compile_catalogue():
    """Compile locale/fr/.../django.po when its .mo is missing or older (`make install` does it too)."""
    po = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits count in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()
