"""Writing validated rows: creates and updates in batches inside one transaction, one audit entry per changed line."""

import uuid as uuid_module
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_bulk, snapshot_values
from altm.bulk import BulkWriter
from altm.models import AuditAction
from mediation import rules
from mediation.interchange import staged
from mediation.interchange.columns import BATCH_SIZE, RowError, Table, export_external_id
from mediation.interchange.validate import CleanRow, Lookups, validate_table
from mediation.models import ActivityType, Intervention, InterventionSource

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


def _written_values(row: CleanRow, current: dict | None) -> dict:
    values = {name: getattr(row, name) for name in WRITTEN_FIELDS}
    if current is None or current["source"] == InterventionSource.IMPORT or current["mode"] != row.mode:
        # A telephone or physical referral the import creates (or turns a line into) is history recorded without
        # the person's consent: its note says so, and keeps saying so (`rules.history_referral_note`).
        values["note"] = rules.history_referral_note(row.activity_type, row.mode, row.note)
    return values


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


# Lines recorded by a workflow (a conflict case, a referral, a technical report): only that workflow changes them.
OWNED_LINE = (
    Q(source__in=[InterventionSource.CONFLICT, InterventionSource.REFERRAL, InterventionSource.TECHNICAL])
    | Q(conflict_case__isnull=False)
    | Q(conflict_session__isnull=False)
    | Q(referral__isnull=False)
    | Q(technical_report__isnull=False)
)


def _naming_rows(queryset, external_ids: list[str], uuids: list[str], *, staged_rows: bool):
    """`queryset` narrowed to the lines the rows name, as querysets: one indexed lookup per way of naming a line
    (an OR of both would keep the database from using either index), by batches or against the staged rows."""
    if staged_rows:
        return [
            queryset.filter(external_id__in=staged.staged_external_ids()),
            queryset.filter(uuid__in=staged.staged_uuids()),
        ]
    chunk = 900
    return [
        *(
            queryset.filter(external_id__in=external_ids[start : start + chunk])
            for start in range(0, len(external_ids), chunk)
        ),
        *(queryset.filter(uuid__in=uuids[start : start + chunk]) for start in range(0, len(uuids), chunk)),
    ]


def _other_case_external_ids(external_ids: list[str], by_lowered: dict[str, str]) -> list[tuple[str, str]]:
    """(stored, given) external ids equal but for case, for ids not stored as the file gives them."""
    chunk = 900
    # Only ids not stored as they are can be stored under another case (a re-import finds them all as they are).
    stored_as_given = set()
    for start in range(0, len(external_ids), chunk):
        stored_as_given.update(
            Intervention.objects.filter(external_id__in=external_ids[start : start + chunk]).values_list(
                "external_id", flat=True
            )
        )
    lowered = [key for key, given in by_lowered.items() if given not in stored_as_given]
    found = []
    for start in range(0, len(lowered), chunk):
        stored = (
            Intervention.objects.annotate(lowered=Lower("external_id"))
            .filter(lowered__in=lowered[start : start + chunk])
            .values_list("external_id", "lowered")
        )
        found += [(external_id, by_lowered[key]) for external_id, key in stored if external_id != by_lowered[key]]
    return found


