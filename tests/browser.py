"""Helpers for the browser tests (Playwright on Debian's Chromium, marked `browser`).

The fixtures they share live in tests/conftest.py: Chromium's launch arguments, the French context, and the
activity types put back before each browser test (its live server empties the database after each test).
"""

from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def log_in(page, live_server, user):
    """Log in through the real login form and wait until the form is gone (the next page, or the OTP step)."""
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def _abort_service_worker(route):
    if route.request.service_worker:
        route.abort("internetdisconnected")
    else:
        route.fallback()


def cut_network(context):
    """No network for the pages nor for their service worker (Playwright's offline mode covers only the pages)."""
    context.set_offline(True)
    context.route("**/*", _abort_service_worker)


def restore_network(context, page=None):
    context.unroute("**/*", _abort_service_worker)
    context.set_offline(False)
    if page is not None:
        page.evaluate("window.dispatchEvent(new Event('online'))")


def wait_offline_ready(page):
    """The service worker has fetched the field pages (static/js/offline.js sets the flag)."""
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1", timeout=30_000)


def force_login(context, live_server, user):
    """Log `user` in for a browser context without the login form (its session cookie, made by Django's client)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
