"""Two-factor authentication (TOTP) for directors and administrators."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import PASSWORD
from tests.otp import confirmed_device, current_code, verified_login
from tests.test_url_matrix import ROUTES

pytestmark = pytest.mark.two_factor

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
EXEMPT = {"accounts:two_factor_setup", "accounts:two_factor_verify", "logout"}


def text(response) -> str:
    return unescape(response.content.decode())


def password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_director_without_device_is_sent_to_enrolment_and_enrols(world):
    client = password_login(world.director)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    html = response.content.decode()
    assert "Activer la double authentification" in html
    assert "<svg" in html and "<path" in html  # the QR code, inline
    device = TOTPDevice.objects.get(user=world.director)
    assert not device.confirmed
    assert response.context["secret_groups"].replace(" ", "") in html.replace(" ", "")

    response = client.post(SETUP, {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert response.status_code == 200
    assert "Ce code n'est pas valable" in text(response)
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(SETUP, {"token": current_code(device), "next": reverse("password_change")})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("password_change")).status_code == 200


def test_enrolment_shows_each_secret_once_a_reload_makes_a_new_one(world):
    # Issue #10, item 16: whoever reloads the page (or finds it open) never sees the key shown before.
    client = password_login(world.director)
    first = client.get(SETUP).context["secret_groups"]
    old_device = TOTPDevice.objects.get(user=world.director)
    second = client.get(SETUP)
    assert second.context["secret_groups"] != first
    assert "no-store" in second["Cache-Control"]
    device = TOTPDevice.objects.get(user=world.director)  # one unconfirmed device: the previous one is gone
    assert device.pk != old_device.pk
    response = client.post(SETUP, {"token": current_code(old_device)})
    assert "Ce code n'est pas valable" in text(response)
    assert response.context["secret_groups"] is None and first not in text(response)
    assert "recommencez avec une nouvelle clé" in text(response)
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code throttles the next try for a second
    response = client.post(SETUP, {"token": current_code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=world.director).confirmed


def test_director_with_device_must_type_the_current_code(world):
    device = confirmed_device(world.director)
    client = password_login(world.director)
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert "next=%2Fmot-de-passe%2F" in response["Location"]

    response = client.post(VERIFY, {"token": "12ab56"})
    assert "Le code comporte exactement 6 chiffres." in text(response)
    response = client.post(VERIFY, {"token": current_code(device), "next": reverse("password_change")})
    assert response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200


def test_a_code_cannot_be_used_twice(world):
    device = confirmed_device(world.director)
    code = current_code(device)
    first = password_login(world.director)
    assert first.post(VERIFY, {"token": code})["Location"] == "/"
    second = password_login(world.director)
    response = second.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert "Ce code n'est pas valable" in text(response)
    assert second.get(reverse("password_change")).status_code == 302


def test_wrong_codes_are_throttled(world):
    device = confirmed_device(world.director)
    client = password_login(world.director)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    client.post(VERIFY, {"token": wrong})
    response = client.post(VERIFY, {"token": current_code(device)})
    assert "Trop de codes erronés" in text(response)
    assert client.get(reverse("password_change")).status_code == 302


def test_next_cannot_leave_the_site(world):
    device = confirmed_device(world.director)
    client = password_login(world.director)
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://exemple.invalid/piege"})
    assert response["Location"] == "/"


def test_admin_site_needs_the_second_factor(world):
    client = password_login(world.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert verified_login(Client(), world.admin).get(reverse("admin:index")).status_code == 200


def test_staff_of_another_role_needs_the_second_factor(world):
    world.mediator.is_staff = True
    world.mediator.save()
    response = password_login(world.mediator).get(reverse("password_change"))
    assert response["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", ["mediator", "manager", "counsellor"])
def test_other_roles_are_not_asked(role, world):
    client = password_login(world.user(role))
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_unverified_director_may_log_out(world):
    client = password_login(world.director)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in EXEMPT], ids=lambda route: route.name)
def test_every_url_waits_for_the_second_factor(route, world):
    """On every URL of the matrix: unverified → sent to the code page; verified → the matrix answer."""
    kwargs = route.kwargs(world) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    expected = route.expected(world) if callable(route.expected) else route.expected
    for role, target in [("director", SETUP), ("admin", VERIFY)]:
        user = world.user(role)
        if target == VERIFY:
            confirmed_device(user)
        client = Client()
        client.force_login(user)
        response = getattr(client, route.method)(url, route.data)
        assert response.status_code == 302, (role, url)
        assert response["Location"].startswith(target), (role, url)
        verified = verified_login(Client(), user)
        assert getattr(verified, route.method)(url, route.data).status_code == expected[role], (role, url)
