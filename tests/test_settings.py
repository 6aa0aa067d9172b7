import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "-production-only-" + "x" * 30


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALTM_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-W", "ignore", "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_default_secret_key():
    result = run_manage("check", ALTM_ENV="production", ALLOWED_HOSTS="altm.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_manage("check", ALTM_ENV="production", SECRET_KEY=STRONG_KEY, DEBUG="true", ALLOWED_HOSTS="a.org")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ALTM_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="altm.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_switch_off_two_factor():
    result = run_manage(
        "check", ALTM_ENV="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="a.org", ALTM_TWO_FACTOR="false"
    )
    assert result.returncode != 0
    assert "ALTM_TWO_FACTOR" in result.stderr


def test_production_sends_hsts_and_secure_cookies():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = run_manage("shell", "-c", code, ALTM_ENV="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="a.org")
    assert result.returncode == 0, result.stderr
    hsts, session_secure, csrf_secure, ssl_redirect = result.stdout.strip().splitlines()[-1].split()
    assert int(hsts) >= 365 * 24 * 60 * 60
    assert (session_secure, csrf_secure, ssl_redirect) == ("True", "True", "True")
