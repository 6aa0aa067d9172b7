"""Demo case work: conflict cases (with sessions and agreements), follow-ups and technical-watch reports.

Idempotent: every row carries a UUID derived from a fixed key, and a row that exists is left as it is. Dates are
relative to the day of the first load, so there is always something due and something from this week.
"""

import random
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mediation import rules, services
from mediation.models import (
    ConflictOutcome,
    ConflictParties,
    FollowUp,
    FollowUpKind,
    Gender,
    Person,
    Site,
    Team,
    TechnicalReport,
    TechnicalReportStatus,
)

NAMESPACE = uuid.UUID("6f1c7e52-3b0e-4f4a-9d55-2a9c1d0e7b31")


def demo_uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


# (key, team, territory code, site or None, title, parties, real time, age in days,
#  sessions [(kind, days after opening, outcome, agreement reached)], agreement (days after opening, follow-up
#  offset from today) or None, closing (days after opening, outcome, note) or None)
CONFLICTS = [
    (
        "c1",
        "Équipe Lyon 7-8",
        "L8",
        "Santy",
        "Nuisances sonores bâtiment C, 3e étage",
        ConflictParties.RESIDENTS,
        False,
        40,
        [
            ("shuttle", 2, "Rencontre séparée avec chaque voisin", False),
            ("round_table", 12, "Table ronde au local associatif : horaires de calme convenus", True),
        ],
        (12, -2),
        None,
    ),
    (
        "c2",
        "Équipe Lyon 7-8",
        "L8",
        "Mermoz Nord",
        "Stationnement devant l'entrée du parking",
        ConflictParties.RESIDENTS,
        False,
        18,
        [("shuttle", 1, "Écoute des riverains", False)],
        None,
        None,
    ),
    (
        "c3",
        "Équipe Lyon 7-8",
        "L7",
        "Cités Sociales Gerland",
        "Occupation du hall par un groupe de jeunes",
        ConflictParties.RESIDENT_INSTITUTION,
        False,
        75,
        [
            ("shuttle", 3, "Rencontre avec le gardien", False),
            ("shuttle", 8, "Rencontre avec les jeunes", False),
            ("round_table", 20, "Table ronde jeunes, gardien, bailleur", True),
        ],
        (20, 10),
        None,
    ),
    (
        "c4",
        "Équipe Lyon 7-8",
        "L8",
        "États-Unis",
        "Dispute au marché",
        ConflictParties.RESIDENTS,
        True,
        3,
        [],
        None,
        None,
    ),
    (
        "c5",
        "Équipe Lyon 7-8",
        "L8",
        "Moulin à Vent",
        "Jets d'objets depuis les fenêtres",
        ConflictParties.RESIDENTS,
        False,
        120,
        [
            ("shuttle", 5, "Sensibilisation des familles", False),
            ("round_table", 30, "Accord sur le tri et les encombrants", True),
        ],
        (30, -60),
        (95, ConflictOutcome.RESOLVED, "L'accord tient depuis deux mois."),
    ),
    (
        "c6",
        "Équipe EMH",
        "EMH",
        "Cours Bayard",
        "Odeurs et déchets sur le palier",
        ConflictParties.RESIDENTS,
        False,
        25,
        [
            ("shuttle", 4, "Rencontre séparée des deux familles", False),
            ("conflict_deferred", 15, "Appel de suivi : tension en baisse", False),
        ],
        None,
        None,
    ),
    (
        "c7",
        "Équipe EMH",
        "EMH",
        "Bachut",
        "Altercation avec un agent d'accueil",
        ConflictParties.RESIDENT_INSTITUTION,
        True,
        60,
        [],
        None,
        (2, ConflictOutcome.HANDED_OVER, "Relais au service de médiation de la collectivité."),
    ),
    (
        "c8",
        "Équipe Lyon 9",
        "L9",
        "Le Château",
        "Conflit de voisinage autour d'un chien",
        ConflictParties.RESIDENTS,
        False,
        35,
        [("shuttle", 2, "Rencontre séparée", False), ("round_table", 14, "Table ronde au pied de l'immeuble", True)],
        (14, 0),
        None,
    ),
    (
        "c9",
        "Équipe Lyon 9",
        "L9",
        "La Duchère",
        "Insultes envers le médiateur",
        ConflictParties.AGAINST_MEDIATOR,
        True,
        9,
        [],
        None,
        None,
    ),
    (
        "c10",
        "Équipe Lyon 9",
        "L9",
        "Résidence Patel",
        "Bruits de travaux le dimanche",
        ConflictParties.RESIDENTS,
        False,
        90,
        [("shuttle", 6, "Rencontre avec l'entreprise et les voisins", False)],
        None,
        (40, ConflictOutcome.PARTIAL, "Travaux terminés, relations encore tendues."),
    ),
]

