"""Factories for partners, and helpers that record partner objects through the services on top of the `world`
fixture (team A, organisation A by default)."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role
from mediation.models import Gender, Person, ReferralMode
from partners import services
from partners.models import (
    REFERRAL_CATEGORIES,
    AdultRelayPost,
    Amendment,
    Attribution,
    Commitment,
    CommitmentKind,
    Consent,
    ConsentForm,
    Convention,
    Dispositif,
    DispositifKind,
    EventKind,
    Funder,
    FunderKind,
    InformationShare,
    LegalBasis,
    OrganisationKind,
    PartnerContact,
    PartnerEvent,
    PartnerOrganisation,
    Referral,
    ReferralDirection,
    SharingPurpose,
)
from tests.accounts.factories import UserFactory
from tests.mediation.factories import (
    PersonFactory,
    QpvFactory,
    TerritoryFactory,
    mediator_of,
    related,
    team_covering,
    yesterday,
)


class PartnerOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = OrganisationKind.MISSION_LOCALE


class PartnerContactFactory(DjangoModelFactory):
    """A counsellor of the organisation; `user=None` for a contact without an account."""

    class Meta:
        model = PartnerContact

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    name = factory.Sequence(lambda n: f"Conseiller {n}")
    user = factory.SubFactory(UserFactory, role=Role.COUNSELLOR)


class ConventionFactory(DjangoModelFactory):
    """A convention signed on 15 May 2025 (`signed_on=None` for a draft)."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    title = "Convention de partenariat"
    signed_on = date(2025, 5, 15)

    sites = related("sites")


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    convention = factory.SubFactory(ConventionFactory)
    kind = CommitmentKind.MEETING
    planned_per_year = 1


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    convention = factory.SubFactory(ConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    signed_on = factory.LazyFunction(timezone.localdate)
    subject = "Avenant"


class PartnerEventFactory(DjangoModelFactory):
    class Meta:
        model = PartnerEvent

    convention = factory.SubFactory(ConventionFactory)
    kind = EventKind.MEETING
    date = factory.LazyFunction(yesterday)


class ConsentFactory(DjangoModelFactory):
    """An oral consent given ten days ago to one organisation, for every referral category."""

    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    recipient_organisation = factory.SubFactory(PartnerOrganisationFactory)
    categories = factory.LazyFunction(lambda: list(REFERRAL_CATEGORIES))
    form = ConsentForm.ORAL
    given_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    recorded_by = factory.LazyAttribute(lambda o: mediator_of(o.person.team))


class ReferralFactory(DjangoModelFactory):
    """A simple outgoing referral (no person) of yesterday, by a team covering the territory."""

    class Meta:
        model = Referral

    date = factory.LazyFunction(yesterday)
    direction = ReferralDirection.TO_PARTNER
    mode = ReferralMode.SIMPLE
    organisation = factory.SubFactory(PartnerOrganisationFactory)
    partner_name = factory.SelfAttribute("organisation.name")
    territory = factory.SubFactory(TerritoryFactory)
    team = factory.LazyAttribute(lambda o: team_covering(o.territory))
    created_by = factory.LazyAttribute(lambda o: mediator_of(o.team))


class InformationShareFactory(DjangoModelFactory):
    """A share with the person's consent to the consent's organisation."""

    class Meta:
        model = InformationShare

    consent = factory.SubFactory(ConsentFactory)
    person = factory.SelfAttribute("consent.person")
    to_organisation = factory.SelfAttribute("consent.recipient_organisation")
    recipient_name = factory.SelfAttribute("to_organisation.name")
    team = factory.SelfAttribute("person.team")
    shared_by = factory.LazyAttribute(lambda o: mediator_of(o.team))
    sender_name = factory.LazyAttribute(lambda o: str(o.shared_by))
    categories = factory.LazyFunction(lambda: list(REFERRAL_CATEGORIES))
    purpose = SharingPurpose.EMPLOYMENT
    legal_basis = LegalBasis.CONSENT
    justification = "Préparer le premier rendez-vous."
    shared_on = factory.LazyFunction(timezone.localdate)


def make_person(world, *, team=None, alias="Yanis", birth_year=2004, gender=Gender.MAN, **extra) -> Person:
    team = team or world.team_a
    return PersonFactory(
        alias=alias, birth_year=birth_year, gender=gender, territory=team.territories.first(), team=team, **extra
    )


def make_consent(world, person, *, organisation=None, categories=None, given_on=None, expires_on=None, **extra):
    return services.record_consent(
        actor=world.mediator,
        person=person,
        recipient_organisation=organisation if organisation is not None else world.organisation,
        purpose=extra.pop("purpose", ""),
        categories=list(categories if categories is not None else REFERRAL_CATEGORIES),
        form=extra.pop("form", ConsentForm.ORAL),
        given_on=given_on or timezone.localdate() - timedelta(days=10),
        expires_on=expires_on,
        **extra,
    )


def make_referral(world, *, mode=ReferralMode.TELEPHONE, person=None, organisation=None, actor=None, **extra):
    organisation = organisation or world.organisation
    if mode != ReferralMode.SIMPLE and person is None:
        person = make_person(world)
        make_consent(world, person, organisation=organisation)
    referral, _ = services.record_referral(
        actor=actor or world.mediator,
        date=extra.pop("date", timezone.localdate()),
        mode=mode,
        organisation=organisation,
        counsellor=extra.pop("counsellor", PartnerContact.objects.filter(organisation=organisation).first()),
        territory=extra.pop("territory", world.territory_a),
        person=person,
        reason=extra.pop("reason", "recherche de formation"),
        counsellor_agreed=extra.pop("counsellor_agreed", mode == ReferralMode.PHYSICAL),
        **extra,
    )
    return referral


def make_convention(world, *, organisation=None, signed_on=date(2025, 5, 15), **extra) -> Convention:
    convention = ConventionFactory(
        organisation=organisation or world.organisation,
        signed_on=signed_on,
        sites=[world.site_a, world.site_b],
        **extra,
    )
    CommitmentFactory(convention=convention, kind=CommitmentKind.MEETING, planned_per_year=3, per_site=True)
    CommitmentFactory(convention=convention, kind=CommitmentKind.PRESENTATION, planned_per_year=1)
    return convention


def make_share(world, person, *, organisation=None, **extra):
    return services.share_information(
        actor=world.mediator,
        person=person,
        to_organisation=organisation or world.organisation,
        categories=extra.pop("categories", list(REFERRAL_CATEGORIES)),
        purpose=extra.pop("purpose", SharingPurpose.EMPLOYMENT),
        legal_basis=extra.pop("legal_basis", LegalBasis.CONSENT),
        justification=extra.pop("justification", "Préparer le premier rendez-vous."),
        **extra,
    )


def make_situation(world, person=None, *, organisation=None, actor=None, **extra):
    """A situation shared with organisation A (by default) on a fresh consent of a team A person."""
    organisation = organisation or world.organisation
    if person is None:
        person = make_person(world, alias=extra.pop("alias", "Inès"))
        make_consent(world, person, organisation=organisation)
    return services.open_shared_situation(
        actor=actor or world.mediator,
        person=person,
        organisation=organisation,
        partner_referent=extra.pop(
            "partner_referent", PartnerContact.objects.filter(organisation=organisation).first()
        ),
        **extra,
    )


def partner_objects(world) -> dict:
    """One of each object, belonging to team A and organisation A (cached on the world)."""
    if "partners" not in world.extra:
        person = make_person(world)
        consent = make_consent(world, person)
        referral = make_referral(world, person=person)
        share = make_share(world, person)
        world.extra["partners"] = {
            "person": person,
            "consent": consent,
            "referral": referral,
            "share": share,
            "convention": make_convention(world),
            "situation": make_situation(world, person),
        }
    return world.extra["partners"]


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"financeur-{n}")
    name = factory.Sequence(lambda n: f"Financeur {n}")
    kind = FunderKind.CITY


class DispositifFactory(DjangoModelFactory):
    class Meta:
        model = Dispositif

    funder = factory.SubFactory(FunderFactory)
    name = factory.Sequence(lambda n: f"Dispositif {n}")
    kind = DispositifKind.CITY_CONTRACT


class AttributionFactory(DjangoModelFactory):
    """A territory attributed to a dispositif for good (pass `team=` or `site=` with `territory=None`)."""

    class Meta:
        model = Attribution

    dispositif = factory.SubFactory(DispositifFactory)
    territory = factory.SubFactory(TerritoryFactory)


class AdultRelayPostFactory(DjangoModelFactory):
    class Meta:
        model = AdultRelayPost

    dispositif = factory.SubFactory(DispositifFactory, kind=DispositifKind.ADULT_RELAY)
    holder = factory.SubFactory(UserFactory, role=Role.MEDIATOR)
    contract_starts_on = date(2025, 3, 1)
    contract_ends_on = date(2028, 2, 29)
    qpv = factory.SubFactory(QpvFactory)
    convention_reference = factory.Sequence(lambda n: f"AR-069-2025-{n:04d}")
