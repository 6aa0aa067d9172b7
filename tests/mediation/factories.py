"""Factories for mediation: each builds a valid object with sensible defaults.

Lines and case work belong to a team covering their territory and are authored by one of its mediators: pass the
world's territory (`territory=world.territory_a`) and the world's team and mediator are found, not new ones.
Activity types are loaded by a data migration: `ActivityTypeFactory(code="presence")` fetches the existing one.
"""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from mediation import services
from mediation.activity_types import ACTIVITY_TYPES
from mediation.models import (
    ActivityType,
    ConflictCase,
    ConflictParties,
    ConflictSession,
    FollowUp,
    FollowUpKind,
    Intervention,
    Landlord,
    Person,
    Qpv,
    SessionKind,
    Site,
    Team,
    TechnicalReport,
    Territory,
)
from tests.accounts.factories import UserFactory

CATALOGUE = {code: (family, label, flags) for code, family, label, flags in ACTIVITY_TYPES}


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def team_covering(territory: Territory) -> Team:
    """The first team (by name) covering the territory, or a new one."""
    return Team.objects.filter(territories=territory).order_by("name").first() or TeamFactory(territories=[territory])


def mediator_of(team: Team) -> User:
    """The team's first mediator, or a new one joining it."""
    mediator = team.mediators.order_by("pk").first()
    if mediator is None:
        mediator = UserFactory(role=Role.MEDIATOR)
        team.mediators.add(mediator)
    return mediator


def related(field: str) -> factory.PostGeneration:
    """A many-to-many field given as a list (`TeamFactory(mediators=[...])`), added once the object is saved."""

    def add(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).add(*extracted)

    return factory.PostGeneration(add)


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttribute(lambda o: f"Secteur {o.code}")


class LandlordFactory(DjangoModelFactory):
    class Meta:
        model = Landlord
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Bailleur {n}")
    full_name = factory.LazyAttribute(lambda o: f"{o.name} Habitat")


class QpvFactory(DjangoModelFactory):
    class Meta:
        model = Qpv
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"QP069{n:03d}")
    name = factory.Sequence(lambda n: f"Quartier {n}")


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Résidence {n}")


class TeamFactory(DjangoModelFactory):
    """`TeamFactory(territories=[...], mediators=[...], managers=[...])`; a new territory when none is given."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Équipe {n}")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create:
            self.territories.add(*(extracted if extracted is not None else [TerritoryFactory()]))

    mediators = related("mediators")
    managers = related("managers")


class ActivityTypeFactory(DjangoModelFactory):
    """Fetches the activity type of that code; creates it from the catalogue (or as a new code) when missing."""

    class Meta:
        model = ActivityType
        django_get_or_create = ("code",)

    code = "presence"
    family = factory.LazyAttribute(lambda o: CATALOGUE.get(o.code, ("presence",))[0])
    label = factory.LazyAttribute(lambda o: CATALOGUE[o.code][1] if o.code in CATALOGUE else o.code)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        flags = CATALOGUE[kwargs["code"]][2] if kwargs["code"] in CATALOGUE else {}
        return super()._create(model_class, *args, **(flags | kwargs))

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return cls._create(model_class, *args, **kwargs)  # reference data: a built line points at the stored row


class PersonFactory(DjangoModelFactory):
    """A person followed by a team covering their territory."""

    class Meta:
        model = Person

    alias = "Yanis"
    territory = factory.SubFactory(TerritoryFactory)
    team = factory.LazyAttribute(lambda o: team_covering(o.territory))


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    person = factory.SubFactory(PersonFactory)
    kind = FollowUpKind.YOUNG_ADULT
    territory = factory.SelfAttribute("person.territory")
    team = factory.SelfAttribute("person.team")
    mediator = factory.LazyAttribute(lambda o: mediator_of(o.team))
    started_on = factory.LazyFunction(yesterday)


class InterventionFactory(DjangoModelFactory):
    """A line of yesterday, by a mediator of a team covering the territory (found or made)."""

    class Meta:
        model = Intervention

    date = factory.LazyFunction(yesterday)
    territory = factory.SubFactory(TerritoryFactory)
    team = factory.LazyAttribute(lambda o: team_covering(o.territory))
    author = factory.LazyAttribute(lambda o: mediator_of(o.team) if o.team else None)
    activity_type = factory.SubFactory(ActivityTypeFactory)


class RecordedInterventionFactory(InterventionFactory):
    """The same line recorded through `services.record_intervention`, as a mediator would: it is validated, its team
    is the author's team covering the territory, and the creation is in the audit trail. `actor` defaults to the
    author."""

    team = None
    author = factory.LazyAttribute(lambda o: mediator_of(team_covering(o.territory)))
    actor = factory.SelfAttribute("author")

    @classmethod
    def _create(cls, model_class, *args, actor, **kwargs):
        line, _created = services.record_intervention(actor=actor, **kwargs)
        return line


class ConflictCaseFactory(DjangoModelFactory):
    class Meta:
        model = ConflictCase

    title = factory.Sequence(lambda n: f"Conflit {n}")
    territory = factory.SubFactory(TerritoryFactory)
    team = factory.LazyAttribute(lambda o: team_covering(o.territory))
    parties = ConflictParties.RESIDENTS
    opened_on = factory.LazyFunction(yesterday)


class ConflictSessionFactory(DjangoModelFactory):
    """A session and the line it is counted as (activity type = the session's kind), on the case's team."""

    class Meta:
        model = ConflictSession

    case = factory.SubFactory(ConflictCaseFactory)
    kind = SessionKind.ROUND_TABLE
    date = factory.SelfAttribute("case.opened_on")
    intervention = factory.SubFactory(
        InterventionFactory,
        date=factory.SelfAttribute("..date"),
        territory=factory.SelfAttribute("..case.territory"),
        team=factory.SelfAttribute("..case.team"),
        conflict_case=factory.SelfAttribute("..case"),
        activity_type=factory.SubFactory(ActivityTypeFactory, code=factory.SelfAttribute("...kind")),
    )


class TechnicalReportFactory(DjangoModelFactory):
    class Meta:
        model = TechnicalReport

    landlord = factory.SubFactory(LandlordFactory)
    territory = factory.SubFactory(TerritoryFactory)
    team = factory.LazyAttribute(lambda o: team_covering(o.territory))
    place = "Allée 3, hall"
    problem = "Porte de hall cassée"
    reported_on = factory.LazyFunction(yesterday)
