"""The roll-ups of the intervention lines (`DailyTotal`, `MonthlyTotal`): the triggers that keep them exact, their
exact rebuild, and how a period is read from them.

PostgreSQL: one statement-level trigger per event, with transition tables, adds the net change of each statement
per roll-up row in ONE upsert (a 100,000-line import costs one grouped upsert, not 100,000). The unique indexes
treat an empty dimension (no site, no team, no author) as a value (NULLS NOT DISTINCT, PostgreSQL 15), so the
upsert finds its row; concurrent writers to the same row queue on its row lock and add up.

SQLite: row-level triggers (SQLite has no other kind); writers are serialised by the database lock.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from mediation.models.totals import (
    AGENCY_DIMENSIONS,
    DIMENSIONS,
    MEASURES,
    AgencyMonthlyTotal,
    DailyTotal,
    MonthlyTotal,
)

GRAINS = ("day", "month", "agency")
TABLES = {
    "day": DailyTotal._meta.db_table,
    "month": MonthlyTotal._meta.db_table,
    "agency": AgencyMonthlyTotal._meta.db_table,
}
# The dimensions of each roll-up: the agency-wide monthly one drops the team and the author.
DIMS = {"day": DIMENSIONS, "month": DIMENSIONS, "agency": AGENCY_DIMENSIONS}
LINES = "mediation_intervention"
KEY = ", ".join(DIMENSIONS)
SUMS = ", ".join(MEASURES)
# Per roll-up table: how a line's date becomes the row's date (PostgreSQL, SQLite).
PG_DAY = {"day": "date", "month": "date_trunc('month', date)::date", "agency": "date_trunc('month', date)::date"}
SQLITE_DAY = {
    "day": "{row}.date",
    "month": "strftime('%Y-%m-01', {row}.date)",
    "agency": "strftime('%Y-%m-01', {row}.date)",
}


def _key(grain: str) -> str:
    return ", ".join(DIMS[grain])


def _positions(grain: str) -> str:
    return ", ".join(str(i) for i in range(1, len(DIMS[grain]) + 1))


def _pg_upsert(grain: str, source: str) -> str:
    """Add the signed rows of `source` (columns: s = +1/-1, then the line's) into the roll-up, one row per key."""
    table, day = TABLES[grain], PG_DAY[grain]
    dims = ", ".join(day if name == "date" else name for name in DIMS[grain])
    sums = (
        "sum(s), sum(s * count), sum(s * women), sum(s * men), sum(s * unknown),"
        " sum(s * coalesce(duration_minutes, 0))"
    )
    updates = ", ".join(f"{name} = t.{name} + excluded.{name}" for name in MEASURES)
    nonzero = " OR ".join(f"sum({expr}) <> 0" for expr in ("s", "s * count", "s * women", "s * men", "s * unknown"))
    return f"""
        INSERT INTO {table} AS t ({_key(grain)}, {SUMS})
        SELECT {dims}, {sums} FROM ({source}) AS changed
        GROUP BY {_positions(grain)}
        HAVING {nonzero} OR sum(s * coalesce(duration_minutes, 0)) <> 0
        ORDER BY {_positions(grain)}
        ON CONFLICT ({_key(grain)}) DO UPDATE SET {updates};
    """


_LINE_COLUMNS = f"{KEY}, count, women, men, unknown, duration_minutes"
_PG_SOURCES = {
    "INSERT": f"SELECT 1 AS s, {_LINE_COLUMNS} FROM new_lines",
    "DELETE": f"SELECT -1 AS s, {_LINE_COLUMNS} FROM old_lines",
    "UPDATE": (
        f"SELECT 1 AS s, {_LINE_COLUMNS} FROM new_lines UNION ALL SELECT -1 AS s, {_LINE_COLUMNS} FROM old_lines"
    ),
}


def _pg_install(grains) -> list[str]:
    branches = []
    for event, source in _PG_SOURCES.items():
        body = "".join(_pg_upsert(grain, source) for grain in grains)
        branches.append(f"{'IF' if not branches else 'ELSIF'} TG_OP = '{event}' THEN {body}")
    statements = [
        f"CREATE UNIQUE INDEX {TABLES[grain]}_key ON {TABLES[grain]} ({_key(grain)}) NULLS NOT DISTINCT"
        for grain in grains
    ]
    statements.append(
        f"""
        CREATE OR REPLACE FUNCTION mediation_line_totals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {" ".join(branches)}
            END IF;
            RETURN NULL;
        END;
        $$
        """
    )
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_lines"),
        ("DELETE", "OLD TABLE AS old_lines"),
        ("UPDATE", "NEW TABLE AS new_lines OLD TABLE AS old_lines"),
    ):
        statements.append(
            f"CREATE TRIGGER mediation_line_totals_{event.lower()} AFTER {event} ON {LINES}"
            f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION mediation_line_totals()"
        )
    return statements


