"""Security profile: Content-Security-Policy, session idle timeout, no inline script in our templates."""

import re
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_strict_content_security_policy(client, db):
    directives = policy(client.get(reverse("login")))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    # blob: shows a photo chosen on the phone before it is sent (an object URL of this page, never another site).
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in response_header(client)


def response_header(client) -> str:
    return client.get(reverse("login"))["Content-Security-Policy"]


def test_admin_pages_work_under_the_policy(world):
    client = Client()
    client.force_login(world.admin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    inline = [s for s in re.findall(r"<script\b[^>]*>", html) if "src=" not in s and "application/json" not in s]
    assert inline == []


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=\s*[\"']|<style\b", re.IGNORECASE)


def test_no_inline_script_handler_or_style_in_our_templates():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if path.parts[-2] == "pdf" or path.stem.endswith(("_pdf", "_standalone")):
            continue  # rendered by WeasyPrint, or a downloaded file: never served under the site's policy
        if "emails" in path.relative_to(ROOT / "templates").parts:
            continue  # e-mails: mail clients only read inline styles, and no page serves them
        source = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            if pattern.search(source):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.search(source).group(0)}")
    assert offenders == []


def test_session_ends_after_two_hours_without_activity(world):
    assert settings.SESSION_COOKIE_AGE <= 2 * 60 * 60
    client = Client()
    client.force_login(world.mediator)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert int(response.cookies["sessionid"]["max-age"]) == settings.SESSION_COOKIE_AGE
    session = Session.objects.get()
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_pushes_the_idle_deadline_back(world):
    client = Client()
    client.force_login(world.mediator)
    session = Session.objects.get()
    session.expire_date = timezone.now() + timedelta(minutes=5)
    session.save()
    client.get(reverse("password_change"))
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_requests_within_a_few_minutes_do_not_write_the_session(world, django_assert_num_queries):
    client = Client()
    client.force_login(world.mediator)
    client.get(reverse("password_change"))  # stamps the session: the idle deadline moves
    deadline = Session.objects.get().expire_date
    with django_assert_num_queries(2):  # the session and the user are read; nothing is written
        client.get(reverse("password_change"))
    assert Session.objects.get().expire_date == deadline


def test_the_idle_deadline_moves_again_after_the_refresh_interval(world):
    client = Client()
    client.force_login(world.mediator)
    client.get(reverse("password_change"))
    deadline = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1), tick=False):
        client.get(reverse("password_change"))
    assert Session.objects.get().expire_date > deadline
