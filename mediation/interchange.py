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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from altm.audit import snapshot
from altm.models import AuditAction, AuditEntry
from mediation.models import (
    ActivityType,
    Intervention,
    InterventionSource,
    ReferralMode,
    Site,
    Territory,
)
from mediation.services import team_for

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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES and text[1:2]:
        text = text[1:]
    return text


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
        for pk, code, name in Territory.objects.values_list("pk", "code", "name"):
            self.territories_by_code[_key(code)] = pk
            self.territories_by_name[_key(name)] = pk
            self.territory_names[pk] = name
        self.sites = {
            (territory_id, _key(name)): pk
            for pk, territory_id, name in Site.objects.values_list("pk", "territory_id", "name")
        }
        self.activities = {activity.code.casefold(): activity for activity in ActivityType.objects.all()}
        self.users_by_username: dict[str, int] = {}
        self.users_by_username_key: dict[str, set[int]] = {}
        self.users_by_email: dict[str, set[int]] = {}
        for pk, username, email in User.objects.values_list("pk", "username", "email"):
            self.users_by_username[username] = pk
            self.users_by_username_key.setdefault(username.casefold(), set()).add(pk)
            if email:
                self.users_by_email.setdefault(email.casefold(), set()).add(pk)
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
        """The mediator's team covering the territory (`services.team_for`), once per (mediator, territory)."""
        key = (author_id, territory_id)
        if key not in self._teams:
            team = None
            if author_id is not None:
                team = team_for(User(pk=author_id), Territory(pk=territory_id))
            if team is None:
                # No mediator, or one who is in no team covering the territory: the territory's team if only one.
                teams = list(Territory(pk=territory_id).teams.values_list("pk", flat=True)[:2])
                self._teams[key] = teams[0] if len(teams) == 1 else None
            else:
                self._teams[key] = team.pk
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

    def cell(self, values: list, name: str) -> str:
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
        if mode:
            if mode not in ReferralMode.values:
                error("mode", _("modalité inconnue « %(value)s » (simple, telephone ou physical)") % {"value": mode})
            elif activity is not None and not activity.uses_mode:
                error("mode", _("pas de modalité pour l'activité « %(code)s »") % {"code": activity.code})

        count = self._integer(self.cell(values, "count"), "count", 1, 1, error)
        women = self._integer(self.cell(values, "women"), "women", 0, 0, error)
        men = self._integer(self.cell(values, "men"), "men", 0, 0, error)
        unknown = self._integer(self.cell(values, "unknown"), "unknown", 0, 0, error)
        duration = self._integer(self.cell(values, "duration_minutes"), "duration_minutes", None, 0, error)

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

        if errors:
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
            day = None
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    day = datetime.strptime(text, pattern).date()
                    break
                except ValueError:
                    continue
            if day is None:
                error("date", _("date invalide « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA attendu)") % {"value": text})
                return None
        if day > self.today:
            error("date", _("date dans le futur « %(value)s »") % {"value": day.strftime("%d/%m/%Y")})
            return None
        return day

    def _integer(self, value, column, default, minimum, error) -> int | None:
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = _text(value)
            if not text:
                return default
            try:
                number = int(text)
            except ValueError:
                error(column, _("nombre entier attendu, pas « %(value)s »") % {"value": text})
                return None
        if number < minimum:
            error(column, _("doit être au moins %(minimum)s, pas %(value)s") % {"minimum": minimum, "value": number})
            return None
        return number


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


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    without_team: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # line number -> ("new" | "update" | "unchanged", Intervention) for the first lines, to preview an import.
    preview: list[tuple[str, Intervention]] = field(default_factory=list)

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


