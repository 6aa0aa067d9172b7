"""The interchange format of interventions (DOMAIN §8): reading, row validation, bulk import, export rows.

One row = one intervention line. The admin (through `mediation.resources.InterventionResource`), the command
`import_interventions` and the export view all go through this module, so the rules live in one place:

- `read_table` turns a CSV or XLSX file into headers + rows, keeping spreadsheet line numbers;
- `RowValidator` checks the headers and each row against lookups preloaded into dicts (no query per row);
- `import_interventions` validates every row, then writes nothing if any row is bad, else creates and updates the
  lines in batches (`bulk_create` / `bulk_update`) inside one transaction, with one audit entry per changed line;
- `export_rows` yields the same columns from a queryset, so export → import round-trips.
"""

import csv
import io
import re
import uuid as uuid_module
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from altm.models import AuditAction, AuditEntry
from mediation import rules
from mediation.models import (
    ActivityType,
    Intervention,
    InterventionSource,
    Site,
    Team,
    Territory,
)

COLUMNS = [
    "date",
    "territory",
    "site",
    "mediator",
    "activity",
    "mode",
    "count",
    "women",
    "men",
    "unknown",
    "duration_minutes",
    "note",
    "external_id",
]
REQUIRED_COLUMNS = ["date", "territory", "activity"]
# Field names of `mediation.rules` -> columns of the file, where they differ.
RULE_COLUMNS = {"activity_type": "activity"}
EXTERNAL_ID_MAX_LENGTH = Intervention._meta.get_field("external_id").max_length
# Lines that never had an external id are exported as `altm-<uuid>`, so re-importing the export updates them.
UUID_EXTERNAL_ID = re.compile(r"^altm-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
# Cells a spreadsheet would read as a formula get a leading quote in CSV exports, removed again on import.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH_SIZE = 2000
FIRST_DATA_LINE = 2  # the header is line 1, as a spreadsheet shows it


class InterchangeError(Exception):
    """The file cannot be read at all (not a CSV or XLSX file, empty, undecodable)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self):
        if self.column:
            return _("ligne %(line)s, colonne %(column)s : %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Table:
    """Headers and rows of a file; `rows` yields (spreadsheet line number, list of cell values)."""

    headers: list
    rows: Iterable[tuple[int, list]]


# --- Reading files ------------------------------------------------------------------------------------------


def file_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".xlsx"):
        return "xlsx"
    raise InterchangeError(
        _("Format de fichier non reconnu : « %(name)s » (attendu : .csv ou .xlsx).") % {"name": name}
    )


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; spreadsheets saved by a French Excel are often Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    # A French Excel writes `;` between cells; detect it on the header line.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise InterchangeError(_("Le fichier est vide.")) from None
    return Table(headers=headers, rows=((number, row) for number, row in enumerate(reader, FIRST_DATA_LINE)))


def read_xlsx(data: bytes) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InterchangeError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        headers = list(next(rows))
    except StopIteration:
        raise InterchangeError(_("Le fichier est vide.")) from None
    return Table(headers=headers, rows=((number, list(row)) for number, row in enumerate(rows, FIRST_DATA_LINE)))


def read_table(data: bytes, kind: str) -> Table:
    if kind == "csv":
        try:
            return read_csv(decode_csv(data))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InterchangeError(_("Ce fichier n'est pas un CSV lisible : %(error)s") % {"error": exc}) from exc
    if kind == "xlsx":
        return read_xlsx(data)
    raise InterchangeError(_("Format de fichier non reconnu (attendu : csv ou xlsx)."))


def read_path(path: str) -> Table:
    kind = file_kind(str(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InterchangeError(_("Impossible de lire le fichier : %(error)s") % {"error": exc}) from exc
    return read_table(data, kind)


# --- Validation ---------------------------------------------------------------------------------------------


def _key(value: str) -> str:
    """Case- and space-insensitive key for names typed by hand."""
    return " ".join(value.split()).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    text = value.strip()
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _parse_date(text: str) -> date | None:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; None when it is neither or not a real day (31/02)."""
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
        found = FRENCH_DATE.match(text)
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        return None
    return None


@dataclass(slots=True)
class CleanRow:
    """A validated row, ready to become an Intervention (ids only, no model instance)."""

    line: int
    date: date
    territory_id: int
    site_id: int | None
    author_id: int | None
    team_id: int | None
    activity_type: ActivityType
    mode: str
    count: int
    women: int
    men: int
    unknown: int
    duration_minutes: int | None
    note: str
    external_id: str | None  # stored in Intervention.external_id
    match_uuid: str | None  # `altm-<uuid>`: the line exported from this application


class Lookups:
    """Reference data loaded once per import: a handful of queries, whatever the number of rows."""

    def __init__(self):
        self.territories_by_code: dict[str, int] = {}
        self.territories_by_name: dict[str, int] = {}
        self.territory_names: dict[int, str] = {}
        self.territory_codes: dict[int, str] = {}
        for pk, code, name in Territory.objects.values_list("pk", "code", "name"):
            self.territories_by_code[_key(code)] = pk
            self.territories_by_name[_key(name)] = pk
            self.territory_names[pk] = name
            self.territory_codes[pk] = code
        self.sites: dict[tuple[int, str], int] = {}
        self.site_names: dict[int, str] = {}
        for pk, territory_id, name in Site.objects.values_list("pk", "territory_id", "name"):
            self.sites[(territory_id, _key(name))] = pk
            self.site_names[pk] = name
        self.activities = {activity.code.casefold(): activity for activity in ActivityType.objects.all()}
        self.users_by_username: dict[str, int] = {}
        self.users_by_username_key: dict[str, set[int]] = {}
        self.users_by_email: dict[str, set[int]] = {}
        self.usernames: dict[int, str] = {}
        for pk, username, email in User.objects.values_list("pk", "username", "email"):
            self.users_by_username[username] = pk
            self.usernames[pk] = username
            self.users_by_username_key.setdefault(username.casefold(), set()).add(pk)
            if email:
                self.users_by_email.setdefault(email.casefold(), set()).add(pk)
        self.teams_by_territory: dict[int, list[int]] = {pk: [] for pk in self.territory_names}
        for team_id, territory_id in Team.territories.through.objects.order_by("team__name").values_list(
            "team_id", "territory_id"
        ):
            self.teams_by_territory[territory_id].append(team_id)
        self.team_members: dict[int, set[int]] = {pk: set() for pk in Team.objects.values_list("pk", flat=True)}
        for through in (Team.mediators.through, Team.managers.through):
            for team_id, user_id in through.objects.values_list("team_id", "user_id"):
                self.team_members[team_id].add(user_id)
        self._teams: dict[tuple[int | None, int], int | None] = {}

    def territory(self, value: str) -> int | None:
        key = _key(value)
        return self.territories_by_code.get(key) or self.territories_by_name.get(key)

    def user(self, value: str) -> tuple[int | None, bool]:
        """(user id, ambiguous): exact username, then username ignoring case, then e-mail."""
        if value in self.users_by_username:
            return self.users_by_username[value], False
        for candidates in (
            self.users_by_username_key.get(value.casefold()),
            self.users_by_email.get(value.casefold()),
        ):
            if candidates:
                if len(candidates) > 1:
                    return None, True
                return next(iter(candidates)), False
        return None, False

    def team(self, author_id: int | None, territory_id: int) -> int | None:
        """The team owning a row (`rules.choose_team`), from the teams loaded once."""
        key = (author_id, territory_id)
        if key not in self._teams:
            covering = [
                (team_id, author_id in self.team_members[team_id]) for team_id in self.teams_by_territory[territory_id]
            ]
            self._teams[key] = rules.choose_team(covering)
        return self._teams[key]


class RowValidator:
    """Checks a file's headers, then each row. Every message is French and names the column at fault."""

    def __init__(self, headers: list, *, lookups: Lookups | None = None, today: date | None = None):
        self.lookups = lookups or Lookups()
        self.today = today or timezone.localdate()
        self.raw_headers = list(headers)
        self.positions: dict[str, int] = {}
        self.unnamed_positions: list[int] = []
        self.header_errors: list[RowError] = []
        seen = {}
        for position, header in enumerate(self.raw_headers):
            name = _text(header).casefold()
            if not name:
                self.unnamed_positions.append(position)
                continue
            if name in seen:
                self.header_errors.append(
                    RowError(
                        1,
                        name,
                        _("colonne en double (colonnes n° %(first)s et %(second)s)")
                        % {
                            "first": seen[name] + 1,
                            "second": position + 1,
                        },
                    )
                )
                continue
            seen[name] = position
            if name not in COLUMNS:
                self.header_errors.append(
                    RowError(
                        1,
                        name,
                        _("colonne inconnue (colonnes possibles : %(columns)s)") % {"columns": ", ".join(COLUMNS)},
                    )
                )
                continue
            self.positions[name] = position
        for name in REQUIRED_COLUMNS:
            if name not in self.positions:
                self.header_errors.append(RowError(1, name, _("colonne obligatoire absente")))
        self.seen_external_ids: dict[str, int] = {}

    def cell(self, values: list, name: str):
        position = self.positions.get(name)
        if position is None or position >= len(values):
            return ""
        return values[position]

    def is_blank(self, values: list) -> bool:
        return all(_text(value) == "" for value in values)

    def clean(self, line: int, values: list) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []

        def error(column, message):
            errors.append(RowError(line, column, message))

        if len(values) > len(self.raw_headers) and any(_text(v) for v in values[len(self.raw_headers) :]):
            error(None, _("valeurs au-delà de la dernière colonne nommée"))
        for position in self.unnamed_positions:
            if position < len(values) and _text(values[position]):
                error(
                    None,
                    _("valeur dans la colonne n° %(position)s, qui n'a pas d'en-tête") % {"position": position + 1},
                )

        day = self._date(self.cell(values, "date"), error)

        territory_id = None
        territory_text = _text(self.cell(values, "territory"))
        if not territory_text:
            error("territory", _("secteur obligatoire"))
        else:
            territory_id = self.lookups.territory(territory_text)
            if territory_id is None:
                error(
                    "territory", _("secteur inconnu « %(value)s » (code ou nom attendu)") % {"value": territory_text}
                )

        site_id = None
        site_text = _text(self.cell(values, "site"))
        if site_text and territory_id is not None:
            site_id = self.lookups.sites.get((territory_id, _key(site_text)))
            if site_id is None:
                error(
                    "site",
                    _("site inconnu « %(value)s » dans le secteur %(territory)s")
                    % {
                        "value": site_text,
                        "territory": self.lookups.territory_names[territory_id],
                    },
                )

        author_id = None
        mediator_text = _text(self.cell(values, "mediator"))
        if mediator_text:
            author_id, ambiguous = self.lookups.user(mediator_text)
            if ambiguous:
                error("mediator", _("plusieurs utilisateurs correspondent à « %(value)s »") % {"value": mediator_text})
            elif author_id is None:
                error(
                    "mediator",
                    _("utilisateur inconnu « %(value)s » (identifiant ou e-mail attendu)") % {"value": mediator_text},
                )

        activity = None
        activity_text = _text(self.cell(values, "activity"))
        if not activity_text:
            error("activity", _("code d'activité obligatoire"))
        else:
            activity = self.lookups.activities.get(activity_text.casefold())
            if activity is None:
                error("activity", _("code d'activité inconnu « %(value)s »") % {"value": activity_text})

        mode = _text(self.cell(values, "mode")).casefold()
        count = self._integer(self.cell(values, "count"), "count", 1, error)
        women = self._integer(self.cell(values, "women"), "women", 0, error)
        men = self._integer(self.cell(values, "men"), "men", 0, error)
        unknown = self._integer(self.cell(values, "unknown"), "unknown", 0, error)
        duration = self._integer(self.cell(values, "duration_minutes"), "duration_minutes", None, error)

        note = _text(self.cell(values, "note"))

        external_id = _text(self.cell(values, "external_id")) or None
        match_uuid = None
        if external_id is not None:
            if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
                error(
                    "external_id",
                    _("identifiant externe trop long (%(max)s caractères au plus)") % {"max": EXTERNAL_ID_MAX_LENGTH},
                )
            elif external_id in self.seen_external_ids:
                error(
                    "external_id",
                    _("identifiant externe « %(value)s » déjà présent ligne %(line)s")
                    % {
                        "value": external_id,
                        "line": self.seen_external_ids[external_id],
                    },
                )
            else:
                self.seen_external_ids[external_id] = line
            found = UUID_EXTERNAL_ID.match(external_id.lower())
            if found:
                match_uuid = found.group(1)
                external_id = None

        # The line's rules, once parsing has given values: the same rule set as every other path.
        unreadable = {error.column for error in errors}
        broken = rules.intervention_errors(
            day=day,
            territory_id=territory_id,
            site_territory_id=territory_id if site_id is not None else None,
            activity=activity,
            mode=mode,
            count=count,
            women=women,
            men=men,
            unknown=unknown,
            duration_minutes=duration,
            note=note,
            today=self.today,
            require_mode=False,
        )
        for name, messages in broken.items():
            column = RULE_COLUMNS.get(name, name)
            if column not in unreadable:
                errors.extend(RowError(line, column, message) for message in messages)

        if errors:
            # In the order of the file's columns, as the user reads the row.
            errors.sort(key=lambda error: -1 if error.column is None else COLUMNS.index(error.column))
            return None, errors
        return (
            CleanRow(
                line=line,
                date=day,
                territory_id=territory_id,
                site_id=site_id,
                author_id=author_id,
                team_id=self.lookups.team(author_id, territory_id),
                activity_type=activity,
                mode=mode,
                count=count,
                women=women,
                men=men,
                unknown=unknown,
                duration_minutes=duration,
                note=note,
                external_id=external_id,
                match_uuid=match_uuid,
            ),
            [],
        )

    def _date(self, value, error) -> date | None:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            text = _text(value)
            if not text:
                error("date", _("date obligatoire"))
                return None
            day = _parse_date(text)
            if day is None:
                error("date", _("date invalide « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA attendu)") % {"value": text})
                return None
        return day

    def _integer(self, value, column, default, error) -> int | None:
        """A whole number (its limits are rules, checked after parsing); `default` for an empty cell."""
        if type(value) is str:
            value = value.strip()
            if not value:
                return default
            if value.isdigit() and value.isascii():
                return int(value)
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = _text(value)
        if not text:
            return default
        try:
            return int(text)
        except ValueError:
            error(column, _("nombre entier attendu, pas « %(value)s »") % {"value": text})
            return None


# --- Import -------------------------------------------------------------------------------------------------

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
    "duration_minutes",
    "note",
]
SNAPSHOT_FIELDS = [f.attname for f in Intervention._meta.concrete_fields]


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    without_team: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # The first lines, to preview an import: ("new" | "update" | "unchanged", export row, French description).
    preview: list[tuple[str, list, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_table(table: Table, *, lookups: Lookups | None = None) -> tuple[list[CleanRow], list[RowError], int]:
    """(valid rows, every error, number of non-blank rows). Rows are only kept when the whole file is valid."""
    validator = RowValidator(table.headers, lookups=lookups)
    errors = list(validator.header_errors)
    clean_rows: list[CleanRow] = []
    total = 0
    if errors:
        # Wrong columns: reading the rows would only repeat the same error on every line.
        return [], errors, sum(1 for _number, values in table.rows if not validator.is_blank(values))
    for line, values in table.rows:
        if validator.is_blank(values):
            continue
        total += 1
        row, row_errors = validator.clean(line, values)
        if row_errors:
            errors.extend(row_errors)
        elif not errors:
            clean_rows.append(row)
    return ([] if errors else clean_rows), errors, total


def _written_values(row: CleanRow) -> dict:
    return {
        "date": row.date,
        "territory_id": row.territory_id,
        "site_id": row.site_id,
        "author_id": row.author_id,
        "team_id": row.team_id,
        "activity_type_id": row.activity_type.pk,
        "mode": row.mode,
        "count": row.count,
        "women": row.women,
        "men": row.men,
        "unknown": row.unknown,
        "duration_minutes": row.duration_minutes,
        "note": row.note,
    }


def _existing_lines(rows: list[CleanRow]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Lines the file already holds, as dicts of every column: by external id, and by uuid for `altm-<uuid>`."""
    external_ids = [row.external_id for row in rows if row.external_id]
    uuids = [row.match_uuid for row in rows if row.match_uuid]
    by_external_id, by_uuid = {}, {}
    chunk = 900
    for start in range(0, len(external_ids), chunk):
        for values in Intervention.objects.filter(external_id__in=external_ids[start : start + chunk]).values(
            *SNAPSHOT_FIELDS
        ):
            by_external_id[values["external_id"]] = values
    for start in range(0, len(uuids), chunk):
        for values in Intervention.objects.filter(uuid__in=uuids[start : start + chunk]).values(*SNAPSHOT_FIELDS):
            by_uuid[str(values["uuid"])] = values
    return by_external_id, by_uuid


_json_encoder = DjangoJSONEncoder()


def _json_ready(values: dict, now=None, now_text: str | None = None) -> dict:
    """What `altm.audit.snapshot` records for a line with these column values (dates, uuids and times as text).

    `now_text` is `now` already encoded: every line of an import carries the same timestamp.
    """
    ready = {}
    for name in SNAPSHOT_FIELDS:
        value = values.get(name)
        if value is not None and type(value) not in (str, int, bool, float):
            value = now_text if value is now else _json_encoder.default(value)
        ready[name] = value
    return ready


def _last_value_cache(function):
    """Adapt a value once when the same object comes again (the import's timestamp on every row)."""
    last = [object(), None]

    def adapt(value):
        if value is not last[0]:
            last[0], last[1] = value, function(value)
        return last[1]

    return adapt


class _RawWriter:
    """INSERT and UPDATE statements run with `executemany`: the model layer costs more than the database here.

    Each column is adapted as the ORM would (`connection.ops.adapt_*`, the JSON field's own preparation); integers,
    text and foreign-key ids go as they are.
    """

    def __init__(self, model, columns: list[str]):
        self.connection = connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [fields[name] for name in columns]
        self.names = list(columns)
        self.table = quote(model._meta.db_table)
        self.column_sql = ", ".join(quote(f.column) for f in self.fields)
        self.placeholders = ", ".join(["%s"] * len(self.fields))
        self.adapters = [self._adapter(f) for f in self.fields]

    def _adapter(self, model_field):
        connection = self.connection
        if isinstance(model_field, models.DateTimeField):
            return _last_value_cache(connection.ops.adapt_datetimefield_value)
        if isinstance(model_field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(model_field, models.UUIDField):
            if connection.features.has_native_uuid_field:
                return None
            return lambda value: None if value is None else value.hex
        if isinstance(model_field, models.JSONField):
            return lambda value: model_field.get_db_prep_save(value, connection)
        if isinstance(model_field, models.IntegerField | models.CharField | models.TextField | models.ForeignKey):
            return None
        raise TypeError(f"colonne non prévue pour l'écriture directe : {model_field.name}")

    def params(self, values: dict) -> list:
        return [
            values[name] if adapt is None else adapt(values[name])
            for name, adapt in zip(self.names, self.adapters, strict=True)
        ]

    def _chunks(self, rows: list, width: int):
        """Rows per statement: as many as the parameter limit allows (one round trip per chunk, not per row)."""
        size = max(1, min(1000, 30000 // width))
        for start in range(0, len(rows), size):
            yield rows[start : start + size]

    def insert(self, rows: list[dict]) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # COPY: the fastest way in, and no query text with thousands of placeholders to parse.
                self._copy(cursor, self.table, self.column_sql, [self.params(values) for values in rows])
                return
            for chunk in self._chunks(rows, len(self.fields)):
                values_sql = ", ".join([f"({self.placeholders})"] * len(chunk))
                params = [param for values in chunk for param in self.params(values)]
                cursor.execute(f"INSERT INTO {self.table} ({self.column_sql}) VALUES {values_sql}", params)

    def update(self, rows: list[dict]) -> None:
        quote = self.connection.ops.quote_name
        pk = quote("id")
        with self.connection.cursor() as cursor:
            if self.connection.vendor != "postgresql":
                # SQLite runs in-process: one prepared statement per row costs no round trip.
                assignments = ", ".join(f"{quote(f.column)} = %s" for f in self.fields)
                sql = f"UPDATE {self.table} SET {assignments} WHERE {pk} = %s"
                cursor.executemany(sql, [[*self.params(values), values["id"]] for values in rows])
                return
            # PostgreSQL: COPY the new values into a temporary table, then one UPDATE … FROM it.
            staging = quote("altm_import_update")
            columns = f"{pk}, {self.column_sql}"
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {columns} FROM {self.table} WITH NO DATA")
            self._copy(cursor, staging, columns, [[values["id"], *self.params(values)] for values in rows])
            assignments = ", ".join(f"{quote(f.column)} = {staging}.{quote(f.column)}" for f in self.fields)
            cursor.execute(
                f"UPDATE {self.table} SET {assignments} FROM {staging} WHERE {self.table}.{pk} = {staging}.{pk}"
            )
            cursor.execute(f"DROP TABLE {staging}")

    @staticmethod
    def _copy(cursor, table: str, columns: str, rows: list[list]) -> None:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


AUDIT_COLUMNS = ["content_type_id", "object_id", "object_repr", "action", "actor_id", "at", "before", "after"]
INSERT_COLUMNS = [name for name in SNAPSHOT_FIELDS if name != "id"]


def _describe(values: dict, activity: ActivityType) -> str:
    """`str(Intervention)` without loading the line."""
    return f"{values['date']:%d/%m/%Y} · {activity} × {values['count']}"[:255]


def _preview_row(values: dict, row: CleanRow, lookups: Lookups) -> list:
    return [
        values["date"],
        lookups.territory_codes[values["territory_id"]],
        lookups.site_names.get(values["site_id"], ""),
        lookups.usernames.get(values["author_id"], ""),
        row.activity_type.code,
        values["mode"],
        values["count"],
        values["women"],
        values["men"],
        values["unknown"],
        values["duration_minutes"],
        values["note"],
        export_external_id(values["external_id"], values["uuid"]),
    ]


@transaction.atomic
def write_rows(
    *, actor, rows: list[CleanRow], lookups: Lookups, dry_run: bool = False, preview_size: int = 0
) -> ImportReport:
    """Create or update the lines of validated rows in batches, with one audit entry per changed line.

    Nothing is written when `dry_run` is set: the report says what would be created, updated or left unchanged.
    """
    report = ImportReport(total=len(rows), dry_run=dry_run)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    content_type_id = ContentType.objects.get_for_model(Intervention).pk
    by_external_id, by_uuid = _existing_lines(rows)
    now = timezone.now()
    now_text = _json_encoder.default(now)
    intervention_insert = _RawWriter(Intervention, INSERT_COLUMNS)
    update_writers: dict[tuple[str, ...], _RawWriter] = {}
    audit_insert = _RawWriter(AuditEntry, AUDIT_COLUMNS)
    for start in range(0, len(rows), BATCH_SIZE):
        created: list[tuple[dict, CleanRow]] = []
        updated: list[tuple[dict, dict, CleanRow]] = []
        for row in rows[start : start + BATCH_SIZE]:
            current = by_external_id.get(row.external_id) if row.external_id else by_uuid.get(row.match_uuid)
            written = _written_values(row)
            if row.team_id is None:
                report.without_team += 1
            if current is None:
                values = (
                    {name: None for name in SNAPSHOT_FIELDS}
                    | {
                        "uuid": uuid_module.UUID(row.match_uuid) if row.match_uuid else uuid_module.uuid4(),
                        "external_id": row.external_id,
                        "theme": "",
                        "partner_name": "",
                        "source": InterventionSource.IMPORT.value,
                        "created_at": now,
                        "created_by_id": actor_id,
                        "updated_at": now,
                        "updated_by_id": actor_id,
                    }
                    | written
                )
                created.append((values, row))
                kind = "new"
            elif all(current[name] == value for name, value in written.items()):
                report.unchanged += 1
                values, kind = current, "unchanged"
            else:
                values = current | written | {"updated_at": now, "updated_by_id": actor_id}
                updated.append((current, values, row))
                kind = "update"
            if len(report.preview) < preview_size:
                report.preview.append((kind, _preview_row(values, row, lookups), _describe(values, row.activity_type)))
        report.created += len(created)
        report.updated += len(updated)
        if dry_run:
            continue
        audit = []
        if created:
            intervention_insert.insert([values for values, _row in created])
            ids = dict(
                Intervention.objects.filter(uuid__in=[values["uuid"] for values, _row in created]).values_list(
                    "uuid", "id"
                )
            )
            for values, row in created:
                values["id"] = ids[values["uuid"]]
                audit.append((values, None, AuditAction.CREATE, row))
        if updated:
            # Only the columns that changed, grouped: indexes on unchanged columns are left alone.
            by_columns: dict[tuple[str, ...], list[dict]] = {}
            for current, values, _row in updated:
                changed = tuple(name for name in WRITTEN_FIELDS if current[name] != values[name])
                by_columns.setdefault(changed, []).append(values)
            for changed, group in by_columns.items():
                if changed not in update_writers:
                    update_writers[changed] = _RawWriter(Intervention, [*changed, "updated_by_id", "updated_at"])
                update_writers[changed].update(group)
            audit.extend((values, _json_ready(current), AuditAction.UPDATE, row) for current, values, row in updated)
        audit_insert.insert(
            [
                {
                    "content_type_id": content_type_id,
                    "object_id": str(values["id"]),
                    "object_repr": _describe(values, row.activity_type),
                    "action": action,
                    "actor_id": actor_id,
                    "at": now,
                    "before": before,
                    "after": _json_ready(values, now, now_text),
                }
                for values, before, action, row in audit
            ]
        )
    return report


def import_interventions(*, actor, table: Table, dry_run: bool = False, preview_size: int = 0) -> ImportReport:
    """All or nothing: validate every row first; any bad row means nothing is written and every error is reported.

    `dry_run` validates and reports what would be created or updated, and writes nothing.
    """
    lookups = Lookups()
    rows, errors, total = validate_table(table, lookups=lookups)
    if errors:
        return ImportReport(total=total, errors=errors, dry_run=dry_run)
    return write_rows(actor=actor, rows=rows, lookups=lookups, dry_run=dry_run, preview_size=preview_size)


# --- Export -------------------------------------------------------------------------------------------------

EXPORT_VALUES = [
    "date",
    "territory__code",
    "site__name",
    "author__username",
    "activity_type__code",
    "mode",
    "count",
    "women",
    "men",
    "unknown",
    "duration_minutes",
    "note",
    "external_id",
    "uuid",
]


def export_external_id(external_id: str | None, line_uuid) -> str:
    return external_id or f"altm-{line_uuid}"


def export_rows(queryset) -> Iterator[list]:
    """One list of native values per line, in `COLUMNS` order; one query, streamed from the database."""
    values = queryset.order_by("date", "id").values_list(*EXPORT_VALUES)
    for (
        day,
        territory,
        site,
        mediator,
        activity,
        mode,
        count,
        women,
        men,
        unknown,
        duration,
        note,
        external_id,
        line_uuid,
    ) in values.iterator(chunk_size=BATCH_SIZE):
        yield [
            day,
            territory,
            site or "",
            mediator or "",
            activity,
            mode,
            count,
            women,
            men,
            unknown,
            duration,
            note,
            export_external_id(external_id, line_uuid),
        ]


def csv_cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading quote (removed again on import)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def instance_row(line: Intervention) -> list:
    """The export row of one loaded line (territory, site, author and activity type selected with it)."""
    return [
        line.date,
        line.territory.code,
        line.site.name if line.site_id else "",
        line.author.username if line.author_id else "",
        line.activity_type.code,
        line.mode,
        line.count,
        line.women,
        line.men,
        line.unknown,
        line.duration_minutes,
        line.note,
        export_external_id(line.external_id, line.uuid),
    ]