def target_errors(rows: list[CleanRow], *, closed_years=frozenset(), staged_rows: bool = False) -> list[RowError]:
    """Rows that would change a line owned by a workflow or a line dated in a closed year (`rules.closed_years`),
    or reuse a stored external id under another case.

    `staged_rows`: the rows are in the stage table of `staged` (PostgreSQL), looked up by joins to it."""
    by_external_id = {row.external_id: row.line for row in rows if row.external_id}
    by_uuid = {row.match_uuid: row.line for row in rows if row.match_uuid}
    errors = []
    external_ids, uuids = list(by_external_id), list(by_uuid)
    found = []
    for queryset in _naming_rows(
        Intervention.objects.filter(OWNED_LINE), external_ids, uuids, staged_rows=staged_rows
    ):
        found += queryset.values_list("external_id", "uuid")
    for external_id, key in found:
        line = by_external_id.get(external_id) or by_uuid.get(str(key))
        errors.append(
            RowError(
                line,
                "external_id",
                _(
                    "cette ligne appartient à une situation de conflit, une mise en relation ou une veille "
                    "technique : elle se modifie depuis celle-ci, pas par import"
                ),
            )
        )
    if closed_years:
        # A line of a closed year may not leave it either: its year's frozen figures would change.
        in_closed = Intervention.objects.filter(date__year__in=list(closed_years))
        dated = []
        for queryset in _naming_rows(in_closed, external_ids, uuids, staged_rows=staged_rows):
            dated += queryset.values_list("external_id", "uuid", "date")
        for external_id, key, day in dated:
            line = by_external_id.get(external_id) or by_uuid.get(str(key))
            errors += [
                RowError(line, "date", message) for message in rules.closed_year_errors(day, closed_years=closed_years)
            ]
    if staged_rows:
        other_case = staged.other_case_external_ids()
    else:
        other_case = _other_case_external_ids(
            external_ids, {external_id.lower(): external_id for external_id in by_external_id}
        )
    for external_id, given in other_case:
        errors.append(
            RowError(
                by_external_id[given],
                "external_id",
                _("identifiant externe « %(value)s » déjà enregistré sous la forme « %(stored)s »")
                % {"value": given, "stored": external_id},
            )
        )
    # One stored line named twice, by its external id on one row and by its `altm-<uuid>` on another: which row
    # would win is arbitrary, so the file is refused at the second naming.
    twice = []
    if staged_rows:
        twice = Intervention.objects.filter(
            uuid__in=staged.staged_uuids(), external_id__in=staged.staged_external_ids()
        ).values_list("external_id", "uuid")
    elif by_uuid and by_external_id:
        named = Intervention.objects.filter(external_id__isnull=False)
        for queryset in _naming_rows(named, [], uuids, staged_rows=False):
            twice += [
                (value, key) for value, key in queryset.values_list("external_id", "uuid") if value in by_external_id
            ]
    for external_id, key in twice:
        errors.append(
            RowError(
                by_uuid[str(key)],
                "external_id",
                _(
                    "cette ligne vise la même intervention que la ligne %(line)s "
                    "(identifiant externe « %(value)s ») : gardez-en une seule"
                )
                % {"line": by_external_id[external_id], "value": external_id},
            )
        )
    return sorted(errors, key=lambda error: error.line)


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
        values["age_band"],
    ]


def _planned(row: CleanRow, current: dict | None, *, now, actor_id) -> tuple[str, dict]:
    """("new" | "update" | "unchanged", the line's values once written) for a row and the line it names."""
    written = _written_values(row, current)
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
        return "new", values
    if all(current[name] == value for name, value in written.items()):
        return "unchanged", current
    return "update", current | written | {"updated_at": now, "updated_by_id": actor_id}


def _preview(rows: list[CleanRow], *, lookups: Lookups, now, actor_id) -> list[tuple[str, list, str]]:
    by_external_id, by_uuid = _existing_lines(rows)
    preview = []
    for row in rows:
        current = by_external_id.get(row.external_id) if row.external_id else by_uuid.get(row.match_uuid)
        kind, values = _planned(row, current, now=now, actor_id=actor_id)
        preview.append((kind, _preview_row(values, row, lookups), _describe(values, row.activity_type)))
    return preview


