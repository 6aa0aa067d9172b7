import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mediation import services
from mediation.models import AgeBand, FollowUp, FollowUpKind, Person
from tests.clock import frozen

pytestmark = frozen()


def start_followup(world, *, mediator=None, alias="Yanis", birth_year=2005, kind=FollowUpKind.ISOLATED, **extra):
    followup, _ = services.record_followup(
        actor=mediator or world.mediator,
        kind=kind,
        team=world.team_a,
        started_on=extra.pop("started_on", date(2026, 10, 1)),
        new_person={"alias": alias, "birth_year": birth_year, "gender": "M", "territory": world.territory_a},
        **extra,
    )
    return followup


def create_post(world, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "alias": "Lina",
        "birth_year": "2007",
        "gender": "F",
        "territory": world.territory_a.pk,
        "kind": "young_adult",
        "started_on": timezone.localdate().isoformat(),
        "next_action_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "next_action": "Rendez-vous Mission Locale",
    } | extra


def test_create_page_makes_a_minimal_person_and_derives_the_age_band(world, client):
    client.force_login(world.mediator)
    data = create_post(world)
    response = client.post(reverse("mediation:followup_create"), data)
    person = Person.objects.get()
    assert response["Location"] == person.get_absolute_url()
    assert (person.alias, person.birth_year, person.age_band, person.team) == ("Lina", 2007, "16_25", world.team_a)
    followup = FollowUp.objects.get()
    assert (followup.mediator, followup.kind, followup.next_action) == (
        world.mediator,
        "young_adult",
        data["next_action"],
    )
    client.post(reverse("mediation:followup_create"), data)  # double submit
    assert FollowUp.objects.count() == Person.objects.count() == 1


def test_a_known_person_is_reused(world, client):
    first = start_followup(world)
    client.force_login(world.manager)
    data = create_post(world, person=first.person.pk, alias="", kind="resident_referent")
    response = client.post(reverse("mediation:followup_create"), data)
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert FollowUp.objects.filter(person=first.person).count() == 2


