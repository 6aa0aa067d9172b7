"""Person search within the mediator's team: alias, birth year, site; never another team's, never anonymised."""

from django.urls import reverse
from django.utils import timezone

from mediation import services
from mediation.models import FollowUpKind, Intervention, Person
from tests.clock import frozen
from tests.mediation.factories import PersonFactory, RecordedInterventionFactory, SiteFactory

pytestmark = frozen()


def person(world, alias, birth_year, *, team=None, territory=None):
    return PersonFactory(
        alias=alias, birth_year=birth_year, team=team or world.team_a, territory=territory or world.territory_a
    )


def names(response):
    return [p.alias for p in response.context["page"]]


def test_finds_by_alias_birth_year_and_site_within_the_team(client, world, django_assert_num_queries):
    yanis = person(world, "Yanis", 2005)
    person(world, "Yasmine", 1990)
    person(world, "Mme R.", 1950)
    person(world, "Yanis B.", 2005, team=world.team_b, territory=world.territory_b)  # another team
    gone = person(world, "Yanick", 2004)
    Person.objects.filter(pk=gone.pk).update(anonymised_at=timezone.now())
    mermoz = SiteFactory(territory=world.territory_a, name="Mermoz")
    RecordedInterventionFactory(
        author=world.mediator,
        territory=world.territory_a,
        site=mermoz,
        activity_type=world.activity("active_listening"),
    )
    services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.ISOLATED,
        team=world.team_a,
        person=yanis,
        started_on=timezone.localdate(),
    )
    Intervention.objects.filter(site=mermoz).update(person=yanis)
    client.force_login(world.mediator)
    url = reverse("mediation:person_search")
    with django_assert_num_queries(9):
        response = client.get(url)
    assert names(response) == ["Mme R.", "Yanis", "Yasmine"]
    assert names(client.get(url, {"q": "ya"})) == ["Yanis", "Yasmine"]
    assert names(client.get(url, {"birth_year": "2005"})) == ["Yanis"]
    assert names(client.get(url, {"site": mermoz.pk})) == ["Yanis"]
    assert names(client.get(url, {"q": "zz"})) == []
    client.force_login(world.mediator_other_team)
    assert names(client.get(url, {"q": "ya"})) == ["Yanis B."]


def test_bad_parameters_get_french_messages_not_a_500(client, world):
    person(world, "Yanis", 2005)
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:person_search"), {"birth_year": "deux mille", "site": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez une année (4 chiffres)." in html and "Site inconnu." in html


def test_director_and_counsellors_have_no_search(client, world):
    for user in (world.director, world.counsellor, world.admin):
        client.force_login(user)
        assert client.get(reverse("mediation:person_search")).status_code == 403