@transaction.atomic
def write_rows(
    *, actor, rows: list[CleanRow], lookups: Lookups, dry_run: bool = False, preview_size: int = 0
) -> ImportReport:
    """Create or update the lines of validated rows in batches, with one audit entry per changed line.

    Nothing is written when `dry_run` is set: the report says what would be created, updated or left unchanged.
    """
    report = ImportReport(total=len(rows), dry_run=dry_run)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    by_external_id, by_uuid = _existing_lines(rows)
    now = timezone.now()
    encoded = {id(now): snapshot_values(Intervention, {"created_at": now})["created_at"]}
    intervention_insert = BulkWriter(Intervention, INSERT_COLUMNS)
    update_writers: dict[tuple[str, ...], BulkWriter] = {}
    for start in range(0, len(rows), BATCH_SIZE):
        created: list[tuple[dict, CleanRow]] = []
        updated: list[tuple[dict, dict, CleanRow]] = []
        for row in rows[start : start + BATCH_SIZE]:
            current = by_external_id.get(row.external_id) if row.external_id else by_uuid.get(row.match_uuid)
            kind, values = _planned(row, current, now=now, actor_id=actor_id)
            if row.team_id is None:
                report.without_team += 1
            if kind == "new":
                created.append((values, row))
            elif kind == "unchanged":
                report.unchanged += 1
            else:
                updated.append((current, values, row))
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
                    update_writers[changed] = BulkWriter(Intervention, [*changed, "updated_by_id", "updated_at"])
                update_writers[changed].update(group)
            audit.extend(
                (values, snapshot_values(Intervention, current), AuditAction.UPDATE, row)
                for current, values, row in updated
            )
        log_bulk(
            actor=actor,
            model=Intervention,
            at=now,
            changes=(
                (
                    values["id"],
                    _describe(values, row.activity_type),
                    action,
                    before,
                    snapshot_values(Intervention, values, encoded=encoded),
                )
                for values, before, action, row in audit
            ),
        )
    return report


def validated_day_row_errors(rows: list[CleanRow], *, actor) -> list[RowError]:
    """Rows dated on a day the team's manager validated, when a mediator imports (`rules.validated_day_errors`)."""
    validated = rules.validated_days(actor, team_ids={row.team_id for row in rows}, days={row.date for row in rows})
    return [
        RowError(row.line, "date", message)
        for row in rows
        for message in rules.validated_day_errors(row.date, row.team_id, validated=validated)
    ]


def write_staged(
    *, actor, rows: list[CleanRow], lookups: Lookups, dry_run: bool = False, preview_size: int = 0
) -> ImportReport:
    """`write_rows` over the rows staged by `staged.staged_rows`: one INSERT and one UPDATE, journaled in SQL."""
    report = ImportReport(total=len(rows), dry_run=dry_run)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    report.without_team = sum(1 for row in rows if row.team_id is None)
    if preview_size:
        report.preview = _preview(rows[:preview_size], lookups=lookups, now=now, actor_id=actor_id)
    if dry_run:
        report.created, report.updated = staged.counts()
    else:
        report.created = staged.create_lines(actor=actor, now=now)
        report.updated = staged.update_lines(actor=actor, now=now)
    report.unchanged = report.total - report.created - report.updated
    return report


def import_interventions(
    *, actor, table: Table, dry_run: bool = False, preview_size: int = 0, set_based: bool | None = None
) -> ImportReport:
    """All or nothing: validate every row first; any bad row means nothing is written and every error is reported.

    `dry_run` validates and reports what would be created or updated, and writes nothing. `set_based` (the
    default on PostgreSQL, its only database) stages the valid rows with COPY and checks and writes them in SQL
    (`staged`); otherwise rows are looked up in batches and written row by row. Both give the same outcome.
    """
    lookups = Lookups()
    closed = rules.closed_years(actor)
    rows, errors, total = validate_table(table, lookups=lookups, closed_years=closed)
    if errors:
        return ImportReport(total=total, errors=errors, dry_run=dry_run)
    if set_based is None:
        set_based = connection.vendor == "postgresql"
    if not set_based:
        errors = target_errors(rows, closed_years=closed) or validated_day_row_errors(rows, actor=actor)
        if errors:
            return ImportReport(total=total, errors=errors, dry_run=dry_run)
        return write_rows(actor=actor, rows=rows, lookups=lookups, dry_run=dry_run, preview_size=preview_size)
    with transaction.atomic(), staged.staged_rows(rows):
        errors = target_errors(rows, closed_years=closed, staged_rows=True) or validated_day_row_errors(
            rows, actor=actor
        )
        if errors:
            return ImportReport(total=total, errors=errors, dry_run=dry_run)
        return write_staged(actor=actor, rows=rows, lookups=lookups, dry_run=dry_run, preview_size=preview_size)
