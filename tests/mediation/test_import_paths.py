"""The import's two paths give the same outcome: set-based SQL over the staged file (PostgreSQL) and row by row
(every database). Same lines, same journal, same report, same errors in the same order."""

import uuid
from datetime import date

import pytest
from django.db import connection, transaction

from altm.audit import snapshot
from altm.models import AuditAction, AuditEntry
from mediation import rules
from mediation.interchange import COLUMNS, import_interventions, read_table
from mediation.models import Intervention, InterventionSource
from tests.mediation.factories import InterventionFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based path needs PostgreSQL (COPY, UPDATE … FROM … RETURNING)"
)
HEADER = ",".join(COLUMNS)
# Columns that differ between two runs by nature: the key, a new line's random uuid, the moment of the import.
VOLATILE = {"id", "uuid", "created_at", "updated_at"}
EXPORTED_UUID = uuid.UUID("8c4c1a8e-3b7a-4c39-9a55-0f1e2d3c4b5a")


@pytest.fixture
def stored(world):
    """Lines a re-import finds: by external id, by the `altm-<uuid>` of an export, owned by a workflow, in 2023."""
    activity = world.activity("presence")
    referral = world.activity("referral")
    common = {"territory": world.territory_a, "team": world.team_a, "author": world.mediator}
    return {
        "changed": InterventionFactory(
            **common, date=date(2025, 3, 4), activity_type=activity, external_id="EXT-1", source="import"
        ),
        "same": InterventionFactory(
            **common, date=date(2025, 3, 4), activity_type=activity, external_id="EXT-2", source="import", count=2
        ),
        "exported": InterventionFactory(
            **common, date=date(2025, 3, 5), activity_type=referral, uuid=EXPORTED_UUID, note="appel"
        ),
        "other case": InterventionFactory(**common, date=date(2025, 3, 4), activity_type=activity, external_id="Ab-9"),
        "owned": InterventionFactory(
            **common,
            date=date(2025, 3, 4),
            activity_type=activity,
            external_id="CONF-1",
            source=InterventionSource.CONFLICT,
        ),
        "closed": InterventionFactory(**common, date=date(2023, 6, 1), activity_type=activity, external_id="OLD-1"),
    }


GOOD_FILE = (
    f"{HEADER}\n"
    "2025-03-04,L8,Santy,mediateur,presence,,5,1,1,0,30,plus d'actes,EXT-1\n"  # update of a stored line
    "2025-03-04,L8,,mediateur,presence,,2,0,0,0,,,EXT-2\n"  # the stored line as it is
    f"05/03/2025,L8,,mediateur,referral,telephone,1,0,0,0,,appel,altm-{EXPORTED_UUID}\n"  # becomes a history referral
    "2025-03-06,Lyon 8,santy,manager,referral,physical,1,,,,,Mission Locale,NEW-1\n"  # created, history note
    "2025-03-06,L9,,,rule_reminder,,3,,,,,,\n"  # created, no external id
    "2025-03-07,L8,,,presence,,1,,,,,,altm-11111111-2222-4333-8444-555555555555\n"  # created under that uuid
    "2025-03-07,L8,,inconnu@nulle.part,presence,,1,,,,,,NEW-2\n"  # unknown user: an error
)
BAD_TARGETS_FILE = (
    f"{HEADER}\n"
    "2025-03-04,L8,,mediateur,presence,,2,,,,,,CONF-1\n"  # a conflict case's line
    "2025-03-04,L8,,mediateur,presence,,2,,,,,,OLD-1\n"  # a line of a closed year
    "2025-03-04,L8,,mediateur,presence,,2,,,,,,ab-9\n"  # stored as Ab-9
    "2025-03-04,L8,,mediateur,presence,,2,,,,,,EXT-1\n"  # a line the file may change
)


def _normal(values: dict | None) -> dict | None:
    return None if values is None else {name: value for name, value in values.items() if name not in VOLATILE}


def outcome(world, text: str, *, set_based: bool, dry_run: bool = False, preview_size: int = 0):
    """What a user would notice of one import, the database left as it was."""
    with transaction.atomic():
        before = {line.pk: snapshot(line) for line in Intervention.objects.all()}
        report = import_interventions(
            actor=world.admin,
            table=read_table(text.encode(), "csv"),
            dry_run=dry_run,
            preview_size=preview_size,
            set_based=set_based,
        )
        lines = {line.pk: line for line in Intervention.objects.select_related("activity_type")}
        journal = []
        for entry in AuditEntry.objects.filter(actor=world.admin).order_by("object_repr", "action"):
            line = lines[int(entry.object_id)]
            # Each path journals what `log_change` would have: the line before, the line as written.
            assert entry.after == snapshot(line)
            assert entry.before == before.get(line.pk)
            assert entry.object_repr == str(line)
            assert entry.at == line.updated_at
            journal.append((entry.action, entry.object_repr, entry.actor_name, _normal(entry.before), entry.after))
        written = sorted((_normal(snapshot(line)) for line in lines.values()), key=repr)
        new_uuids = sorted(str(line.uuid) for pk, line in lines.items() if pk not in before)
        transaction.set_rollback(True)
    preview = [(kind, values[:12], description) for kind, values, description in report.preview]
    summary = (report.total, report.created, report.updated, report.unchanged, report.without_team, report.dry_run)
    errors = [str(error) for error in report.errors]
    return summary, errors, preview, written, [(*entry[:4], _normal(entry[4])) for entry in journal], new_uuids


