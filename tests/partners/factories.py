"""Helpers that build partner objects on top of the `world` fixture (team A, organisation A by default)."""

from datetime import date, timedelta

from django.utils import timezone

from mediation.models import Gender, Person, ReferralMode
from partners import services
from partners.models import (
    REFERRAL_CATEGORIES,
    Commitment,
    CommitmentKind,
    ConsentForm,
    Convention,
    LegalBasis,
    PartnerContact,
    SharingPurpose,
)


def make_person(world, *, team=None, alias="Yanis", birth_year=2004, gender=Gender.MAN, **extra) -> Person:
    team = team or world.team_a
    territory = team.territories.first()
    return Person.objects.create(
        alias=alias, birth_year=birth_year, gender=gender, territory=territory, team=team, **extra
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
    convention = Convention.objects.create(
        organisation=organisation or world.organisation,
        title=extra.pop("title", "Convention de partenariat"),
        signed_on=signed_on,
        **extra,
    )
    convention.sites.add(world.site_a, world.site_b)
    Commitment.objects.create(convention=convention, kind=CommitmentKind.MEETING, planned_per_year=3, per_site=True)
    Commitment.objects.create(convention=convention, kind=CommitmentKind.PRESENTATION, planned_per_year=1)
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
        }
    return world.extra["partners"]
