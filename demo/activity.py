"""Demo intervention lines: the last three calendar years up to today, at the magnitudes of ALTM's evaluation.

Seed 001 (evaluation of the 2014-2016 service project) gives a year of activity: 1,838 conflict interventions
(31 round tables, 137 in real time, 274 deferred follow-ups), 1,391 rule reminders, 257 resident consultations,
1,070 referrals (1,047 beneficiaries: 472 women, 575 men), 154 project facilitations, 588 moral supports,
8,320 active listenings, 204 technical transmissions… `YEARLY_ACTS` below spreads such a year over working days,
teams, mediators, territories and sites.

Deterministic and idempotent: each day draws from its own fixed random seed and each line carries the external id
`demo-YYYYMMDD-NNN`, so a second run adds nothing (and a run on a later day only adds the days since).
"""

import math
import random
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from mediation.models import ActivityType, Intervention, InterventionSource, ReferralMode, Team

DEMO_NAMESPACE = uuid.UUID("5b0f3d1e-6a53-4c1c-9a52-2f0d6c1e7a11")
YEARS = 3  # the current calendar year and the two before
PERIOD_DAYS: int | None = None  # tests shrink the period to the last N days; None = three calendar years

# Acts per year for the whole agency (three teams, twelve mediators), after seed 001 (2015 column mostly).
YEARLY_ACTS = {
    "conflict_real_time": 140,
    "conflict_deferred": 270,
    "shuttle": 160,
    "round_table": 30,
    "conflict_prevention": 1240,
    "rule_reminder": 1390,
    "awareness": 45,
    "resident_consultation": 250,
    "liaison_sheet": 125,
    "referral": 1070,
    "project_facilitation": 150,
    "workshop": 60,
    "communication": 40,
    "partner_meeting": 80,
    "physical_help": 150,
    "moral_support": 550,
    "administrative_help": 125,
    "active_listening": 8300,
    "tw_transmission": 250,
    "tw_securing": 20,
    "tw_intervention": 60,
    "presence": 2600,
    "social_watch": 600,
    "cultural_intermediation": 60,
    "training": 12,
}
# Tally acts are logged as one line per mediator and day with a count; the others one line per act.
TALLIED = {"rule_reminder", "physical_help", "moral_support", "active_listening", "presence", "social_watch"}
# Share of each team in the agency's activity (EMH held 38 % of the conflict interventions in 2015).
TEAM_WEIGHT = {"Équipe EMH": 1.2, "Équipe Lyon 7-8": 1.0, "Équipe Lyon 9": 0.8}
YEAR_TREND = {0: 0.95, 1: 1.08, 2: 1.0}  # current year, last year, the year before: trends show in reports
MONTH_FACTOR = {1: 0.9, 2: 1.0, 3: 1.05, 4: 1.0, 5: 1.05, 6: 1.1, 7: 0.8, 8: 0.5, 9: 1.1, 10: 1.05, 11: 1.0, 12: 0.8}
WORKING_DAYS_PER_YEAR = 250
PRESENCE_RATE = 0.85
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}

PARTNERS = ["Mission Locale de Lyon", "ADSEA 69", "Maison de la Métropole", "CCAS de Lyon", "Centre social"]
THEMES = ["tri sélectif", "encombrants", "jets d'objets", "nuisances sonores", "propreté des parties communes"]
NOTES = [
    "",
    "",
    "",
    "",
    "Tension apaisée, à revoir la semaine prochaine.",
    "Relais passé au gardien.",
    "Personne orientée vers la permanence du centre social.",
    "Rassemblement dans le hall, échange calme.",
    "Demande d'information sur les démarches CAF.",
]


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only, which is all a mediator's day needs."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def working_days(first: date, last: date):
    day = first
    while day <= last:
        if day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS:
            yield day
        day += timedelta(days=1)


def beneficiaries(rng: random.Random, code: str, count: int) -> tuple[int, int, int]:
    """(women, men, unknown) for a line: one person per individual act, groups for collective actions."""
    if code in {"awareness", "workshop", "resident_consultation", "project_facilitation", "communication"}:
        people = rng.randint(4, 40) if code == "awareness" else rng.randint(3, 15)
        women = rng.randint(0, people)
        return women, people - women, 0
    if code in TALLIED:
        if rng.random() < 0.6:
            return 0, 0, count
        women = rng.randint(0, count)
        return women, count - women, 0
    if code in {"partner_meeting", "training", "tw_transmission", "tw_securing", "tw_intervention", "liaison_sheet"}:
        return 0, 0, 0
    if code == "referral":  # seed 001, 2015: 472 women and 575 men for 1,070 referrals
        return (1, 0, 0) if rng.random() < 0.45 else (0, 1, 0)
    roll = rng.random()
    return (1, 0, 0) if roll < 0.45 else (0, 1, 0) if roll < 0.9 else (0, 0, 1)


