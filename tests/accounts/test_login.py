from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD


def test_login_page_is_in_french(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Connexion" in html and "Mot de passe oublié" in html


def test_login_with_wrong_password_says_so_in_french(client, world):
    response = client.post(reverse("login"), {"username": "mediateur", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_each_role_lands_on_its_own_home(world):
    for role in ["mediator", "manager", "director", "counsellor", "admin"]:
        client = Client()
        user = world.user(role)
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
        assert response.status_code == 200, role
        assert response.context["user"] == user


def test_login_locks_after_five_failures(world):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        client.post(reverse("login"), {"username": "mediateur", "password": "mauvais"})
    response = client.post(reverse("login"), {"username": "mediateur", "password": PASSWORD})
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()


def test_short_passwords_are_refused(world, client):
    client.force_login(world.mediator)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "court-1", "new_password2": "court-1"},
    )
    assert response.status_code == 200
    assert "au minimum 12 caractères" in response.content.decode()


def test_home_sends_each_role_to_the_first_page_of_its_navigation(world):
    from altm.context_processors import navigation_for

    for role in ["mediator", "manager", "director", "counsellor", "admin"]:
        client = Client()
        user = world.user(role)
        client.force_login(user)
        response = client.get(reverse("home"))
        entries = navigation_for(user)
        if entries:
            assert response.status_code == 302
            assert response["Location"] == entries[0]["url"]
        else:
            assert "À venir" in response.content.decode()


def test_an_english_browser_still_gets_french(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "Connexion" in html
    assert "Nom d’utilisateur" in html
