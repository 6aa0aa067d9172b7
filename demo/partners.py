"""Demo data for partners: organisations, conventions and their life, referrals, consents and shares. Idempotent.

Every row has a natural key (names, fixed UUIDs for referrals) so loading twice changes nothing. Dates are relative
to the day of the first load: the Mission Locale convention is signed a year and a half before, hence renewed once.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from demo.organisation import demo_user
from mediation.models import Gender, Landlord, Person, ReferralMode, Site, Team, Territory
from partners import services
from partners.dates import add_months
from partners.models import (
    REFERRAL_CATEGORIES,
    Amendment,
    Commitment,
    CommitmentKind,
    Consent,
    ConsentForm,
    Convention,
    EventKind,
    ImmersionDirection,
    InformationCategory,
    InformationShare,
    LegalBasis,
    OrganisationKind,
    PartnerContact,
    PartnerEvent,
    PartnerOrganisation,
    PartnershipType,
    ReferralStatus,
    RefusalReason,
    SharingPurpose,
)

DEMO_NAMESPACE = uuid.UUID("6f1c1f3e-3d0a-4f54-9a57-0a1c2b3d4e5f")

ORGANISATIONS = [
    (
        "Mission Locale de Lyon",
        OrganisationKind.MISSION_LOCALE,
        PartnershipType.CONVENTION,
        ["Mermoz Nord", "Gerland", "La Duchère"],
    ),
    (
        "ADSEA 69 – prévention spécialisée",
        OrganisationKind.SPECIALISED_PREVENTION,
        PartnershipType.CONVENTION,
        ["Mermoz Sud", "Santy"],
    ),
    ("Centre social Mermoz", OrganisationKind.SOCIAL_CENTRE, PartnershipType.INFORMAL, ["Mermoz Nord"]),
    ("MJC Laënnec-Mermoz", OrganisationKind.MJC, PartnershipType.INFORMAL, ["Mermoz Sud"]),
    ("Collège Mermoz", OrganisationKind.SCHOOL, PartnershipType.INFORMAL, ["Collège Mermoz"]),
    ("Ville de Lyon", OrganisationKind.LOCAL_AUTHORITY, PartnershipType.SINGLE_STEERING, []),
    ("CAF du Rhône", OrganisationKind.CAF, PartnershipType.INFORMAL, []),
    ("Bibliothèque de la Duchère", OrganisationKind.OTHER, PartnershipType.INFORMAL, ["La Duchère"]),
]


@transaction.atomic
def load(stdout=None):
    for name, kind, partnership, site_names in ORGANISATIONS:
        organisation, _ = PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "partnership_type": partnership}
        )
        organisation.sites.add(*Site.objects.filter(name__in=site_names))
    for landlord in Landlord.objects.all():
        PartnerOrganisation.objects.get_or_create(
            name=landlord.full_name or landlord.name,
            defaults={"kind": OrganisationKind.LANDLORD, "landlord": landlord},
        )
    mission_locale = PartnerOrganisation.objects.get(name="Mission Locale de Lyon")
    counsellor = demo_user("conseiller.ml", "Julie", "Roche", Role.COUNSELLOR)
    PartnerContact.objects.get_or_create(
        organisation=mission_locale,
        name="Julie Roche",
        defaults={
            "position": "Conseillère en insertion",
            "user": counsellor,
            "email": "julie.roche@mission-locale.invalid",
        },
    )
    load_partnership(mission_locale, counsellor)
    return [counsellor]


def _demo_uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, key)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def load_partnership(mission_locale: PartnerOrganisation, counsellor: User) -> None:
    today = timezone.localdate()
    adsea = PartnerOrganisation.objects.get(name="ADSEA 69 – prévention spécialisée")
    mission_locale.address = mission_locale.address or "107-109 boulevard Vivier Merle, 69003 Lyon"
    mission_locale.save(update_fields=["address"])
    adsea_contact, _ = PartnerContact.objects.get_or_create(
        organisation=adsea, name="Paul Martin", defaults={"position": "Éducateur de prévention spécialisée"}
    )
    load_conventions(today, mission_locale, adsea)
    mediator = _user("yacine.bouzid")
    mediator_l9 = _user("kevin.petit")
    if mediator is None or mediator_l9 is None:
        return  # the mediation demo (teams, mediators) is not loaded
    persons = load_persons(today, mediator, mediator_l9)
    load_consents_and_shares(today, persons, mission_locale, adsea, mediator, mediator_l9)
    load_referrals(today, persons, mission_locale, adsea, mediator, mediator_l9, counsellor, adsea_contact)


# --- Conventions ---------------------------------------------------------------------------------------------


def load_conventions(today: date, mission_locale: PartnerOrganisation, adsea: PartnerOrganisation) -> None:
    signed = add_months(today, -18)
    ml, created = Convention.objects.get_or_create(
        organisation=mission_locale,
        title="Convention de partenariat Mission Locale de Lyon – ALTM",
        defaults={
            "agency_signatory": "Xavier Rochefort, directeur",
            "partner_signatory": "Christine Vaisse, directrice",
            "signed_on": signed,
            "last_review_on": add_months(signed, 12) - timedelta(days=20),
            "note": "Axe 1 : coopération (présentations, immersions). Axe 2 : rencontres trimestrielles, mise en "
            "relation, actions partagées, communication. Axe 3 : cadre déontologique.",
        },
    )
    if created:
        ml.sites.add(*mission_locale.sites.all())
        for kind, planned, per_site in [
            (CommitmentKind.PRESENTATION, 1, False),
            (CommitmentKind.IMMERSION_AT_PARTNER, 2, False),
            (CommitmentKind.IMMERSION_AT_AGENCY, 2, False),
            (CommitmentKind.MEETING, 3, True),
            (CommitmentKind.SHARED_ACTION, 2, False),
            (CommitmentKind.COMMUNICATION, 1, False),
        ]:
            Commitment.objects.create(convention=ml, kind=kind, planned_per_year=planned, per_site=per_site)
        Amendment.objects.create(
            convention=ml,
            number=1,
            signed_on=add_months(signed, 7),
            subject="Ajout du site de La Duchère aux sites d'intervention communs.",
        )
        sites = {site.name: site for site in ml.sites.all()}
        this_year = [
            (EventKind.PRESENTATION, 300, None, {"title": "Présentation croisée des équipes"}),
            (EventKind.MEETING, 260, "Mermoz Nord", {"situations_reviewed": 6}),
            (EventKind.MEETING, 250, "Gerland", {"situations_reviewed": 4}),
            (EventKind.MEETING, 240, "La Duchère", {"situations_reviewed": 5}),
            (EventKind.MEETING, 150, "Mermoz Nord", {"situations_reviewed": 3}),
            (EventKind.MEETING, 140, "Gerland", {"situations_reviewed": 2}),
            (EventKind.MEETING, 45, "Mermoz Nord", {"situations_reviewed": 4}),
            (EventKind.IMMERSION, 200, None, {"immersion_direction": ImmersionDirection.AT_PARTNER, "days": 2}),
            (EventKind.IMMERSION, 120, None, {"immersion_direction": ImmersionDirection.AT_AGENCY, "days": 1}),
            (EventKind.SHARED_ACTION, 90, "Mermoz Nord", {"title": "Forum emploi-jeunes au pied des immeubles"}),
            (EventKind.MEETING, 420, "La Duchère", {"situations_reviewed": 3}),
            (EventKind.MEETING, 400, "Gerland", {"situations_reviewed": 5}),
        ]
        for kind, days_ago, site_name, extra in this_year:
            day = today - timedelta(days=days_ago)
            if day < signed:
                continue
            PartnerEvent.objects.create(
                convention=ml,
                kind=kind,
                date=day,
                site=sites.get(site_name),
                agency_attendees="Sophie Lambert, Yacine Bouzid" if kind != EventKind.IMMERSION else "Claire Martin",
                partner_attendees="Julie Roche" if kind != EventKind.IMMERSION else "Julie Roche",
                climate_diagnosis=(
                    "Ambiance calme en journée ; regroupements de jeunes en soirée près du city-stade, "
                    "quelques tensions avec les commerçants."
                    if kind == EventKind.MEETING
                    else ""
                ),
                days=Decimal(extra.pop("days", 0)),
                **extra,
            )
    # ADSEA 69: its notice deadline falls within the alert window (about three weeks away).
    adsea_signed = add_months(today + timedelta(days=80), -12)
    adsea_convention, created = Convention.objects.get_or_create(
        organisation=adsea,
        title="Convention médiation sociale – prévention spécialisée",
        defaults={
            "agency_signatory": "Xavier Rochefort, directeur",
            "partner_signatory": "Direction territoriale ADSEA 69",
            "signed_on": adsea_signed,
            "note": "Complémentarité de la présence de proximité et du travail éducatif de rue ; coordonnateur "
            "désigné par le maire (CASF L121-6-2) pour les situations suivies en commun.",
        },
    )
    if created:
        adsea_convention.sites.add(*adsea.sites.all())
        Commitment.objects.create(
            convention=adsea_convention, kind=CommitmentKind.MEETING, planned_per_year=3, per_site=True
        )
        Commitment.objects.create(convention=adsea_convention, kind=CommitmentKind.SHARED_ACTION, planned_per_year=2)
        Commitment.objects.create(convention=adsea_convention, kind=CommitmentKind.PRESENTATION, planned_per_year=1)
        site = adsea.sites.order_by("name").first()
        for days_ago, reviewed in [(200, 4), (60, 2)]:
            day = today - timedelta(days=days_ago)
            if day >= adsea_signed:
                PartnerEvent.objects.create(
                    convention=adsea_convention,
                    kind=EventKind.MEETING,
                    date=day,
                    site=site,
                    agency_attendees="Sophie Lambert",
                    partner_attendees="Paul Martin",
                    situations_reviewed=reviewed,
                    climate_diagnosis="Squat de hall signalé ; médiation et éducateurs passent en binôme le mardi.",
                )
    college = PartnerOrganisation.objects.filter(name="Collège Mermoz").first()
    if college is not None:
        Convention.objects.get_or_create(
            organisation=college,
            title="Convention médiation en milieu scolaire",
            defaults={"signed_on": add_months(today, -30), "tacit_renewal": False},
        )
    centre = PartnerOrganisation.objects.filter(name="Centre social Mermoz").first()
    if centre is not None:
        Convention.objects.get_or_create(
            organisation=centre, title="Projet de convention : café médiation", defaults={"signed_on": None}
        )


# --- Persons, consents, shares -------------------------------------------------------------------------------

# alias -> (team name, territory code, birth year offset from this year, gender)
PERSONS = {
    "Youssef": ("Équipe Lyon 7-8", "L8", 19, Gender.MAN),
    "Léa": ("Équipe Lyon 7-8", "L8", 22, Gender.WOMAN),
    "Mehdi": ("Équipe Lyon 7-8", "L7", 24, Gender.MAN),
    "Camille": ("Équipe Lyon 7-8", "L8", 18, Gender.WOMAN),
    "Lucas": ("Équipe Lyon 7-8", "L8", 15, Gender.MAN),
    "Anaïs": ("Équipe Lyon 9", "L9", 20, Gender.WOMAN),
    "Bilal": ("Équipe Lyon 9", "L9", 17, Gender.MAN),
}


def load_persons(today: date, mediator: User, mediator_l9: User) -> dict[str, Person]:
    persons = {}
    for alias, (team_name, code, age, gender) in PERSONS.items():
        team = Team.objects.get(name=team_name)
        persons[alias], _ = Person.objects.get_or_create(
            alias=alias,
            team=team,
            defaults={
                "birth_year": today.year - age,
                "gender": gender,
                "territory": Territory.objects.get(code=code),
                "last_contact_on": today - timedelta(days=7),
                "created_by": mediator if team_name == "Équipe Lyon 7-8" else mediator_l9,
            },
        )
    return persons


def _consent(person, organisation, *, actor, given_on, expires_on, categories, purpose="", form=ConsentForm.ORAL):
    existing = Consent.objects.filter(person=person, recipient_organisation=organisation, given_on=given_on).first()
    if existing is not None:
        return existing
    return services.record_consent(
        actor=actor,
        person=person,
        recipient_organisation=organisation,
        purpose=purpose,
        categories=categories,
        form=form,
        given_on=given_on,
        expires_on=expires_on,
    )


def load_consents_and_shares(today, persons, mission_locale, adsea, mediator, mediator_l9) -> None:
    employment = [*REFERRAL_CATEGORIES, InformationCategory.EMPLOYMENT]
    _consent(
        persons["Youssef"],
        mission_locale,
        actor=mediator,
        given_on=today - timedelta(days=40),
        expires_on=today + timedelta(days=325),
        categories=employment,
        form=ConsentForm.WRITTEN,
    )
    _consent(  # expired two months ago
        persons["Léa"],
        mission_locale,
        actor=mediator,
        given_on=today - timedelta(days=420),
        expires_on=today - timedelta(days=60),
        categories=list(REFERRAL_CATEGORIES),
    )
    mehdi = _consent(
        persons["Mehdi"],
        adsea,
        actor=mediator,
        given_on=today - timedelta(days=90),
        expires_on=None,
        categories=list(REFERRAL_CATEGORIES),
    )
    if not hasattr(mehdi, "withdrawal"):
        services.withdraw_consent(actor=mediator, consent=mehdi, note="Ne souhaite plus être suivi par l'ADSEA.")
    _consent(
        persons["Anaïs"],
        adsea,
        actor=mediator_l9,
        given_on=today - timedelta(days=15),
        expires_on=today + timedelta(days=165),
        categories=list(REFERRAL_CATEGORIES),
    )
    _consent(
        persons["Bilal"],
        mission_locale,
        actor=mediator_l9,
        given_on=today - timedelta(days=12),
        expires_on=today + timedelta(days=170),
        categories=list(REFERRAL_CATEGORIES),
    )
    if not InformationShare.objects.filter(person=persons["Youssef"], referral__isnull=True).exists():
        services.share_information(
            actor=mediator,
            person=persons["Youssef"],
            to_organisation=mission_locale,
            recipient_name="Julie Roche, conseillère en insertion",
            categories=employment,
            purpose=SharingPurpose.REFERRAL,
            legal_basis=LegalBasis.CONSENT,
            justification="Préparer l'entretien d'accueil : cherche une formation en logistique.",
        )
    if not InformationShare.objects.filter(person=persons["Mehdi"]).exists():
        services.share_information(
            actor=mediator,
            person=persons["Mehdi"],
            to_organisation=adsea,
            recipient_name="Paul Martin, éducateur",
            categories=[InformationCategory.IDENTITY, InformationCategory.FAMILY],
            purpose=SharingPurpose.SOCIAL_SUPPORT,
            legal_basis=LegalBasis.CASF_L121_6_2,
            coordinator_name="Mme Durand, coordonnatrice désignée par le maire (CCAS Lyon 7)",
            justification="Situation suivie par plusieurs professionnels : point de coordination mensuel.",
        )
    if not InformationShare.objects.filter(person=persons["Lucas"]).exists():
        services.share_information(
            actor=mediator,
            person=persons["Lucas"],
            to_organisation=adsea,
            recipient_name="Paul Martin, éducateur",
            categories=[InformationCategory.IDENTITY, InformationCategory.SCHOOLING],
            purpose=SharingPurpose.CHILD_PROTECTION,
            legal_basis=LegalBasis.CASF_L226_2_2,
            parents_informed=True,
            justification="Décrochage scolaire et fréquentations à risque : évaluation partagée.",
        )


# --- Referrals ------------------------------------------------------------------------------------------------


def load_referrals(today, persons, mission_locale, adsea, mediator, mediator_l9, counsellor, adsea_contact) -> None:
    julie = PartnerContact.objects.get(user=counsellor)
    l7, l8, l9 = (Territory.objects.get(code=code) for code in ("L7", "L8", "L9"))
    manager = _user("sophie.lambert")
    # key, actor, territory, mode, organisation, counsellor, person, days ago, follow-up in days, statuses
    plan = [
        ("simple-1", mediator, l8, ReferralMode.SIMPLE, mission_locale, julie, None, 3, 11, []),
        ("tel-youssef", mediator, l8, ReferralMode.TELEPHONE, mission_locale, julie, "Youssef", 30, -10, ["done"]),
        ("tel-bilal", mediator_l9, l9, ReferralMode.TELEPHONE, mission_locale, julie, "Bilal", 10, 4, []),
        ("simple-2", mediator, l7, ReferralMode.SIMPLE, mission_locale, julie, None, 60, -40, ["done", "taken"]),
        ("simple-3", mediator, l8, ReferralMode.SIMPLE, mission_locale, julie, None, 50, -30, ["done", "nf"]),
        ("simple-4", mediator, l7, ReferralMode.SIMPLE, adsea, adsea_contact, None, 45, -31, ["abandoned"]),
        ("tel-anais", mediator_l9, l9, ReferralMode.TELEPHONE, adsea, adsea_contact, "Anaïs", 14, -2, []),
        ("simple-5", mediator, l8, ReferralMode.SIMPLE, mission_locale, julie, None, 25, -5, []),
    ]
    reasons = {
        "tel-youssef": "Recherche de formation",
        "tel-bilal": "Inscription garantie jeunes",
        "tel-anais": "Accompagnement éducatif",
    }
    for key, actor, territory, mode, organisation, contact, alias, days_ago, follow_up, statuses in plan:
        day = today - timedelta(days=days_ago)
        referral, created = services.record_referral(
            actor=actor,
            uuid=_demo_uuid(key),
            date=day,
            mode=mode,
            organisation=organisation,
            counsellor=contact,
            territory=territory,
            person=persons[alias] if alias else None,
            beneficiary_gender=Gender.MAN if key.endswith(("1", "3")) else Gender.WOMAN,
            reason=reasons.get(key, "Information sur l'offre de service"),
            follow_up_on=day + timedelta(days=days_ago + follow_up),
        )
        if not created:
            continue
        for step in statuses:
            if step == "done":
                services.update_referral_status(actor=actor, referral=referral, status=ReferralStatus.DONE)
            elif step == "taken":
                services.update_referral_status(
                    actor=counsellor, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE, reason="Inscrit"
                )
            elif step == "nf":
                services.update_referral_status(
                    actor=counsellor,
                    referral=referral,
                    status=ReferralStatus.NOT_FOLLOWED,
                    refusal_reason=RefusalReason.NO_SHOW,
                    reason="Ne s'est pas présenté au rendez-vous",
                )
            elif step == "abandoned":
                services.update_referral_status(
                    actor=actor, referral=referral, status=ReferralStatus.ABANDONED, reason="A déménagé"
                )
    # Two young people referred by the Mission Locale counsellor to the mediators.
    for key, alias, year_age, gender, days_ago, confirm in [
        ("in-1", "Dylan", 19, Gender.MAN, 8, False),
        ("in-2", "Manon", 21, Gender.WOMAN, 35, True),
    ]:
        referral, created = services.record_incoming_referral(
            actor=counsellor,
            organisation=mission_locale,
            counsellor=julie,
            uuid=_demo_uuid(key),
            date=today - timedelta(days=days_ago),
            mode=ReferralMode.TELEPHONE,
            territory=l8,
            alias=alias,
            birth_year=today.year - year_age,
            gender=gender,
            reason="Conflit de voisinage, souhaite rencontrer les médiateurs",
            person_agreed=True,
        )
        if created and confirm and manager is not None:
            services.update_referral_status(
                actor=manager, referral=referral, status=ReferralStatus.TAKEN_IN_CHARGE, reason="Rencontrée"
            )
