"""PostgreSQL: the import's lookups and writes as set-based SQL over the file's rows, staged with COPY.

The rows are parsed and checked in Python first (`validate`: cell syntax, reference data loaded once, the line's
rules from `mediation.rules`, the one rule module). Then, inside the import's transaction:

- `staged_rows` copies the valid rows into a temporary table and finds, by one join each, the line an
  external id or an exported `altm-<uuid>` names;
- `write` checks the lines the file targets (owned by a workflow, in a closed year, an id stored under another
  case) with the staged table as a subquery (`staged_external_ids`, `staged_uuids`);
- `create_lines` and `update_lines` are one `INSERT … SELECT` and one `UPDATE … FROM` each, and journal in the
  same statement what `altm.audit.log_bulk` would (`altm.audit.log_bulk_sql`): the database triggers on the
  intervention table see one statement per kind of write.

Every other database takes the row-by-row path of `write`; both give the same lines, journal and errors.
"""

from contextlib import contextmanager

from django.db import connection
from django.db.models.expressions import RawSQL

from altm.audit import log_bulk_sql, snapshot_sql
from altm.models import AuditAction
from mediation import rules
from mediation.interchange.validate import CleanRow
from mediation.models import ActivityType, Intervention, InterventionSource

STAGE = "altm_import_rows"
# The staged row: the file's line number, how it names a stored line, and the values it writes.
STAGE_COLUMNS = [
    ("line", "integer"),
    ("external_id", "varchar(100)"),
    ("match_uuid", "uuid"),
    ("date", "date"),
    ("territory_id", "bigint"),
    ("site_id", "bigint"),
    ("author_id", "bigint"),
    ("team_id", "bigint"),
    ("activity_type_id", "bigint"),
    ("mode", "varchar(10)"),
    ("count", "bigint"),
    ("women", "bigint"),
    ("men", "bigint"),
    ("unknown", "bigint"),
    ("age_band", "varchar(10)"),
    ("duration_minutes", "bigint"),
    ("note", "text"),
    # The note as `rules.history_referral_note` writes it when the line is (or becomes) a history referral.
    ("history_note", "text"),
]
# Fields the import writes, in `write.WRITTEN_FIELDS` order; the note is chosen per line (`_written_note`).
WRITTEN_FIELDS = [
    "date",
    "territory_id",
    "site_id",
    "author_id",
    "team_id",
    "activity_type_id",
    "mode",
    "count",
    "women",
    "men",
    "unknown",
    "age_band",
    "duration_minutes",
    "note",
]
IMPORT_SOURCE = InterventionSource.IMPORT.value
assert IMPORT_SOURCE.isalnum()  # written into the SQL below as a literal


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(attname: str) -> str:
    return _q(Intervention._meta.get_field(attname).column)


TABLE = _q(Intervention._meta.db_table)


def _stage_values(row: CleanRow) -> list:
    return [
        row.line,
        row.external_id,
        row.match_uuid,
        row.date,
        row.territory_id,
        row.site_id,
        row.author_id,
        row.team_id,
        row.activity_type.pk,
        row.mode,
        row.count,
        row.women,
        row.men,
        row.unknown,
        row.age_band,
        row.duration_minutes,
        row.note,
        rules.history_referral_note(row.activity_type, row.mode, row.note),
    ]