def test_both_paths_write_the_same_lines_and_journal(world, stored):
    text = GOOD_FILE.rsplit("\n", 2)[0] + "\n"  # without the bad last row
    set_based = outcome(world, text, set_based=True)
    row_by_row = outcome(world, text, set_based=False)
    assert set_based[:5] == row_by_row[:5]
    summary, errors, _preview, written, journal, new_uuids = set_based
    assert errors == []
    assert summary == (6, 3, 2, 1, 0, False)
    assert [action for action, *_rest in journal].count(AuditAction.UPDATE) == 2
    assert "11111111-2222-4333-8444-555555555555" in new_uuids
    history = [line for line in written if line["mode"] in ("telephone", "physical")]
    assert len(history) == 2 and all(line["note"].startswith(rules.HISTORY_REFERRAL_NOTE) for line in history)


def test_both_paths_preview_a_dry_run_alike_and_write_nothing(world, stored):
    text = GOOD_FILE.rsplit("\n", 2)[0] + "\n"
    set_based = outcome(world, text, set_based=True, dry_run=True, preview_size=4)
    assert set_based == outcome(world, text, set_based=False, dry_run=True, preview_size=4)
    summary, _errors, preview, _written, journal, _uuids = set_based
    assert summary == (6, 3, 2, 1, 0, True) and journal == []
    assert [kind for kind, _values, _description in preview] == ["update", "unchanged", "update", "new"]
    assert Intervention.objects.count() == len(stored)


def test_both_paths_refuse_the_same_rows_with_the_same_french_messages(world, stored, monkeypatch):
    monkeypatch.setattr(rules, "_closed_years_source", lambda: [2023, 2024])
    set_based = outcome(world, BAD_TARGETS_FILE, set_based=True)
    assert set_based == outcome(world, BAD_TARGETS_FILE, set_based=False)
    _summary, errors, _preview, written, journal, _uuids = set_based
    assert errors[0].startswith("ligne 2, colonne external_id : cette ligne appartient à une situation de conflit")
    assert errors[1].startswith("ligne 3, colonne date : ")
    assert errors[2] == (
        "ligne 4, colonne external_id : identifiant externe « ab-9 » déjà enregistré sous la forme « Ab-9 »"
    )
    assert len(errors) == 3
    assert len(written) == len(stored) and journal == []
    # A row error found while reading stops the import before anything is staged, on either path.
    bad_row = outcome(world, GOOD_FILE, set_based=True)
    assert bad_row == outcome(world, GOOD_FILE, set_based=False)
    assert bad_row[1] == [
        "ligne 8, colonne mediator : utilisateur inconnu « inconnu@nulle.part » (identifiant ou e-mail attendu)"
    ]


def test_a_second_import_in_the_same_transaction_stages_again(world, stored):
    text = f"{HEADER}\n2025-03-08,L8,,,presence,,1,,,,,,T-1\n"
    with transaction.atomic():
        first = import_interventions(actor=world.admin, table=read_table(text.encode(), "csv"), set_based=True)
        second = import_interventions(actor=world.admin, table=read_table(text.encode(), "csv"), set_based=True)
    assert (first.created, second.unchanged) == (1, 1)
    assert Intervention.objects.filter(external_id="T-1").count() == 1


def test_a_file_of_headers_only_imports_nothing_on_either_path(world, stored):
    assert outcome(world, f"{HEADER}\n", set_based=True) == outcome(world, f"{HEADER}\n", set_based=False)
    summary, errors, _preview, written, journal, _uuids = outcome(world, f"{HEADER}\n", set_based=True)
    assert summary == (0, 0, 0, 0, 0, False) and errors == [] and journal == []
    assert len(written) == len(stored)


def test_both_paths_refuse_a_stored_line_named_twice(world, stored):
    """By its external id on one row and by the `altm-<uuid>` of an export on another: which would win is
    arbitrary, so the file is refused at the second naming, on either path."""
    line = stored["changed"]
    text = (
        f"{HEADER}\n"
        "2025-03-04,L8,,mediateur,presence,,5,,,,,,EXT-1\n"
        f"2025-03-04,L8,,mediateur,presence,,7,,,,,,altm-{line.uuid}\n"
    )
    set_based = outcome(world, text, set_based=True)
    assert set_based == outcome(world, text, set_based=False)
    assert set_based[1] == [
        "ligne 3, colonne external_id : cette ligne vise la même intervention que la ligne 2 "
        "(identifiant externe « EXT-1 ») : gardez-en une seule"
    ]
    assert set_based[4] == []