# (alias, gender): first names or aliases only, as a follow-up needs no more.
ALIASES = [
    ("Yanis", Gender.MAN),
    ("Lina", Gender.WOMAN),
    ("Mme R.", Gender.WOMAN),
    ("Sofiane", Gender.MAN),
    ("Inès", Gender.WOMAN),
    ("M. Bernard", Gender.MAN),
    ("Kylian", Gender.MAN),
    ("Maëlys", Gender.WOMAN),
    ("Ibrahim", Gender.MAN),
    ("Chloé", Gender.WOMAN),
    ("Mme Lopez", Gender.WOMAN),
    ("Nassim", Gender.MAN),
    ("Jade", Gender.WOMAN),
    ("M. Diallo", Gender.MAN),
    ("Rayan", Gender.MAN),
    ("Sarah", Gender.WOMAN),
    ("Mme Petit", Gender.WOMAN),
    ("Adam", Gender.MAN),
    ("Yasmine", Gender.WOMAN),
    ("M. Huet", Gender.MAN),
    ("Noah", Gender.MAN),
    ("Aya", Gender.WOMAN),
]

# Technical reports: (site name, place, equipment, problem, danger)
TECHNICAL = [
    ("Santy", "Allée 12, hall B", "Porte de hall", "Porte bloquée ouverte, vitre brisée", True),
    ("Santy", "Parking souterrain, niveau -1", "Éclairage", "Éclairage hors service sur toute la rampe", True),
    ("Résidence Albert Laurent", "Bâtiment A, 4e étage", "Ascenseur", "Ascenseur en panne depuis 5 jours", False),
    ("Résidence Albert Laurent", "Local poubelles", "Local déchets", "Encombrants entassés, risque d'incendie", True),
    ("Caroline Aigle", "Entrée principale", "Interphone", "Interphone arraché", False),
    ("Cités Sociales Gerland", "Cour intérieure", "Regard", "Plaque d'égout déplacée", True),
    (
        "Avenue Jean Jaurès",
        "N° 232, cage d'escalier",
        "Éclairage",
        "Minuterie défaillante, escalier dans le noir",
        False,
    ),
    ("André Bollier", "Aire de jeux", "Jeux d'enfants", "Toboggan cassé, arête coupante", True),
    ("Cours Bayard", "Bâtiment 3, sous-sol", "Cave", "Porte de cave forcée", False),
    ("Laennec", "Hall 2", "Boîtes aux lettres", "Boîtes aux lettres fracturées", False),
    ("Brignais", "Coursive 2e étage", "Garde-corps", "Garde-corps descellé", True),
    ("Le Château", "Montée 4", "Ascenseur", "Ascenseur bloqué entre deux étages (vide)", True),
    ("Le Château", "Parvis", "Éclairage", "Trois candélabres éteints", False),
    ("Résidence Patel", "Bâtiment C, RDC", "Fuite d'eau", "Fuite au plafond du hall", False),
    ("Résidence Patel", "Local vélos", "Porte", "Serrure cassée", False),
    ("Santy", "Allée 14", "Vide-ordures", "Vide-ordures bouché, odeurs", False),
]


def _team_context(team: Team):
    mediators = list(team.mediators.order_by("username"))
    return mediators, team.territories.all()


