"""The manager's morning digest: counts of what is overdue in their own teams, once a day, nothing when all is on
time, and no personal data."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from altm.models import NotificationPreference
from altm.notifications import NotificationKind
from mediation.models import ConflictStatus, FollowUp, TechnicalReportStatus
from reporting.digest import overdue_by_team, send_manager_digests
from tests.clock import TODAY, frozen
from tests.jobs import run_jobs
from tests.mediation.factories import ConflictCaseFactory, FollowUpFactory, PersonFactory, TechnicalReportFactory
from tests.partners.factories import ReferralFactory

pytestmark = [pytest.mark.django_db, frozen()]


@pytest.fixture
def overdue(world):
    """Team A: one of each overdue item, plus items on time; team B: one overdue follow-up."""
    for user, address in [(world.manager, "sophie@altm.fr"), (world.manager_other_team, "nadia@altm.fr")]:
        user.email = address
        user.save(update_fields=["email"])
    a, b = world.team_a, world.team_b
    ConflictCaseFactory(
        territory=world.territory_a,
        title="Voisins du 3e, famille Martin",
        status=ConflictStatus.AGREEMENT,
        agreement_on=TODAY - timedelta(days=40),
        agreement_followup_on=TODAY - timedelta(days=1),
    )
    ConflictCaseFactory(
        territory=world.territory_a,
        status=ConflictStatus.AGREEMENT,
        agreement_on=TODAY - timedelta(days=3),
        agreement_followup_on=TODAY + timedelta(days=10),
    )
    person = PersonFactory(alias="Yanis", territory=world.territory_a, team=a)
    FollowUpFactory(person=person, next_action_on=TODAY, next_action="Appeler Yanis")
    FollowUpFactory(
        person=PersonFactory(territory=world.territory_a, team=a), next_action_on=TODAY + timedelta(days=2)
    )
    FollowUpFactory(
        person=PersonFactory(territory=world.territory_b, team=b), next_action_on=TODAY - timedelta(days=5)
    )
    TechnicalReportFactory(territory=world.territory_a, is_danger=True, reported_on=TODAY - timedelta(days=7))
    TechnicalReportFactory(territory=world.territory_a, is_danger=False, reported_on=TODAY - timedelta(days=29))
    TechnicalReportFactory(
        territory=world.territory_a,
        reported_on=TODAY - timedelta(days=90),
        status=TechnicalReportStatus.RESOLVED,
        transmitted_on=TODAY - timedelta(days=80),
        resolved_on=TODAY - timedelta(days=1),
    )
    ReferralFactory(
        organisation=world.organisation, territory=world.territory_a, follow_up_on=TODAY - timedelta(days=1)
    )
    ReferralFactory(organisation=world.organisation, territory=world.territory_a, follow_up_on=TODAY)
    assert FollowUp.objects.count() == 3
    return world


def test_counts_are_grouped_by_team_in_one_query_per_table(overdue, django_assert_num_queries):
    world = overdue
    with django_assert_num_queries(4):
        counts = overdue_by_team(today=TODAY, team_ids=[world.team_a.pk, world.team_b.pk])
    a, b = world.team_a.pk, world.team_b.pk
    assert counts == {
        "agreements": {a: 1},
        "followups": {a: 1, b: 1},
        "technical": {a: 1},  # the danger one open 7 days; the other one is under 30 days
        "referrals": {a: 1},
    }


def test_each_manager_gets_their_teams_digest_once_a_day(overdue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("send_manager_digests", stdout=out)
        assert out.getvalue() == "2 récapitulatif(s) mis dans la file d'envoi.\n"
        assert send_manager_digests(today=timezone.localdate()) == 0  # a re-run sends nothing
    run_jobs()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"sophie@altm.fr", "nadia@altm.fr"}
    sophie = by_address["sophie@altm.fr"]
    assert sophie.subject == "[ALTM] Ce matin dans votre équipe : 4 point(s) en retard"
    assert "- 1 protocole d'accord à vérifier : http://127.0.0.1:8000/conflits/" in sophie.body
    assert "- 1 signalement de veille technique ouvert depuis trop longtemps" in sophie.body
    for personal in ("Yanis", "Martin"):
        assert personal not in sophie.body and personal not in sophie.alternatives[0][0]
    assert "Suivis" not in by_address["nadia@altm.fr"].body and "1 suivi dont" in by_address["nadia@altm.fr"].body


def test_nothing_overdue_or_turned_off_means_no_digest(world, overdue, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.manager, kind=NotificationKind.MANAGER_DIGEST, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_manager_digests(today=TODAY - timedelta(days=30)) == 0  # nothing was overdue then
        assert send_manager_digests(today=TODAY) == 1  # Nadia only
    run_jobs()
    assert [m.to for m in mail.outbox] == [["nadia@altm.fr"]]