@contextmanager
def staged_rows(rows: list[CleanRow]):
    """The rows in a temporary table for the length of the block (call it inside the import's transaction)."""
    columns = ", ".join(f"{_q(name)} {kind}" for name, kind in STAGE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(STAGE)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_q(STAGE)} ({columns}, target_id bigint) ON COMMIT DROP")
        names = ", ".join(_q(name) for name, _kind in STAGE_COLUMNS)
        with cursor.cursor.copy(f"COPY {_q(STAGE)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_stage_values(row))
        # The stored line each row names: one join per way of naming it.
        for stage_column, column in (("external_id", "external_id"), ("match_uuid", "uuid")):
            cursor.execute(
                f"UPDATE {_q(STAGE)} s SET target_id = i.id FROM {TABLE} i "
                f"WHERE i.{_column(column)} = s.{_q(stage_column)}"
            )
        cursor.execute(f"ANALYZE {_q(STAGE)}")
    yield
    # On an error the transaction's rollback removes the table; a run inside a longer transaction drops it now.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {_q(STAGE)}")


def staged_external_ids() -> RawSQL:
    """For `external_id__in=`: the external ids of the staged rows."""
    return RawSQL(f"SELECT external_id FROM {_q(STAGE)} WHERE external_id IS NOT NULL", [])


def staged_uuids() -> RawSQL:
    """For `uuid__in=`: the `altm-<uuid>` of the staged rows."""
    return RawSQL(f"SELECT match_uuid FROM {_q(STAGE)} WHERE match_uuid IS NOT NULL", [])


def other_case_external_ids() -> list[tuple[str, str]]:
    """(stored, given) external ids equal but for case, for ids not stored as the file gives them."""
    external_id = _column("external_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.{external_id}, s.external_id FROM {_q(STAGE)} s JOIN {TABLE} i "
            f"ON lower(i.{external_id}) = lower(s.external_id) "
            f"WHERE s.external_id IS NOT NULL AND i.{external_id} <> s.external_id "
            f"AND NOT EXISTS (SELECT 1 FROM {TABLE} e WHERE e.{external_id} = s.external_id)"
        )
        return cursor.fetchall()


def _written_note(current: str | None) -> str:
    """`write._written_values`: a created line, an imported line or a change of mode gets the history note."""
    if current is None:
        return "s.history_note"
    return (
        f"CASE WHEN {current}.{_column('source')} = '{IMPORT_SOURCE}' OR {current}.{_column('mode')} <> s.mode "
        "THEN s.history_note ELSE s.note END"
    )


def _written(current: str | None) -> list[tuple[str, str]]:
    """(column, SQL value) of every written field, for a row of the stage `s` over the line `current`."""
    return [(_column(name), _written_note(current) if name == "note" else f"s.{_q(name)}") for name in WRITTEN_FIELDS]


def _changed(current: str) -> str:
    written = _written(current)
    return (
        f"({', '.join(f'{current}.{column}' for column, _value in written)}) IS DISTINCT FROM "
        f"({', '.join(value for _column_name, value in written)})"
    )


def counts() -> tuple[int, int]:
    """(created, updated): what `create_lines` and `update_lines` would write (a dry run)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE s.target_id IS NULL), count(DISTINCT i.id) FILTER (WHERE {_changed('i')}) "
            f"FROM {_q(STAGE)} s LEFT JOIN {TABLE} i ON i.id = s.target_id"
        )
        return cursor.fetchone()


def _describe(alias: str) -> str:
    """`write._describe` (`str(Intervention)`) in SQL, over the line `alias` joined to its activity `a`."""
    label = _q(ActivityType._meta.get_field("label").column)
    day, count = f"{alias}.{_column('date')}", f"{alias}.{_column('count')}"
    return f"to_char({day}, 'DD/MM/YYYY') || ' · ' || a.{label} || ' × ' || {count}"


def _activity_join(alias: str) -> str:
    return f"JOIN {_q(ActivityType._meta.db_table)} a ON a.id = {alias}.{_column('activity_type_id')}"


def create_lines(*, actor, now) -> int:
    """Every staged row that names no stored line becomes a line, journaled as created."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    values = [
        (_column("uuid"), "COALESCE(s.match_uuid, gen_random_uuid())"),
        (_column("external_id"), "s.external_id"),
        *_written(None),
        (_column("theme"), "''"),
        (_column("partner_name"), "''"),
        (_column("source"), f"'{IMPORT_SOURCE}'"),
        (_column("created_at"), "%s"),
        (_column("created_by_id"), "%s"),
        (_column("updated_at"), "%s"),
        (_column("updated_by_id"), "%s"),
    ]
    audit, audit_params = log_bulk_sql(
        actor=actor,
        model=Intervention,
        at=now,
        action=AuditAction.CREATE.value,
        object_id="c.id",
        object_repr=_describe("c"),
        before="NULL::jsonb",
        after=snapshot_sql(Intervention, "c"),
    )
    sql = (
        f"WITH c AS (INSERT INTO {TABLE} ({', '.join(column for column, _value in values)}) "
        f"SELECT {', '.join(value for _column_name, value in values)} FROM {_q(STAGE)} s "
        f"WHERE s.target_id IS NULL ORDER BY s.line RETURNING *) "
        f"{audit} FROM c {_activity_join('c')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, actor_id, now, actor_id, *audit_params])
        return cursor.rowcount


def update_lines(*, actor, now) -> int:
    """Every stored line a staged row changes gets the row's values, journaled with its values before and after."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    assignments = [f"{column} = {value}" for column, value in _written("o")]
    assignments += [f"{_column('updated_at')} = %s", f"{_column('updated_by_id')} = %s"]
    audit, audit_params = log_bulk_sql(
        actor=actor,
        model=Intervention,
        at=now,
        action=AuditAction.UPDATE.value,
        object_id="u.id",
        object_repr=_describe("u"),
        before="u.before_values",
        after="u.after_values",
    )
    # `o` is the line as it was before this statement (its snapshot), `i` the line being written.
    sql = (
        f"WITH u AS (UPDATE {TABLE} i SET {', '.join(assignments)} "
        f"FROM {_q(STAGE)} s JOIN {TABLE} o ON o.id = s.target_id "
        f"WHERE i.id = s.target_id AND {_changed('o')} "
        f"RETURNING i.id, i.{_column('date')}, i.{_column('count')}, i.{_column('activity_type_id')}, "
        f"{snapshot_sql(Intervention, 'o')} AS before_values, {snapshot_sql(Intervention, 'i')} AS after_values) "
        f"{audit} FROM u {_activity_join('u')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, actor_id, *audit_params])
        return cursor.rowcount