# Parties to a mediation (designation, age if it matters, parent or guardian for a minor) and agreed points.
PARTIES = {
    "c1": [
        ("Locataire du 3e gauche", None, None),
        ("Locataire du 4e droite", None, None),
        ("Kenzo, fils du locataire du 4e", 16, ("Mme D.", "mère")),
    ],
}
AGREEMENT_POINTS = {
    "c1": "Pas de musique forte après 22 h en semaine et 23 h le week-end.\n"
    "Prévenir les voisins la veille d'une fête de famille.\n"
    "En cas de gêne, frapper et en parler calmement avant d'appeler le bailleur.",
}


def _load_conflicts(today: date) -> int:
    created_count = 0
    for key, team_name, code, site_name, title, parties, real_time, age, sessions, agreement, closing in CONFLICTS:
        team = Team.objects.get(name=team_name)
        mediators, _territories = _team_context(team)
        actor = mediators[int(key[1:]) % len(mediators)]
        site = Site.objects.get(territory__code=code, name=site_name)
        opened_on = today - timedelta(days=age)
        case, created = services.open_conflict_case(
            actor=actor,
            uuid=demo_uuid(f"conflict-{key}"),
            title=title,
            territory=site.territory,
            site=site,
            team=team,
            parties=parties,
            parties_description="",
            is_real_time=real_time,
            opened_on=opened_on,
        )
        if not created:
            continue
        created_count += 1
        for n, (label, birth_age, guardian) in enumerate(PARTIES.get(key, [])):
            services.add_conflict_party(
                actor=actor,
                case=case,
                uuid=demo_uuid(f"conflict-{key}-party-{n}"),
                label=label,
                consent_given_on=opened_on + timedelta(days=1),
                birth_year=today.year - birth_age if birth_age else None,
                guardian_name=guardian[0] if guardian else "",
                guardian_role=guardian[1] if guardian else "",
            )
        for n, (kind, after, outcome, reached) in enumerate(sessions):
            services.record_conflict_session(
                actor=actor,
                case=case,
                uuid=demo_uuid(f"conflict-{key}-session-{n}"),
                kind=kind,
                date=opened_on + timedelta(days=after),
                outcome=outcome,
                agreement_reached=reached,
                women=1 + n % 2,
                men=1,
            )
        if agreement is not None:
            signed_after, follow_offset = agreement
            services.record_conflict_agreement(
                actor=actor,
                case=case,
                agreement_on=opened_on + timedelta(days=signed_after),
                followup_on=today + timedelta(days=follow_offset),
                points=AGREEMENT_POINTS.get(key, ""),
            )
        if closing is not None:
            closed_after, outcome, note = closing
            services.close_conflict_case(
                actor=actor,
                case=case,
                closed_on=opened_on + timedelta(days=closed_after),
                outcome=outcome,
                outcome_note=note,
            )
    return created_count


