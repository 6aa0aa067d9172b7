"""Login lockout behind the reverse proxy: failures count against the real client address, not the proxy's."""

from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD


def fail_five_times(client: Client, **headers):
    for _ in range(5):
        client.post(reverse("login"), {"username": "mediateur", "password": "mauvais"}, **headers)


def test_behind_the_proxy_a_lockout_blocks_only_the_attacker(world, settings):
    settings.ALTM_PROXY_IP_HEADER = "HTTP_X_REAL_IP"
    attacker = Client(REMOTE_ADDR="127.0.0.1")
    fail_five_times(attacker, HTTP_X_REAL_IP="203.0.113.7")
    locked = attacker.post(
        reverse("login"), {"username": "mediateur", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.7"
    )
    assert locked.status_code == 429
    colleague = Client(REMOTE_ADDR="127.0.0.1")
    response = colleague.post(
        reverse("login"), {"username": "mediateur", "password": PASSWORD}, HTTP_X_REAL_IP="198.51.100.2"
    )
    assert response.status_code == 302


def test_the_header_is_ignored_when_not_sent_by_the_proxy(world, settings):
    settings.ALTM_PROXY_IP_HEADER = "HTTP_X_REAL_IP"
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(5):  # a forged header changing at each try must not dodge the lockout
        attacker.post(reverse("login"), {"username": "mediateur", "password": "mauvais"}, HTTP_X_REAL_IP=f"10.0.0.{n}")
    response = attacker.post(
        reverse("login"), {"username": "mediateur", "password": PASSWORD}, HTTP_X_REAL_IP="10.0.0.99"
    )
    assert response.status_code == 429