def lines_for_day(
    day: date, teams: list[dict], activities: dict[str, ActivityType], today: date
) -> list[Intervention]:
    rng = random.Random(f"altm-demo-{day.isoformat()}")
    trend = YEAR_TREND.get(today.year - day.year, 1.0) * MONTH_FACTOR[day.month]
    lines = []
    for team in teams:
        weight = TEAM_WEIGHT.get(team["name"], 1.0) * trend / len(TEAM_WEIGHT)
        for mediator_id in team["mediators"]:
            if rng.random() > PRESENCE_RATE:
                continue
            # Mean acts of each type for this mediator today.
            share = weight / (WORKING_DAYS_PER_YEAR * PRESENCE_RATE * max(1, len(team["mediators"])))
            territory_id, sites = rng.choice(team["territories"])
            for code, yearly in YEARLY_ACTS.items():
                activity = activities.get(code)
                if activity is None:
                    continue
                acts = poisson(rng, yearly * share)
                if acts == 0:
                    continue
                counts = [acts] if code in TALLIED else [1] * acts
                for count in counts:
                    site_id, landlord_id = rng.choice(sites) if sites and rng.random() < 0.75 else (None, None)
                    women, men, unknown = beneficiaries(rng, code, count)
                    lines.append(
                        {
                            "territory_id": territory_id,
                            "site_id": site_id,
                            "author_id": mediator_id,
                            "created_by_id": mediator_id,
                            "updated_by_id": mediator_id,
                            "team_id": team["id"],
                            "activity_type": activity,
                            "count": count,
                            "women": women,
                            "men": men,
                            "unknown": unknown,
                            "mode": rng.choices(ReferralMode.values, weights=[55, 30, 15])[0]
                            if activity.uses_mode
                            else "",
                            "duration_minutes": (
                                rng.randrange(60, 195, 15)
                                if code == "presence"
                                else rng.randrange(120, 435, 15)
                                if code == "training"
                                else rng.randrange(45, 135, 15)
                                if code == "partner_meeting"
                                else None
                            ),
                            "theme": rng.choice(THEMES) if activity.uses_theme else "",
                            "partner_name": rng.choice(PARTNERS) if activity.uses_partner else "",
                            "landlord_id": landlord_id if activity.uses_landlord else None,
                            "note": rng.choice(NOTES) if code not in TALLIED else "",
                        }
                    )
    result = []
    for number, values in enumerate(lines, 1):
        external_id = f"demo-{day:%Y%m%d}-{number:03d}"
        result.append(
            Intervention(
                uuid=uuid.uuid5(DEMO_NAMESPACE, external_id),
                external_id=external_id,
                date=day,
                source=InterventionSource.DEMO,
                **values,
            )
        )
    return result


def demo_teams() -> list[dict]:
    teams = []
    for team in Team.objects.prefetch_related("territories__sites", "mediators").order_by("name"):
        territories = [
            (
                territory.pk,
                [(site.pk, site.landlord_id) for site in sorted(territory.sites.all(), key=lambda site: site.name)],
            )
            for territory in sorted(team.territories.all(), key=lambda territory: territory.code)
        ]
        mediators = sorted(user.pk for user in team.mediators.all())
        if territories and mediators:
            teams.append({"id": team.pk, "name": team.name, "territories": territories, "mediators": mediators})
    return teams


@transaction.atomic
def load_activity(stdout=None) -> list:
    """Intervention lines of the demo teams, from 1 January two years ago to today."""
    today = timezone.localdate()
    first = date(today.year - YEARS + 1, 1, 1)
    if PERIOD_DAYS is not None:
        first = today - timedelta(days=PERIOD_DAYS)
    teams = demo_teams()
    activities = {activity.code: activity for activity in ActivityType.objects.all()}
    existing = set(Intervention.objects.filter(external_id__startswith="demo-").values_list("external_id", flat=True))
    to_create = []
    for day in working_days(first, today):
        to_create.extend(
            line for line in lines_for_day(day, teams, activities, today) if line.external_id not in existing
        )
    Intervention.objects.bulk_create(to_create, batch_size=2000)
    if stdout is not None:
        stdout.write(f"Lignes d'activité de démonstration : {len(to_create)} ajoutée(s), {len(existing)} déjà là.")
    return []