def _load_followups(today: date, rng: random.Random) -> int:
    created_count = 0
    teams = list(Team.objects.order_by("name"))
    kinds = [FollowUpKind.YOUNG_ADULT, FollowUpKind.YOUNG_ADULT, FollowUpKind.ISOLATED, FollowUpKind.RESIDENT_REFERENT]
    actions = ["Rendez-vous Mission Locale", "Appel de courtoisie", "Visite à domicile", "Point CV", "Relance CAF"]
    for n, (alias, gender) in enumerate(ALIASES):
        key = demo_uuid(f"followup-{n}")
        if FollowUp.objects.filter(uuid=key).exists():
            continue
        team = teams[n % len(teams)]
        mediators, territories = _team_context(team)
        actor = mediators[n % len(mediators)]
        territory = list(territories)[n % len(territories)]
        kind = kinds[n % len(kinds)]
        if kind == FollowUpKind.YOUNG_ADULT:
            birth_year = today.year - rng.randint(17, 24)
        elif kind == FollowUpKind.ISOLATED:
            birth_year = today.year - rng.randint(62, 88)
        else:
            birth_year = today.year - rng.randint(30, 65)
        started_on = today - timedelta(days=rng.randint(10, 300))
        next_offset = [-6, -1, 0, 3, 9, 21, None][n % 7]
        services.record_followup(
            actor=actor,
            uuid=key,
            kind=kind,
            team=team,
            started_on=started_on,
            new_person={
                "alias": alias,
                "birth_year": birth_year if n % 5 else None,
                "age_band": "" if n % 5 else rules.age_band(Person(birth_year=birth_year).age_on(today)),
                "gender": gender,
                "territory": territory,
            },
            next_action_on=None if next_offset is None else today + timedelta(days=next_offset),
            next_action="" if next_offset is None else actions[n % len(actions)],
        )
        created_count += 1
        if n % 9 == 8:  # a few ended follow-ups
            followup = FollowUp.objects.get(uuid=key)
            services.update_followup(
                actor=actor,
                followup=followup,
                next_action_on=None,
                note="Objectif atteint : relais pris par le partenaire.",
                ended_on=min(today, started_on + timedelta(days=60)),
            )
    return created_count


def _load_technical(today: date, rng: random.Random) -> int:
    created_count = 0
    monday = today - timedelta(days=today.weekday())
    for n, (site_name, place, equipment, problem, danger) in enumerate(TECHNICAL):
        key = demo_uuid(f"technical-{n}")
        if TechnicalReport.objects.filter(uuid=key).exists():
            continue
        site = Site.objects.select_related("territory", "landlord").get(name=site_name)
        team = Team.objects.filter(territories=site.territory).order_by("name").first()
        mediators, _territories = _team_context(team)
        actor = mediators[n % len(mediators)]
        if n % 3 == 0:  # this week
            reported_on = monday + timedelta(days=min(n % 5, today.weekday()))
        else:
            reported_on = today - timedelta(days=rng.randint(8, 45))
        report, _created = services.record_technical_report(
            actor=actor,
            uuid=key,
            territory=site.territory,
            site=site,
            place=place,
            equipment=equipment,
            problem=problem,
            is_danger=danger,
            reported_on=reported_on,
        )
        created_count += 1
        target = [TechnicalReportStatus.OPEN, TechnicalReportStatus.TRANSMITTED, TechnicalReportStatus.RESOLVED][n % 3]
        if n % 3 == 0 and n % 2 == 0:
            target = TechnicalReportStatus.TRANSMITTED if reported_on < today else TechnicalReportStatus.OPEN
        report.refresh_from_db()  # a danger went to its landlord at once: already transmitted
        if target != TechnicalReportStatus.OPEN:
            if report.status == TechnicalReportStatus.OPEN:
                services.advance_technical_report(
                    actor=actor,
                    report=report,
                    status=TechnicalReportStatus.TRANSMITTED,
                    on=min(today, reported_on + timedelta(days=1)),
                )
                report.refresh_from_db()
            transmitted_on = report.transmitted_on
            if target == TechnicalReportStatus.RESOLVED:
                services.advance_technical_report(
                    actor=actor,
                    report=report,
                    status=TechnicalReportStatus.RESOLVED,
                    on=min(today, transmitted_on + timedelta(days=rng.randint(2, 12))),
                )
        if danger and n % 2:
            services.record_technical_action(
                actor=actor,
                report=report,
                code="tw_securing",
                uuid=demo_uuid(f"technical-{n}-securing"),
                date=reported_on,
                note="Zone balisée en attendant le bailleur.",
            )
    return created_count


@transaction.atomic
def load(stdout=None) -> list[User]:
    today = timezone.localdate()
    rng = random.Random(20261125)
    conflicts = _load_conflicts(today)
    followups = _load_followups(today, rng)
    reports = _load_technical(today, rng)
    if stdout is not None and (conflicts or followups or reports):
        stdout.write(
            f"Suivi des situations : {conflicts} situations de conflit, {followups} suivis, "
            f"{reports} signalements techniques."
        )
    return []
