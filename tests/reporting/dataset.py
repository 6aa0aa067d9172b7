"""A dataset whose every total is known, on the `world` fixture (L8 = territory A, L9 = territory B)."""

from datetime import date

from mediation.models import ActivityType, FollowUpKind
from tests.mediation.factories import FollowUpFactory, InterventionFactory, PersonFactory

# (activity code, territory "A"/"B", date, count, women, men, unknown)
LINES = [
    ("conflict_real_time", "A", date(2015, 2, 1), 3, 0, 0, 0),
    ("conflict_deferred", "A", date(2015, 3, 1), 2, 0, 0, 0),
    ("shuttle", "A", date(2015, 4, 1), 1, 0, 0, 0),
    ("round_table", "A", date(2015, 5, 1), 4, 0, 0, 0),
    ("conflict_prevention", "A", date(2015, 6, 1), 5, 0, 0, 0),
    ("round_table", "B", date(2015, 7, 1), 2, 0, 0, 0),
    ("rule_reminder", "B", date(2015, 8, 1), 7, 0, 0, 0),
    ("rule_reminder", "A", date(2016, 1, 4), 10, 0, 0, 0),
    ("awareness", "A", date(2016, 2, 1), 6, 3, 4, 0),
    ("resident_consultation", "A", date(2016, 3, 1), 2, 0, 0, 0),
    ("liaison_sheet", "A", date(2016, 4, 1), 9, 0, 0, 0),
    ("referral", "A", date(2015, 9, 1), 2, 1, 2, 1),
    ("referral", "B", date(2016, 9, 1), 5, 3, 0, 0),
    ("project_facilitation", "A", date(2016, 10, 1), 3, 10, 5, 0),
    ("physical_help", "B", date(2015, 11, 1), 4, 0, 0, 0),
    ("moral_support", "A", date(2016, 11, 2), 6, 0, 0, 0),
    ("administrative_help", "B", date(2016, 12, 1), 2, 0, 0, 0),
    ("active_listening", "A", date(2015, 12, 31), 1838, 0, 0, 0),
    ("tw_transmission", "A", date(2015, 1, 1), 3, 0, 0, 0),
    ("tw_securing", "B", date(2016, 6, 1), 1, 0, 0, 0),
    ("tw_intervention", "A", date(2016, 6, 2), 2, 0, 0, 0),
    # Outside the tables: another year, and an activity no evaluation indicator counts.
    ("round_table", "A", date(2014, 12, 31), 100, 0, 0, 0),
    ("round_table", "B", date(2017, 1, 1), 100, 0, 0, 0),
    ("presence", "A", date(2015, 6, 1), 50, 0, 0, 0),
]

# Expected values: code -> {(territory, year): value}; territory "ALL" is the whole agency.
EXPECTED = {
    "conflict.interventions": {("L8", 2015): 15, ("L9", 2015): 2, ("ALL", 2015): 17},
    "conflict.round_tables": {("L8", 2015): 4, ("L9", 2015): 2, ("ALL", 2015): 6},
    "conflict.real_time": {("L8", 2015): 3, ("ALL", 2015): 3},
    "conflict.deferred": {("L8", 2015): 2, ("ALL", 2015): 2},
    "conflict.rule_reminders": {("L9", 2015): 7, ("L8", 2016): 10, ("ALL", 2015): 7, ("ALL", 2016): 10},
    "conflict.awareness": {("L8", 2016): 6, ("ALL", 2016): 6},
    "conflict.resident_consultations": {("L8", 2016): 2, ("ALL", 2016): 2},
    "conflict.liaison_sheets": {("L8", 2016): 9, ("ALL", 2016): 9},
    "partnership.referrals": {("L8", 2015): 2, ("L9", 2016): 5, ("ALL", 2015): 2, ("ALL", 2016): 5},
    "partnership.referral_beneficiaries": {("L8", 2015): 4, ("L9", 2016): 3, ("ALL", 2015): 4, ("ALL", 2016): 3},
    "partnership.referral_beneficiaries.women": {("L8", 2015): 1, ("L9", 2016): 3, ("ALL", 2015): 1, ("ALL", 2016): 3},
    "partnership.referral_beneficiaries.men": {("L8", 2015): 2, ("ALL", 2015): 2},
    "partnership.project_facilitations": {("L8", 2016): 3, ("ALL", 2016): 3},
    "partnership.project_facilitation_beneficiaries": {("L8", 2016): 15, ("ALL", 2016): 15},
    "partnership.youth_followups": {
        ("L8", 2015): 1,
        ("L8", 2016): 1,
        ("L9", 2016): 1,
        ("ALL", 2015): 1,
        ("ALL", 2016): 2,
    },
    "assistance.isolated_followups": {("L9", 2015): 1, ("ALL", 2015): 1},
    "assistance.physical_help": {("L9", 2015): 4, ("ALL", 2015): 4},
    "assistance.moral_support": {("L8", 2016): 6, ("ALL", 2016): 6},
    "assistance.administrative_help": {("L9", 2016): 2, ("ALL", 2016): 2},
    "assistance.active_listening": {("L8", 2015): 1838, ("ALL", 2015): 1838},
    "technical_watch.transmissions": {("L8", 2015): 3, ("ALL", 2015): 3},
    "technical_watch.securings": {("L9", 2016): 1, ("ALL", 2016): 1},
    "technical_watch.interventions": {("L8", 2016): 2, ("ALL", 2016): 2},
    "technical_watch.total": {("L8", 2015): 3, ("L9", 2016): 1, ("L8", 2016): 2, ("ALL", 2015): 3, ("ALL", 2016): 3},
}


def build(world):
    territories = {"A": world.territory_a, "B": world.territory_b}
    teams = {"A": world.team_a, "B": world.team_b}
    authors = {"A": world.mediator, "B": world.mediator_other_team}
    activities = {a.code: a for a in ActivityType.objects.all()}
    for code, side, day, count, women, men, unknown in LINES:
        InterventionFactory(
            activity_type=activities[code],
            territory=territories[side],
            team=teams[side],
            author=authors[side],
            date=day,
            count=count,
            women=women,
            men=men,
            unknown=unknown,
        )
    p1 = PersonFactory(alias="Yanis", territory=world.territory_a, team=world.team_a)
    p2 = PersonFactory(alias="Lina", territory=world.territory_b, team=world.team_b)
    p3 = PersonFactory(alias="Mme R.", territory=world.territory_b, team=world.team_b)
    p4 = PersonFactory(alias="M. T.", territory=world.territory_b, team=world.team_b)

    def follow(person, kind, side, start, end=None):
        FollowUpFactory(
            person=person,
            kind=kind,
            mediator=authors[side],
            team=teams[side],
            territory=territories[side],
            started_on=start,
            ended_on=end,
        )

    follow(p1, FollowUpKind.YOUNG_ADULT, "A", date(2014, 6, 1), date(2015, 3, 1))  # 2015 only
    follow(p1, FollowUpKind.YOUNG_ADULT, "A", date(2015, 9, 1))  # same person: 2015 (again) and 2016
    follow(p2, FollowUpKind.YOUNG_ADULT, "B", date(2016, 5, 1))  # 2016
    follow(p3, FollowUpKind.ISOLATED, "B", date(2015, 1, 10), date(2015, 12, 31))  # 2015
    follow(p4, FollowUpKind.ISOLATED, "B", date(2017, 2, 1))  # after the period
    follow(p4, FollowUpKind.RESIDENT_REFERENT, "B", date(2016, 2, 1), date(2016, 2, 1))  # not an evaluation code
