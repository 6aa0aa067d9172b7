"""A person record is created by one service (`prepare_person` + `create_person`) whichever path creates it: a
follow-up of a new person, or a partner's referral of a young person to the mediators. Ages have one home too."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from mediation import rules, services
from mediation.models import AgeBand, FollowUpKind, Person, ReferralMode
from partners.services import record_incoming_referral


def by_followup(world, *, alias="Yanis", birth_year=2005):
    followup, _created = services.record_followup(
        actor=world.mediator,
        kind=FollowUpKind.ISOLATED,
        team=world.team_a,
        started_on=date(2026, 10, 1),
        new_person={"alias": alias, "birth_year": birth_year, "gender": "M", "territory": world.territory_a},
    )
    return followup.person


def by_partner_referral(world, *, alias="Yanis", birth_year=2005):
    referral, _created = record_incoming_referral(
        actor=world.counsellor,
        organisation=world.organisation,
        date=date(2026, 10, 1),
        mode=ReferralMode.TELEPHONE,
        territory=world.territory_a,
        alias=alias,
        birth_year=birth_year,
        gender="M",
        person_agreed=True,
    )
    return referral.person


PATHS = [by_followup, by_partner_referral]


@pytest.mark.parametrize("create", PATHS)
def test_the_age_band_follows_from_the_birth_year_on_every_path(world, create):
    person = create(world, birth_year=2008)
    assert person.age_band == rules.age_band(person.age_on(date.today())) == AgeBand.YOUNG_16_25
    assert person.team == world.team_a and person.last_contact_on == date(2026, 10, 1)


@pytest.mark.parametrize("create", PATHS)
@pytest.mark.parametrize("birth_year", [1850, 2100])
def test_an_impossible_birth_year_is_refused_on_every_path(world, create, birth_year):
    with pytest.raises(ValidationError) as excinfo:
        create(world, birth_year=birth_year)
    assert excinfo.value.message_dict["birth_year"] == ["Année de naissance invalide."]
    assert not Person.objects.exists()


@pytest.mark.parametrize("create", PATHS)
def test_an_alias_too_long_is_refused_on_every_path(world, create):
    with pytest.raises(ValidationError) as excinfo:
        create(world, alias="x" * 200)
    assert "alias" in excinfo.value.message_dict
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("birth_year", "age_band", "minor"),
    [(2009, "", True), (2008, "", False), (None, AgeBand.UNDER_16, True), (None, AgeBand.YOUNG_16_25, False)],
)
def test_is_minor_by_birth_year_else_by_band(birth_year, age_band, minor):
    person = Person(birth_year=birth_year, age_band=age_band)
    assert rules.is_minor(person, date(2026, 6, 1)) is minor
