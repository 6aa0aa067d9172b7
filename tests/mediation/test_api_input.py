"""The JSON API facing bad input: a reused identifier with other content, CSRF failures and oversized bodies all
answer JSON in French (issue #10, item 15)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from mediation.models import Intervention
from tests.mediation.test_entry import payload, post_json


def test_same_uuid_with_other_content_answers_409_and_changes_nothing(client, world):
    client.force_login(world.mediator)
    body = payload(world, note="première version")
    assert post_json(client, body).status_code == 201
    response = post_json(client, {**body, "count": 5, "note": "autre saisie"})
    assert response.status_code == 409
    message = response.json()["errors"]["__all__"][0]
    assert "déjà servi pour une autre saisie" in message and "count, note" in message
    line = Intervention.objects.get()
    assert (line.count, line.note) == (2, "première version")


def test_same_uuid_with_the_same_content_stays_200(client, world):
    client.force_login(world.mediator)
    body = payload(world, women="", note="x")
    assert post_json(client, body).status_code == 201
    assert post_json(client, body).status_code == 200
    assert post_json(client, {**body, "count": "2"}).status_code == 200  # same value, sent as text
    assert Intervention.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_ACCEPT": "application/json"}],
    ids=["api-path", "accept-json"],
)
def test_csrf_failure_on_the_api_answers_json_in_french(world, headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.mediator)
    response = client.post(
        reverse("mediation:api_intervention"), json.dumps(payload(world)), content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "Jeton de sécurité (CSRF)" in response.json()["errors"]["__all__"][0]
    assert Intervention.objects.count() == 0


def test_csrf_failure_of_a_page_stays_html(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:entry"), {"count": 1})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_an_oversized_body_answers_json_413_in_french(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(world.mediator)
    response = post_json(client, payload(world, note="x" * 2000))
    assert response.status_code == 413
    assert response.json()["errors"]["__all__"] == ["Requête trop volumineuse : rien n'a été enregistré."]
    assert Intervention.objects.count() == 0
