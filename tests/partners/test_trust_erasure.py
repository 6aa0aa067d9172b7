"""Issue #10, item 6: retention erases every free text tied to the person, journals included, through one journaled
erasure path; every figure of every report stays identical."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone

from altm.audit import ERASED, erase_fields
from altm.models import AppendOnlyError, AuditAction, AuditEntry
from mediation import services as mediation_services
from mediation.models import (
    ConflictOutcome,
    ConflictSession,
    FollowUpKind,
    Intervention,
    Person,
    PersonReadLog,
    SessionKind,
)
from partners.models import Consent, ConsentWithdrawal, Convention, InformationShare, Referral
from partners.services import apply_retention, withdraw_consent
from reporting.evaluation import build_evaluation
from reporting.exports import to_csv
from reporting.partnership import build_convention_review
from tests.clock import TODAY, frozen
from tests.mediation.factories import FollowUpFactory, InterventionFactory, RecordedInterventionFactory
from tests.partners.factories import make_consent, make_convention, make_person, make_referral, make_share

pytestmark = frozen()
LONG_AGO = TODAY - timedelta(days=800)

# Every free text written about the old person; none may survive retention, in any row or audit entry.
SECRETS = {
    "alias": "Karimzou",
    "contact": "06 11 22 33 44",
    "consent note": "Accord donné devant sa tante Fatoumata",
    "withdrawal note": "Ne veut plus que son conseiller sache pour le foyer",
    "referral reason": "Cherche un CAP cuisine après le foyer",
    "status reason": "Parti vivre chez son cousin à Vénissieux",
    "share justification": "Dettes de loyer chez Alliade depuis mars",
    "read reason": "Vérifier le signalement de Karimzou",
    "line note": "Aide au dossier CAF de Karimzou",
    "followup note": "Dort parfois dans la cage d'escalier",
    "next action": "Appeler l'éducatrice de l'ASE",
    "case title": "Karimzou contre le gardien",
    "parties description": "Karimzou et le gardien de l'allée 3",
    "outcome note": "Karimzou a présenté des excuses",
    "session outcome": "Karimzou accepte de rembourser la vitre",
}
# What the recent person said stays: retention touches only the persons past the retention period.
KEPT = {"alias": "Léana", "consent note": "Accord au téléphone, à confirmer par écrit"}


def old_person_with_every_text(world):
    person = make_person(world, alias=SECRETS["alias"], contact=SECRETS["contact"], last_contact_on=LONG_AGO)
    Person.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=900))
    consent = make_consent(world, person, given_on=LONG_AGO - timedelta(days=1), note=SECRETS["consent note"])
    referral = make_referral(world, person=person, date=LONG_AGO, reason=SECRETS["referral reason"])
    Referral.objects.filter(pk=referral.pk).update(status_reason=SECRETS["status reason"])
    make_share(world, person, justification=SECRETS["share justification"])
    withdraw_consent(actor=world.mediator, consent=consent, note=SECRETS["withdrawal note"])
    mediation_services.log_person_read(user=world.director, person=person, reason=SECRETS["read reason"])
    RecordedInterventionFactory(
        author=world.mediator,
        date=LONG_AGO,
        territory=world.territory_a,
        activity_type=world.activity("administrative_help"),
        person=person,
        men=1,
        note=SECRETS["line note"],
    )
    FollowUpFactory(
        person=person,
        kind=FollowUpKind.YOUNG_ADULT,
        mediator=world.mediator,
        team=world.team_a,
        territory=world.territory_a,
        started_on=LONG_AGO,
        ended_on=LONG_AGO + timedelta(days=30),
        note=SECRETS["followup note"],
        next_action=SECRETS["next action"],
    )
    case = conflict_case_naming(world, person)
    return person, case


def conflict_case_naming(world, person):
    """A conflict case tied to the person by a line of the case that names them (a case has no person field)."""
    case, _ = mediation_services.open_conflict_case(
        actor=world.mediator,
        title=SECRETS["case title"],
        territory=world.territory_a,
        parties="residents",
        opened_on=LONG_AGO,
        parties_description=SECRETS["parties description"],
    )
    mediation_services.record_conflict_session(
        actor=world.mediator,
        case=case,
        kind=SessionKind.ROUND_TABLE,
        date=LONG_AGO + timedelta(days=2),
        outcome=SECRETS["session outcome"],
        men=2,
    )
    InterventionFactory(
        author=world.mediator,
        team=world.team_a,
        date=LONG_AGO + timedelta(days=3),
        territory=world.territory_a,
        activity_type=world.activity("conflict_deferred"),
        conflict_case=case,
        person=person,
        men=1,
    )
    mediation_services.close_conflict_case(
        actor=world.mediator,
        case=case,
        closed_on=LONG_AGO + timedelta(days=5),
        outcome=ConflictOutcome.RESOLVED,
        outcome_note=SECRETS["outcome note"],
    )
    return case


def recent_person(world):
    person = make_person(world, alias=KEPT["alias"], last_contact_on=TODAY - timedelta(days=30))
    make_consent(world, person, note=KEPT["consent note"])
    return person


def everything_stored() -> str:
    """Every row of every table (audit entries and their JSON included), as text."""
    return "\n".join(
        serializers.serialize("json", model._base_manager.order_by("pk"), ensure_ascii=False)
        for model in apps.get_models()
    )


def figures():
    """What the reports show: the evaluation (every indicator, by territory and year), its CSV, and each convention's
    yearly review (referrals by direction and status, shares by legal basis, meetings by site)."""
    report = build_evaluation(TODAY.year - 3, TODAY.year)
    reviews = [
        (review.referrals, review.shares, review.shares_total, review.sites)
        for convention in Convention.objects.order_by("pk")
        for year in (LONG_AGO.year, TODAY.year)
        for review in [build_convention_review(convention, year, today=TODAY)]
    ]
    return report.values, to_csv(report), reviews


def journal_rows():
    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Consent, ConsentWithdrawal, InformationShare, AuditEntry)
    }


def test_retention_erases_every_text_tied_to_the_person_and_keeps_every_figure(world):
    person, case = old_person_with_every_text(world)
    recent_person(world)
    make_convention(world)
    stored = everything_stored()
    for label, text in SECRETS.items():
        assert text in stored, label  # the dataset does hold each text before
    before_figures, before_rows = figures(), journal_rows()
    assert sum(before_figures[0].values()) > 0
    assert sum(total for _, _, total, _ in before_figures[2]) == 2  # the reviews count both shares

    apply_retention(actor=world.director)

    stored = everything_stored()
    left = [label for label, text in SECRETS.items() if text in stored]
    assert left == []
    for text in KEPT.values():
        assert text in stored
    assert figures() == before_figures
    after_rows = journal_rows()
    for name in ("Consent", "ConsentWithdrawal", "InformationShare"):
        assert after_rows[name] == before_rows[name]  # journals keep their rows
    assert set(before_rows["AuditEntry"]) <= set(after_rows["AuditEntry"])  # no audit entry goes
    # The facts a report counts stay on the rows: dates, categories, legal bases, kinds, counts.
    consent = Consent.objects.get(person=person)
    assert consent.given_on == LONG_AGO - timedelta(days=1) and consent.note == ""
    assert consent.withdrawal.withdrawn_on == TODAY and consent.withdrawal.note == ""
    assert InformationShare.objects.filter(person=person).exclude(justification="").count() == 0
    case.refresh_from_db()
    assert case.outcome == ConflictOutcome.RESOLVED and case.parties_description == "" and case.outcome_note == ""
    assert ConflictSession.objects.get(case=case).outcome == ""
    assert PersonReadLog.objects.get(person=person).reason == ""


def test_each_erasure_is_journaled_without_the_erased_values(world):
    person, case = old_person_with_every_text(world)
    consent = Consent.objects.get(person=person)
    apply_retention(actor=world.director)
    erased = AuditEntry.objects.for_object(consent).filter(action=AuditAction.UPDATE).get()
    assert erased.actor == world.director and erased.before is None and erased.after == {"note": ERASED}
    shares = InformationShare.objects.filter(person=person)
    assert shares.count() == 2  # the referral's share and the direct one
    for share in shares:
        entry = AuditEntry.objects.for_object(share).filter(action=AuditAction.UPDATE).get()
        assert entry.after == {"justification": ERASED}
    entry = AuditEntry.objects.for_object(case).filter(action=AuditAction.UPDATE, actor=world.director).get()
    assert set(entry.after) == {"title", "parties_description", "outcome_note"}
    assert entry.object_repr == f"Situation de conflit n°{case.pk}"
    read_log = PersonReadLog.objects.get(person=person)
    assert AuditEntry.objects.for_object(read_log).get().after == {"reason": ERASED}
    assert SECRETS["consent note"] not in json.dumps(list(AuditEntry.objects.values("before", "after")))


def test_the_command_erases_the_same_texts_and_names_who_ran_it(world):
    person, _ = old_person_with_every_text(world)
    with pytest.raises(CommandError, match="Aucun compte actif « personne »"):
        call_command("apply_retention", "--par", "personne")
    assert Person.objects.get(pk=person.pk).anonymised_at is None
    call_command("apply_retention", "--par", world.director.username)
    stored = everything_stored()
    assert [label for label, text in SECRETS.items() if text in stored] == []
    consent = Consent.objects.get(person=person)
    assert AuditEntry.objects.for_object(consent).get(action=AuditAction.UPDATE).actor == world.director


def test_erasure_is_the_one_change_a_journal_accepts_and_a_rerun_changes_nothing(world):
    person = make_person(world)
    consent = make_consent(world, person, note="Accord donné au local")
    with pytest.raises(AppendOnlyError):
        Consent.objects.filter(pk=consent.pk).update(note="")
    rows = Consent.objects.filter(pk=consent.pk)
    assert erase_fields(actor=world.director, queryset=rows, values={"note": ""}) == 1
    assert erase_fields(actor=world.director, queryset=rows, values={"note": ""}) == 0
    consent.refresh_from_db()
    assert consent.note == "" and Consent.objects.count() == 1
    assert AuditEntry.objects.for_object(consent).filter(action=AuditAction.UPDATE).count() == 1


def test_a_case_without_a_line_naming_the_person_keeps_its_text(world):
    """A conflict case names no person: only cases with a line naming them are tied to them."""
    old_person_with_every_text(world)
    other, _ = mediation_services.open_conflict_case(
        actor=world.mediator,
        title="Bruit allée 5",
        territory=world.territory_a,
        parties="residents",
        opened_on=LONG_AGO,
        parties_description="Deux voisins du 5e",
    )
    apply_retention(actor=world.director)
    other.refresh_from_db()
    assert other.parties_description == "Deux voisins du 5e" and other.title == "Bruit allée 5"
    assert Intervention.objects.filter(conflict_case=other).count() == 0
