"""Demo data for the organisation and field activity. Idempotent: every row is keyed by a natural key."""

from django.db import transaction

from accounts.models import Role, User
from altm.models import Agency
from mediation.models import Landlord, Site, SiteKind, Team, Territory

DEMO_PASSWORD = "altm-demo-2026"

# The agency's page in /admin/, as ALTM fills it in (left as it is once it exists).
AGENCY = {
    "name": "Agence Lyon Tranquillité Médiation",
    "short_name": "ALTM",
    "address": "23 rue Renan\n69007 Lyon",
    "city": "Lyon",
    "website": "www.altm.fr",
    "signatory_name": "Hélène Favre",
    "signatory_title": "Directrice",
}

TERRITORIES = [("EMH", "EMH"), ("L7", "Lyon 7"), ("L8", "Lyon 8"), ("L9", "Lyon 9")]

LANDLORDS = [
    ("GLH", "Grand Lyon Habitat"),
    ("Alliade Habitat", "Alliade Habitat"),
    ("LMH", "Lyon Métropole Habitat"),
    ("SACVL", "Société Anonyme de Construction de la Ville de Lyon"),
    ("OPAC du Rhône", "OPAC du Rhône"),
]

# territory code -> [(site name, kind, landlord name or None)], names from the seeds.
SITES = {
    "EMH": [
        ("Cours Bayard", SiteKind.RESIDENCE, "LMH"),
        ("Bachut", SiteKind.NEIGHBOURHOOD, None),
        ("Laennec", SiteKind.RESIDENCE, "SACVL"),
        ("Brignais", SiteKind.RESIDENCE, "OPAC du Rhône"),
    ],
    "L7": [
        ("Gerland", SiteKind.NEIGHBOURHOOD, None),
        ("Cités Sociales Gerland", SiteKind.RESIDENCE, "GLH"),
        ("Avenue Jean Jaurès", SiteKind.RESIDENCE, "Alliade Habitat"),
        ("André Bollier", SiteKind.RESIDENCE, "Alliade Habitat"),
        ("Collège Rosset", SiteKind.SCHOOL, None),
    ],
    "L8": [
        ("Mermoz Nord", SiteKind.NEIGHBOURHOOD, None),
        ("Mermoz Sud", SiteKind.NEIGHBOURHOOD, None),
        ("Santy", SiteKind.RESIDENCE, "GLH"),
        ("États-Unis", SiteKind.NEIGHBOURHOOD, None),
        ("Moulin à Vent", SiteKind.NEIGHBOURHOOD, None),
        ("Résidence Albert Laurent", SiteKind.RESIDENCE, "GLH"),
        ("Caroline Aigle", SiteKind.RESIDENCE, "GLH"),
        ("Collège Mermoz", SiteKind.SCHOOL, None),
    ],
    "L9": [
        ("La Duchère", SiteKind.NEIGHBOURHOOD, None),
        ("Le Château", SiteKind.RESIDENCE, "LMH"),
        ("Résidence Patel", SiteKind.RESIDENCE, "LMH"),
        ("Collège Jean de Verrazane", SiteKind.SCHOOL, None),
    ],
}

# team name -> (territory codes, manager (username, first, last), mediators [(username, first, last)])
TEAMS = {
    "Équipe EMH": (
        ["EMH"],
        ("karim.haddad", "Karim", "Haddad"),
        [
            ("amina.benali", "Amina", "Benali"),
            ("julien.moreau", "Julien", "Moreau"),
            ("fatou.diallo", "Fatou", "Diallo"),
            ("thomas.girard", "Thomas", "Girard"),
        ],
    ),
    "Équipe Lyon 7-8": (
        ["L7", "L8"],
        ("sophie.lambert", "Sophie", "Lambert"),
        [
            ("yacine.bouzid", "Yacine", "Bouzid"),
            ("claire.martin", "Claire", "Martin"),
            ("moussa.traore", "Moussa", "Traoré"),
            ("lea.rousseau", "Léa", "Rousseau"),
        ],
    ),
    "Équipe Lyon 9": (
        ["L9"],
        ("nadia.cherif", "Nadia", "Chérif"),
        [
            ("kevin.petit", "Kévin", "Petit"),
            ("ines.mansouri", "Inès", "Mansouri"),
            ("samuel.nguyen", "Samuel", "Nguyen"),
            ("aicha.kone", "Aïcha", "Koné"),
        ],
    ),
}

OTHER_ACCOUNTS = [
    ("direction", "Hélène", "Favre", Role.DIRECTOR),
    ("admin", "Marc", "Besson", Role.ADMIN),
]


# Numbers from the range ARCEP keeps for fiction (06 39 98 xx xx): nobody is called by a demo.
FICTION_MOBILE = "06 39 98 {:02d} {:02d}"


def demo_user(username: str, first_name: str, last_name: str, role: str, *, number: int | None = None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "role": role,
            "phone": FICTION_MOBILE.format(number // 100, number % 100) if number is not None else "",
            "email": f"{username}@altm.invalid",
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_organisation() -> list[User]:
    territories = {}
    for code, name in TERRITORIES:
        territories[code], _ = Territory.objects.get_or_create(code=code, defaults={"name": name})
    landlords = {}
    for name, full_name in LANDLORDS:
        landlords[name], _ = Landlord.objects.get_or_create(
            name=name, defaults={"full_name": full_name, "email": f"veille@{name.lower().replace(' ', '-')}.invalid"}
        )
    for code, sites in SITES.items():
        for name, kind, landlord in sites:
            Site.objects.get_or_create(
                territory=territories[code],
                name=name,
                defaults={"kind": kind, "landlord": landlords.get(landlord)},
            )
    accounts = []
    for team_name, (codes, manager, mediators) in TEAMS.items():
        team, _ = Team.objects.get_or_create(name=team_name)
        team.territories.add(*(territories[c] for c in codes))
        manager_user = demo_user(*manager, Role.MANAGER, number=len(accounts) + 10)
        team.managers.add(manager_user)
        accounts.append(manager_user)
        for mediator in mediators:
            mediator_user = demo_user(*mediator, Role.MEDIATOR, number=len(accounts) + 10)
            team.mediators.add(mediator_user)
            accounts.append(mediator_user)
    for username, first_name, last_name, role in OTHER_ACCOUNTS:
        accounts.append(demo_user(username, first_name, last_name, role))
    return accounts


def load_agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(pk=Agency.SINGLE_ID, defaults=AGENCY)
    return agency


def load(stdout=None) -> list[User]:
    load_agency()
    return load_organisation()
