"""Demo data for the politique de la ville: QPV, funders, dispositifs and what they fund, adultes-relais posts.

The seeds give no official QPV codes: the QPV names follow the seeds' neighbourhoods, their codes are plausible
but not official and every one is flagged `is_demo`. Idempotent: every row is keyed by a natural key.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from altm import reference as reference_data
from mediation.models import Qpv, Site, Team, Territory
from partners.dates import add_months
from partners.models import AdultRelayPost, Attribution, Convention, Dispositif, DispositifKind, Funder, FunderKind
from reporting.models import ConventionReviewNote, FunderReportNote
from reporting.partnership import review_window

# code -> (name, [site names in it])
QPVS = {
    "QP069901": ("Mermoz", ["Mermoz Nord", "Mermoz Sud", "Collège Mermoz"]),
    "QP069902": ("États-Unis – Langlet-Santy", ["États-Unis", "Santy", "Résidence Albert Laurent"]),
    "QP069903": ("Moulin à Vent", ["Moulin à Vent", "Caroline Aigle"]),
    "QP069904": ("Gerland – Cité Jardin", ["Cités Sociales Gerland", "Avenue Jean Jaurès"]),
    "QP069905": ("La Duchère", ["La Duchère", "Le Château", "Résidence Patel", "Collège Jean de Verrazane"]),
}

FUNDERS = [
    ("anct", "État – Agence nationale de la cohésion des territoires (ANCT)", FunderKind.STATE),
    ("ville-lyon", "Ville de Lyon", FunderKind.CITY),
    ("metropole-lyon", "Métropole de Lyon", FunderKind.METROPOLIS),
    ("glh", "Grand Lyon Habitat", FunderKind.LANDLORD),
]

HIGHLIGHTS = {
    "anct": "Les deux postes adultes-relais ont été pourvus toute l'année. Les médiatrices et médiateurs ont "
    "renforcé la présence en soirée à Mermoz et à La Duchère et animé deux cafés médiation avec le centre social.",
    "ville-lyon": "Montée des sollicitations pour des conflits de voisinage à Lyon 8 ; forum emploi-jeunes au pied "
    "des immeubles avec la Mission Locale ; reprise des rencontres trimestrielles sur les sites communs.",
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load(stdout=None) -> list:
    today = timezone.localdate()
    qpvs = {}
    for code, (name, site_names) in QPVS.items():
        qpvs[code], _created = Qpv.objects.get_or_create(code=code, defaults={"name": name, "is_demo": True})
        if Site.objects.filter(name__in=site_names, qpv__isnull=True).update(qpv=qpvs[code]):
            reference_data.changed()  # a bulk update sends no signal: say it, or workers keep the sites as they were
    funders = {}
    for code, name, kind in FUNDERS:
        funders[code], _created = Funder.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})

    def dispositif(funder: str, name: str, kind: str, reference: str) -> Dispositif:
        item, _created = Dispositif.objects.get_or_create(
            funder=funders[funder], name=name, defaults={"kind": kind, "reference": reference}
        )
        return item

    city = dispositif("ville-lyon", "Contrat de ville – médiation sociale", DispositifKind.CITY_CONTRACT, "CV-2024-17")
    for code in ("L8", "L9"):
        territory = Territory.objects.filter(code=code).first()
        if territory is not None:
            Attribution.objects.get_or_create(dispositif=city, territory=territory)
    clspd = dispositif("metropole-lyon", "Action CLSPD – tranquillité résidentielle", DispositifKind.CLSPD, "")
    team = Team.objects.filter(name="Équipe EMH").first()
    if team is not None:
        Attribution.objects.get_or_create(dispositif=clspd, team=team, starts_on=date(today.year - 1, 1, 1))
    landlord = dispositif(
        "glh", "Convention de médiation résidentielle", DispositifKind.LANDLORD_CONVENTION, "GLH-MED-2025"
    )
    for site in Site.objects.filter(landlord__name="GLH"):
        Attribution.objects.get_or_create(dispositif=landlord, site=site)
    state_contract = dispositif(
        "anct", "Contrat de ville – crédits État", DispositifKind.CITY_CONTRACT, "ANCT-69-2025-042"
    )
    mermoz = Site.objects.filter(name="Mermoz Nord").first()
    if mermoz is not None:
        Attribution.objects.get_or_create(dispositif=state_contract, site=mermoz)
    posts = dispositif("anct", "Postes adultes-relais", DispositifKind.ADULT_RELAY, "")
    for username, qpv_code, reference, start in [
        ("yacine.bouzid", "QP069901", "AR-069-2024-0113", add_months(today, -28)),
        ("ines.mansouri", "QP069905", "AR-069-2025-0027", add_months(today, -14)),
    ]:
        holder = _user(username)
        if holder is not None:
            AdultRelayPost.objects.get_or_create(
                dispositif=posts,
                holder=holder,
                defaults={
                    "contract_starts_on": start,
                    "contract_ends_on": add_months(start, 36),
                    "qpv": qpvs[qpv_code],
                    "convention_reference": reference,
                },
            )
    director = User.objects.filter(username="direction").first()
    for code, text in HIGHLIGHTS.items():
        FunderReportNote.objects.get_or_create(
            funder=funders[code], year=today.year - 1, defaults={"highlights": text, "updated_by": director}
        )
    convention = Convention.objects.filter(organisation__name="Mission Locale de Lyon").order_by("signed_on").first()
    if convention is not None and convention.signed_on is not None:
        start, _end, _is_convention_year = review_window(convention, convention.signed_on.year)
        ConventionReviewNote.objects.get_or_create(
            convention=convention,
            period_start=start,
            defaults={
                "comments": "Une première année de convention tenue sur l'essentiel : les rencontres trimestrielles "
                "ont eu lieu sur les trois sites communs et les mises en relation vers la Mission Locale ont été "
                "presque toutes confirmées. Les immersions restent à développer côté Mission Locale.",
                "perspectives": "Programmer les immersions dès le premier trimestre ; associer les conseillers au "
                "forum emploi-jeunes ; partager un tableau de suivi des situations communes.",
                "updated_by": director,
            },
        )
    return []
