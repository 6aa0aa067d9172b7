"""Retention: persons without contact for two years are anonymised; every count stays the same."""

from datetime import timedelta

from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from mediation.models import FollowUp, FollowUpKind, Intervention, Person
from partners.models import Referral
from tests.clock import TODAY, frozen
from tests.mediation.factories import FollowUpFactory, RecordedInterventionFactory
from tests.partners.factories import make_consent, make_person, make_referral

pytestmark = frozen()
LONG_AGO = TODAY - timedelta(days=800)


def evaluation_counts():
    """What the evaluation tables are built from: lines and beneficiaries by activity, referrals by mode."""
    lines = dict(
        Intervention.objects.values_list("activity_type__code")
        .annotate(n=Sum("count"))
        .values_list("activity_type__code", "n")
    )
    women_men = Intervention.objects.aggregate(w=Sum("women"), m=Sum("men"), u=Sum("unknown"))
    referrals = dict(Referral.objects.values_list("mode").annotate(n=Count("id")).values_list("mode", "n"))
    persons = dict(Person.objects.values_list("gender").annotate(n=Count("id")).values_list("gender", "n"))
    followups = FollowUp.objects.values("kind").annotate(n=Count("id")).count()
    return lines, women_men, referrals, persons, followups


def old_person(world, alias="Karim"):
    person = make_person(world, alias=alias, contact="06 00 00 00 00", last_contact_on=LONG_AGO)
    Person.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=900))
    make_consent(world, person, given_on=LONG_AGO - timedelta(days=1))
    make_referral(world, person=person, date=LONG_AGO, reason="Cherche un CAP cuisine")
    RecordedInterventionFactory(
        author=world.mediator,
        date=LONG_AGO,
        territory=world.territory_a,
        activity_type=world.activity("administrative_help"),
        person=person,
        men=1,
        note=f"Aide pour le dossier de {alias}",
    )
    FollowUpFactory(
        person=person,
        kind=FollowUpKind.YOUNG_ADULT,
        mediator=world.mediator,
        team=world.team_a,
        territory=world.territory_a,
        started_on=LONG_AGO,
        ended_on=LONG_AGO + timedelta(days=30),
        note="Vit chez sa tante",
    )
    return person


def test_retention_anonymises_and_keeps_every_count(world, capsys):
    old = old_person(world)
    recent = make_person(world, alias="Léa", last_contact_on=TODAY - timedelta(days=30))
    counts = evaluation_counts()
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert f"1 personne(s) sans contact depuis le {(TODAY - timedelta(days=730)):%d/%m/%Y} anonymisée(s)" in out
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.alias == f"Anonymisé n°{old.pk}" and old.contact == "" and old.birth_year is None
    assert old.gender == "M" and old.team == world.team_a  # what the counts need stays
    assert not Intervention.objects.filter(note__contains="Karim").exists()
    assert FollowUp.objects.get(person=old).note == ""
    assert Referral.objects.get(person=old).reason == ""
    recent.refresh_from_db()
    assert recent.anonymised_at is None and recent.alias == "Léa"
    assert evaluation_counts() == counts


def test_recent_activity_protects_a_person_with_an_old_last_contact_date(world):
    person = old_person(world)
    RecordedInterventionFactory(
        author=world.mediator,
        date=TODAY - timedelta(days=100),
        territory=world.territory_a,
        activity_type=world.activity("moral_support"),
        person=person,
    )
    call_command("apply_retention")
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_dry_run_shows_and_changes_nothing(world, capsys):
    person = old_person(world)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Simulation : 1 personne(s)" in out and f"n°{person.pk}" in out and "Rien n'a été modifié" in out
    person.refresh_from_db()
    assert person.anonymised_at is None and person.alias == "Karim"


def test_days_option_and_idempotence(world, capsys):
    person = make_person(world, last_contact_on=TODAY - timedelta(days=40))
    Person.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=40))
    call_command("apply_retention", "--days", "60")
    assert "Aucune personne" in capsys.readouterr().out
    call_command("apply_retention", "--days", "30")
    person.refresh_from_db()
    assert person.anonymised_at is not None
    call_command("apply_retention", "--days", "30")
    assert "rien à anonymiser" in capsys.readouterr().out


def test_each_anonymisation_is_audited_without_the_erased_values(world):
    from altm.models import AuditEntry

    person = old_person(world)
    call_command("apply_retention")
    entry = AuditEntry.objects.for_object(person).filter(action="update").get()
    assert entry.before is None and entry.after["alias"] == f"Anonymisé n°{person.pk}"
    assert "Karim" not in str(entry.after)


def test_retention_erases_the_person_from_past_audit_entries(world):
    from altm.audit import log_change
    from altm.models import AuditAction, AuditEntry

    person = old_person(world)
    log_change(actor=world.mediator, instance=person, action=AuditAction.CREATE)
    followup = FollowUp.objects.get(person=person)
    log_change(actor=world.mediator, instance=followup, action=AuditAction.CREATE)
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    assert AuditEntry.objects.filter(after__icontains="Karim").exists() or any(
        "Karim" in str(entry.after) for entry in AuditEntry.objects.all()
    )
    call_command("apply_retention")
    everything = [(entry.object_repr, entry.before, entry.after) for entry in AuditEntry.objects.all()]
    assert "Karim" not in str(everything)
    assert "06 00 00 00 00" not in str(everything)
    assert "Vit chez sa tante" not in str(everything)
    # Entries stay (who did what, when): only their personal content is erased.
    assert before <= set(AuditEntry.objects.values_list("pk", flat=True))
    # New: the person's anonymised state, and one entry per row whose text was erased (follow-up, line, referral,
    # consent), none with the erased values.
    assert AuditEntry.objects.exclude(pk__in=before).count() == 5
    created = AuditEntry.objects.for_object(person).get(action="create")
    assert created.actor == world.mediator and created.after["alias"] == "[effacé]"