def _existing_lines(rows: list[CleanRow]) -> tuple[dict[str, Intervention], dict[str, Intervention]]:
    external_ids = [row.external_id for row in rows if row.external_id]
    uuids = [row.match_uuid for row in rows if row.match_uuid]
    by_external_id, by_uuid = {}, {}
    chunk = 900
    for start in range(0, len(external_ids), chunk):
        for line in Intervention.objects.filter(external_id__in=external_ids[start : start + chunk]).select_related(
            "activity_type"
        ):
            by_external_id[line.external_id] = line
    for start in range(0, len(uuids), chunk):
        for line in Intervention.objects.filter(uuid__in=uuids[start : start + chunk]).select_related("activity_type"):
            by_uuid[str(line.uuid)] = line
    return by_external_id, by_uuid


def _apply(line: Intervention, row: CleanRow) -> None:
    line.date = row.date
    line.territory_id = row.territory_id
    line.site_id = row.site_id
    line.author_id = row.author_id
    line.team_id = row.team_id
    line.activity_type = row.activity_type
    line.mode = row.mode
    line.count = row.count
    line.women = row.women
    line.men = row.men
    line.unknown = row.unknown
    line.duration_minutes = row.duration_minutes
    line.note = row.note


def _audit(actor, content_type, line: Intervention, action: str, before: dict | None) -> AuditEntry:
    """The same entry `altm.audit.log_change` writes, built in memory to be inserted in bulk."""
    return AuditEntry(
        content_type=content_type,
        object_id=str(line.pk),
        object_repr=str(line)[:255],
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        before=before,
        after=snapshot(line),
    )


@transaction.atomic
def write_rows(*, actor, rows: list[CleanRow], preview_size: int = 0) -> ImportReport:
    """Create or update the lines of validated rows, in batches, with one audit entry per changed line."""
    report = ImportReport(total=len(rows))
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(Intervention)
    by_external_id, by_uuid = _existing_lines(rows)
    now = timezone.now()
    for start in range(0, len(rows), BATCH_SIZE):
        to_create, to_update, audit = [], [], []
        for row in rows[start : start + BATCH_SIZE]:
            existing = by_external_id.get(row.external_id) if row.external_id else by_uuid.get(row.match_uuid)
            if row.team_id is None:
                report.without_team += 1
            if existing is None:
                line = Intervention(
                    uuid=uuid_module.UUID(row.match_uuid) if row.match_uuid else uuid_module.uuid4(),
                    external_id=row.external_id,
                    source=InterventionSource.IMPORT,
                    created_by_id=actor_id,
                    updated_by_id=actor_id,
                    created_at=now,
                    updated_at=now,
                )
                _apply(line, row)
                to_create.append(line)
                kind = "new"
            else:
                before = snapshot(existing)
                _apply(existing, row)
                if snapshot(existing) == before:
                    report.unchanged += 1
                    kind, line = "unchanged", existing
                else:
                    existing.updated_by_id = actor_id
                    existing.updated_at = now
                    to_update.append((existing, before))
                    kind, line = "update", existing
            if len(report.preview) < preview_size:
                report.preview.append((kind, line))
        if to_create:
            Intervention.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            report.created += len(to_create)
            audit.extend(_audit(actor, content_type, line, AuditAction.CREATE, None) for line in to_create)
        if to_update:
            Intervention.objects.bulk_update(
                [line for line, _before in to_update], [*WRITTEN_FIELDS, "updated_by_id", "updated_at"], batch_size=500
            )
            report.updated += len(to_update)
            audit.extend(_audit(actor, content_type, line, AuditAction.UPDATE, before) for line, before in to_update)
        AuditEntry.objects.bulk_create(audit, batch_size=BATCH_SIZE)
    return report


def import_interventions(*, actor, table: Table, dry_run: bool = False, preview_size: int = 0) -> ImportReport:
    """All or nothing: validate every row first; any bad row means nothing is written and every error is reported.

    `dry_run` validates and reports what would be created or updated, and writes nothing.
    """
    rows, errors, total = validate_table(table)
    if errors:
        return ImportReport(total=total, errors=errors, dry_run=dry_run)
    if dry_run:
        with transaction.atomic():
            report = write_rows(actor=actor, rows=rows, preview_size=preview_size)
            transaction.set_rollback(True)
        report.dry_run = True
        return report
    return write_rows(actor=actor, rows=rows, preview_size=preview_size)


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