def test_person_of_another_team_cannot_be_chosen(world, client):
    other = services.record_followup(
        actor=world.mediator_other_team,
        kind=FollowUpKind.ISOLATED,
        team=world.team_b,
        started_on=date(2026, 10, 1),
        new_person={"alias": "Marcel", "birth_year": 1940, "gender": "M", "territory": world.territory_b},
    )[0]
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:followup_create"), create_post(world, person=other.person.pk))
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize(
    ("birth_year", "age_band", "error"),
    [
        ("1990", "", "Un suivi jeune adulte concerne les 16-25 ans : cette personne a 36 ans."),
        ("2012", "", "Un suivi jeune adulte concerne les 16-25 ans : cette personne a 14 ans."),
        (
            "",
            "26_59",
            "Un suivi jeune adulte concerne les 16-25 ans : indiquez l'année de naissance ou la tranche 16-25 ans.",
        ),
        (
            "",
            "",
            "Un suivi jeune adulte concerne les 16-25 ans : indiquez l'année de naissance ou la tranche 16-25 ans.",
        ),
    ],
)
def test_young_adult_follow_up_requires_16_to_25(world, client, birth_year, age_band, error):
    client.force_login(world.mediator)
    data = create_post(world, birth_year=birth_year, age_band=age_band, started_on="2026-11-02")
    response = client.post(reverse("mediation:followup_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [error]
    assert response.context["form"]["alias"].value() == "Lina"  # nothing typed is lost
    assert Person.objects.count() == FollowUp.objects.count() == 0


@pytest.mark.parametrize(("birth_year", "age_band"), [("2010", ""), ("2001", ""), ("", "16_25")])
def test_young_adult_bounds_are_accepted(world, birth_year, age_band):
    followup, _ = services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.YOUNG_ADULT,
        team=world.team_a,
        started_on=date(2026, 11, 2),
        new_person={
            "alias": "Sami",
            "birth_year": int(birth_year) if birth_year else None,
            "age_band": age_band,
            "gender": "M",
            "territory": world.territory_a,
        },
    )
    assert followup.person.age_band == AgeBand.YOUNG_16_25


def test_due_follow_ups_come_first_and_are_highlighted(world, client):
    today = timezone.localdate()
    start_followup(world, alias="Plus tard", next_action_on=today + timedelta(days=10))
    start_followup(world, alias="En retard", next_action_on=today - timedelta(days=3))
    start_followup(world, alias="Sans date")
    start_followup(world, alias="Aujourd'hui", next_action_on=today)
    ended = start_followup(world, alias="Terminé", next_action_on=today - timedelta(days=30))
    services.update_followup(actor=world.mediator, followup=ended, next_action_on=None, ended_on=today)
    start_followup(world, mediator=world.manager, alias="Celui du manager", next_action_on=today)
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:followup_list"))
    assert [f.person.alias for f in response.context["page"]] == ["En retard", "Aujourd'hui", "Plus tard", "Sans date"]
    assert response.context["due_count"] == 2
    html = response.content.decode()
    assert html.count("is-due") == 2
    assert "En retard" in html and "2 suivis ont une action à faire aujourd'hui ou en retard." in html
    # The manager sees the whole team, their own follow-up included.
    client.force_login(world.manager)
    response = client.get(reverse("mediation:followup_list"))
    assert response.context["due_count"] == 3
    assert len(response.context["page"]) == 5


def test_other_team_sees_none_and_gets_404(world, client):
    followup = start_followup(world)
    client.force_login(world.mediator_other_team)
    assert client.get(reverse("mediation:followup_list"), {"scope": "team"}).context["page"].paginator.count == 0
    assert client.get(reverse("mediation:followup_edit", args=[followup.pk])).status_code == 404


def test_edit_plans_next_action_and_ends_the_follow_up(world, client):
    followup = start_followup(world)
    client.force_login(world.mediator)
    url = reverse("mediation:followup_edit", args=[followup.pk])
    response = client.post(url, {"next_action_on": "", "note": "", "ended_on": "2026-09-01"})
    assert response.context["form"].errors["ended_on"] == [
        "La date ne peut pas précéder le début du suivi (01/10/2026)."
    ]
    response = client.post(url, {"next_action_on": "2026-12-01", "next_action": "Appel", "ended_on": "2026-11-03"})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.ended_on == date(2026, 11, 3) and followup.next_action == "Appel"
    assert FollowUp.objects.active().count() == 0


def test_start_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        start_followup(world, started_on=timezone.localdate() + timedelta(days=2))
    assert exc.value.message_dict["started_on"] == ["La date ne peut pas être dans le futur."]


def test_list_query_count_does_not_grow_with_rows(world, client, django_assert_num_queries):
    client.force_login(world.manager)
    url = reverse("mediation:followup_list")
    for n in range(2):
        start_followup(world, alias=f"P{n}", next_action_on=date(2026, 11, 1))
    client.get(url)
    with django_assert_num_queries(8) as few:  # 6, and the options of the territory and team filters
        client.get(url)
    for n in range(15):
        start_followup(world, alias=f"Q{n}", next_action_on=date(2026, 12, n + 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_list_shows_the_follow_ups_active_in_a_period_with_the_persons_they_concern(client, world):
    from tests.mediation.factories import FollowUpFactory, SiteFactory

    other_territory = SiteFactory(territory__code="L7", territory__name="Lyon 7").territory
    world.team_a.territories.add(other_territory)
    in_a = dict(team=world.team_a, territory=world.territory_a, mediator=world.mediator)
    FollowUpFactory(
        person__territory=world.territory_a, started_on=date(2026, 3, 1), ended_on=date(2026, 4, 30), **in_a
    )
    FollowUpFactory(person__territory=world.territory_a, started_on=date(2026, 5, 2), **in_a)  # after the period
    FollowUpFactory(
        person__territory=world.territory_a, started_on=date(2025, 1, 1), ended_on=date(2026, 2, 1), **in_a
    )
    FollowUpFactory(
        person__territory=other_territory,
        team=world.team_a,
        territory=other_territory,
        mediator=world.mediator,
        started_on=date(2026, 4, 1),
    )
    client.force_login(world.manager)
    url = reverse("mediation:followup_list")
    page = client.get(url, {"start": "2026-04-01", "end": "2026-04-30", "scope": "team"})
    assert page.context["persons"] == 2 and page.context["page"].paginator.count == 2
    assert "2 suivis actifs sur la période" in " ".join(page.content.decode().split())
    page = client.get(url, {"start": "2026-04-01", "end": "2026-04-30", "territory": world.territory_a.pk})
    assert page.context["persons"] == 1
    assert "1 suivi actif sur la période, pour <strong>1</strong> personne distincte." in page.content.decode()
    page = client.get(url, {"start": "2026-04-30", "end": "2026-04-01"})
    assert page.status_code == 200 and "La fin de période précède le début." in page.content.decode()
    # Without a period, the list is what it was: the follow-ups in progress.
    assert client.get(url).context["page"].paginator.count == 2