def _sqlite_add(grain: str, row: str, sign: str) -> str:
    """Statements adding (sign "+") or subtracting (sign "-") the line `row` (NEW or OLD) to its roll-up row."""
    table, dimensions = TABLES[grain], DIMS[grain]
    values = {name: f"{row}.{name}" for name in dimensions}
    values["date"] = SQLITE_DAY[grain].format(row=row)
    match = " AND ".join(f"{name} IS {values[name]}" for name in dimensions)
    measures = {
        "lines": "1",
        "count": f"{row}.count",
        "women": f"{row}.women",
        "men": f"{row}.men",
        "unknown": f"{row}.unknown",
        "duration_minutes": f"coalesce({row}.duration_minutes, 0)",
    }
    updates = ", ".join(f"{name} = {name} {sign} {expr}" for name, expr in measures.items())
    create = ""
    if sign == "+":
        create = (
            f"INSERT INTO {table} ({_key(grain)}, {SUMS}) SELECT {', '.join(values[name] for name in dimensions)},"
            f" 0, 0, 0, 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {match});"
        )
    return f"{create} UPDATE {table} SET {updates} WHERE {match};"


def _sqlite_install(grains) -> list[str]:
    statements = [f"CREATE UNIQUE INDEX {TABLES[grain]}_key ON {TABLES[grain]} ({_key(grain)})" for grain in grains]
    for event, parts in (
        ("INSERT", [("NEW", "+")]),
        ("DELETE", [("OLD", "-")]),
        ("UPDATE", [("OLD", "-"), ("NEW", "+")]),
    ):
        body = " ".join(_sqlite_add(grain, row, sign) for row, sign in parts for grain in grains)
        statements.append(
            f"CREATE TRIGGER mediation_line_totals_{event.lower()} AFTER {event} ON {LINES}"
            f" FOR EACH ROW BEGIN {body} END"
        )
    return statements


def install_statements(vendor: str, grains=GRAINS) -> list[str]:
    """The unique indexes of the roll-ups of `grains` and the triggers keeping them (a migration names the roll-ups
    that existed at its point of the history)."""
    if vendor == "postgresql":
        return _pg_install(grains)
    if vendor == "sqlite":
        return _sqlite_install(grains)
    raise NotImplementedError(f"roll-ups not written for {vendor}")


def uninstall_statements(vendor: str, grains=GRAINS) -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS mediation_line_totals_{event} ON {LINES}" for event in ("insert", "delete", "update")
    ]
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS mediation_line_totals()")
    else:
        statements = [statement.replace(f" ON {LINES}", "") for statement in statements]
    statements += [f"DROP INDEX IF EXISTS {TABLES[grain]}_key" for grain in grains]
    return statements


def installed_triggers(conn) -> set[str]:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [LINES])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [LINES])
        return {name for (name,) in cursor.fetchall() if name.startswith("mediation_line_totals_")}


def ensure_installed(using=None) -> bool:
    """Put the triggers back if a migration lost them, and rebuild the roll-ups then (True). SQLite rebuilds a
    table to alter it and drops its triggers: this runs after every `migrate` (post_migrate signal)."""
    conn = connections[using or DEFAULT_DB_ALIAS]
    if conn.vendor not in ("postgresql", "sqlite"):
        return False
    tables = set(conn.introspection.table_names())
    if LINES not in tables or not set(TABLES.values()) <= tables:
        return False  # not migrated that far yet
    if len(installed_triggers(conn)) == 3:
        return False
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        for statement in uninstall_statements(conn.vendor) + install_statements(conn.vendor):
            cursor.execute(statement)
    rebuild(using=conn.alias)
    return True


def rebuild(using=None, grains=GRAINS) -> dict[str, int]:
    """Recompute both roll-ups from the lines (exact by construction); the lines are locked against writes
    meanwhile on PostgreSQL. For an operator who loaded lines with the triggers disabled, and for the benchmark."""
    conn = connections[using or DEFAULT_DB_ALIAS]
    counts = {}
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {LINES} IN SHARE MODE")
        for grain in grains:
            day = PG_DAY[grain] if conn.vendor == "postgresql" else SQLITE_DAY[grain].format(row=LINES)
            dims = ", ".join(day if name == "date" else name for name in DIMS[grain])
            cursor.execute(f"DELETE FROM {TABLES[grain]}")
            cursor.execute(
                f"""
                INSERT INTO {TABLES[grain]} ({_key(grain)}, {SUMS})
                SELECT {dims}, count(*), sum(count), sum(women), sum(men), sum(unknown),
                       coalesce(sum(duration_minutes), 0)
                FROM {LINES} GROUP BY {_positions(grain)}
                """
            )
            counts[grain] = cursor.rowcount
    return counts


def _last_day(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def pieces(start: date, end: date, *, agency: bool = False) -> list[tuple[type, date, date]]:
    """Cover [start, end] with the fewest roll-up rows: the whole months from `MonthlyTotal` (`AgencyMonthlyTotal`
    with `agency`, for a reader who needs neither team nor mediator), the days before the first whole month and
    after the last one from `DailyTotal`. [(model, start, end)], in date order."""
    monthly = AgencyMonthlyTotal if agency else MonthlyTotal
    if start > end:
        return []
    # The first day of the first whole month and the last day of the last one (none at the ends of the calendar).
    first = start if start.day == 1 else None if _last_day(start) == date.max else _last_day(start) + timedelta(1)
    last = (
        end if end == _last_day(end) else None if end.replace(day=1) == date.min else end.replace(day=1) - timedelta(1)
    )
    if first is None or last is None or first > last:
        return [(DailyTotal, start, end)]
    result = []
    if start < first:
        result.append((DailyTotal, start, first - timedelta(days=1)))
    result.append((monthly, first, last))
    if last < end:
        result.append((DailyTotal, last + timedelta(days=1), end))
    return result
