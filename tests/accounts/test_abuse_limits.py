"""Limits on the login and password-reset pages (issue #10, item 16): password spraying from one address across
usernames is locked out, and password-reset requests are rate limited per address and per e-mail."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD


def test_password_spraying_from_one_address_is_locked_out_across_usernames(world, settings):
    settings.ALTM_ADDRESS_FAILURE_LIMIT = 8
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    usernames = [world.mediator, world.manager, world.counsellor, world.mediator_other_team]
    # Two wrong passwords per username: never five on one account, eight from the address.
    answers = [
        attacker.post(reverse("login"), {"username": user.username, "password": "Printemps2026!"}).status_code
        for user in usernames * 2
    ]
    assert answers == [200] * 7 + [429]
    locked = attacker.post(reverse("login"), {"username": world.manager_other_team.username, "password": PASSWORD})
    assert locked.status_code == 429
    # Another address is not affected.
    colleague = Client(REMOTE_ADDR="198.51.100.2")
    response = colleague.post(reverse("login"), {"username": world.manager_other_team.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_few_typos_from_a_shared_address_lock_nobody_else(world):
    office = Client(REMOTE_ADDR="192.0.2.10")
    for user in (world.mediator, world.manager, world.counsellor):
        office.post(reverse("login"), {"username": user.username, "password": "faute de frappe"})
    response = office.post(reverse("login"), {"username": world.mediator_other_team.username, "password": PASSWORD})
    assert response.status_code == 302


def with_emails(world):
    for user in (world.mediator, world.manager):
        user.email = f"{user.username}@altm.invalid"
        user.save()


def reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_password_reset_requests_are_limited_per_address(world, settings):
    settings.ALTM_PASSWORD_RESET_LIMITS = (3, 10, 3600)
    with_emails(world)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert reset(client, world.mediator.email).status_code == 302
    refused = reset(client, world.manager.email)
    assert refused.status_code == 429
    assert "Trop de demandes de réinitialisation" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another address still may.
    assert reset(Client(REMOTE_ADDR="198.51.100.2"), world.manager.email).status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_requests_are_limited_per_email(world, settings):
    settings.ALTM_PASSWORD_RESET_LIMITS = (10, 2, 3600)
    with_emails(world)
    for number in range(2):
        assert reset(Client(REMOTE_ADDR=f"203.0.113.{number}"), world.mediator.email.upper()).status_code == 302
    refused = reset(Client(REMOTE_ADDR="203.0.113.99"), world.mediator.email)
    assert refused.status_code == 429
    assert len(mail.outbox) == 2


def test_logging_into_ones_own_account_does_not_clear_the_address_count(world, settings):
    settings.ALTM_ADDRESS_FAILURE_LIMIT = 6
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for user in (world.manager, world.counsellor, world.mediator_other_team, world.manager_other_team, world.manager):
        attacker.post(reverse("login"), {"username": user.username, "password": "Printemps2026!"})
    own = attacker.post(reverse("login"), {"username": world.mediator.username, "password": PASSWORD})
    assert own.status_code == 302
    attacker.logout()
    locked = attacker.post(reverse("login"), {"username": world.counsellor.username, "password": "Été2026!"})
    assert locked.status_code == 429
