"""Directors' one-time backup codes (django-otp static tokens), issue #10, item 16."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from tests.accounts.factories import PASSWORD
from tests.otp import confirmed_device, verified_login

pytestmark = pytest.mark.two_factor

CODES = reverse("accounts:backup_codes")
VERIFY = reverse("accounts:two_factor_verify")


def generate(world) -> list[str]:
    client = verified_login(Client(), world.director)
    response = client.post(CODES)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return list(response.context["codes"])


def test_ten_codes_are_shown_once(world):
    codes = generate(world)
    assert len(set(codes)) == 10
    client = verified_login(Client(), world.director)
    page = unescape(client.get(CODES).content.decode())
    assert "10 codes de secours encore valables" in page
    assert not any(code in page for code in codes)


def test_generating_again_voids_the_previous_codes(world):
    first = generate(world)
    second = generate(world)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(second)
    assert not set(first) & set(second)


def password_login(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_the_verify_page_accepts_a_backup_code_once(world):
    confirmed_device(world.director)
    code = generate(world)[0]
    client = password_login(world.director)
    response = client.post(VERIFY, {"token": code.upper(), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("reporting:evaluation")).status_code == 200
    assert StaticToken.objects.count() == 9
    again = password_login(world.director)
    response = again.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert "Ce code n'est pas valable" in unescape(response.content.decode())


def test_other_roles_have_no_backup_codes(world):
    client = Client()
    client.force_login(world.mediator)
    assert client.post(CODES).status_code == 403
    assert not StaticToken.objects.exists()


def test_the_director_finds_the_backup_codes_in_the_user_menu_and_a_mediator_does_not(world, client):
    director = verified_login(Client(), world.director)
    assert CODES in director.get(reverse("reporting:overview")).content.decode()
    client.force_login(world.mediator)
    assert CODES not in client.get(reverse("mediation:entry")).content.decode()
