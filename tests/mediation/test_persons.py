from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from mediation import services
from mediation.models import FollowUpKind, PersonReadLog
from tests.accounts.factories import UserFactory


@pytest.fixture
def person(world):
    followup, _ = services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.ISOLATED,
        team=world.team_a,
        started_on=date(2026, 10, 1),
        new_person={"alias": "Mme Rose", "birth_year": 1948, "gender": "F", "territory": world.territory_a},
    )
    return followup.person


def open_as(user, person, reason=None):
    client = Client()
    client.force_login(user)
    url = reverse("mediation:person_detail", args=[person.pk])
    return client.get(url) if reason is None else client.post(url, {"reason": reason})


def test_owning_team_reads_without_a_log_entry(world, person):
    for user in (world.mediator, world.manager):
        response = open_as(user, person)
        assert response.status_code == 200
        assert "Mme Rose" in response.content.decode()
        assert "Personne isolée ou fragilisée" in response.content.decode()
    assert PersonReadLog.objects.count() == 0


def test_director_is_asked_why_and_each_opening_is_logged(world, person):
    response = open_as(world.director, person)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mme Rose" not in html  # nothing shown before the opening is logged
    assert "Pourquoi consultez-vous cette fiche ?" in html
    assert PersonReadLog.objects.count() == 0
    response = open_as(world.director, person, reason="Demande de droit d'accès")
    html = response.content.decode()
    assert "Mme Rose" in html
    log = PersonReadLog.objects.get()
    assert (log.user, log.person, log.reason) == (world.director, person, "Demande de droit d'accès")
    assert "Journal des consultations hors équipe" in html
    assert [entry.reason for entry in response.context["read_logs"]] == ["Demande de droit d'accès"]
    open_as(world.director, person, reason="")
    assert PersonReadLog.objects.count() == 2


def test_team_members_do_not_see_the_read_log(world, person):
    services.log_person_read(user=world.director, person=person, reason="Contrôle")
    html = open_as(world.mediator, person).content.decode()
    assert "Journal des consultations" not in html and "Contrôle" not in html


@pytest.mark.parametrize("role", ["mediator_other_team", "manager_other_team", "counsellor", "admin"])
def test_outside_readers_without_a_rule_get_404_and_nothing_is_logged(world, person, role):
    assert open_as(world.user(role), person).status_code == 404
    assert open_as(world.user(role), person, reason="curiosité").status_code == 404
    assert PersonReadLog.objects.count() == 0


def test_a_mediator_in_both_teams_is_in_the_owning_team(world, person):
    both = UserFactory(username="polyvalent", role=Role.MEDIATOR)
    world.team_a.mediators.add(both)
    world.team_b.mediators.add(both)
    assert open_as(both, person).status_code == 200
    assert PersonReadLog.objects.count() == 0


def test_person_page_query_count_is_constant(world, person, django_assert_num_queries):
    client = Client()
    client.force_login(world.director)
    url = reverse("mediation:person_detail", args=[person.pk])
    client.post(url, {"reason": "a"})
    with django_assert_num_queries(7) as few:
        client.post(url, {"reason": "b"})
    for n in range(5):
        services.record_followup(
            actor=world.mediator,
            kind=FollowUpKind.ISOLATED,
            team=world.team_a,
            started_on=date(2026, 10, n + 2),
            person=person,
        )
        services.log_person_read(user=world.director, person=person, reason=f"r{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.post(url, {"reason": "c"})
