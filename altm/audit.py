"""The audit trail, owned here: every create, update and delete of a record is logged through this module.

- `log_change` for one object (services, views, the admin), `log_bulk` for the rows of a bulk write (the import);
- `history_for` and `describe` read entries back with French field names and readable values;
- `erase_fields` is the one sanctioned erasure of personal fields (retention): on the rows, journals included, in
  their past entries (`redact`), and itself journaled (who erased which fields, when, never the erased values).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from altm.bulk import BulkWriter
from altm.models import AuditAction, AuditEntry, redaction

_encoder = DjangoJSONEncoder()
# Never shown, even to the direction: secrets and the technical key.
HIDDEN_FIELDS = {"id", "password", "key"}
# Who and when are the entry's own columns.
BOOKKEEPING_FIELDS = {"created_by_id", "updated_by_id"}


# --- Writing ------------------------------------------------------------------------------------------------


_PLAIN = (str, int, float, bool, list, dict)


def _json_value(value):
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, FieldFile):  # an uploaded file (the agency's logo): its name
        return value.name
    if isinstance(value, _PLAIN):  # subclasses (e.g. a TextChoices member) stay as they are
        return value
    return _encoder.default(value)


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of an instance, JSON-ready (foreign keys as their id)."""
    return {field.attname: _json_value(getattr(instance, field.attname)) for field in instance._meta.concrete_fields}


@cache
def _attnames(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def snapshot_values(model: type[models.Model], values: dict, *, encoded: dict | None = None) -> dict:
    """What `snapshot` records for a row given as a dict of column values (the rows of a bulk write).

    `encoded` maps `id()` of values already encoded (the import's one timestamp on every row) to their text.
    """
    ready = {}
    for name in _attnames(model):
        value = values.get(name)
        if encoded is not None and id(value) in encoded:
            value = encoded[id(value)]
        ready[name] = value if value is None or type(value) in _PLAIN else _json_value(value)
    return ready


@dataclass(frozen=True)
class ExternalActor:
    """Someone without an account who acts through a signed link (a landlord), or the app acting on its own.

    The entry keeps the name and no user: "GLH (bailleur, lien signé)", "Envoi automatique".
    """

    name: str

    def __str__(self):
        return self.name


def _actor_id(actor) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def _actor_name(actor) -> str:
    """The actor as named now, kept on the entry: a user deleted later still shows who acted."""
    if isinstance(actor, ExternalActor):
        return actor.name[:300]
    return str(actor)[:300] if getattr(actor, "is_authenticated", False) else ""


def log_change(
    *, actor, instance: models.Model, action: str, before: dict | None = None, after: dict | None = None
) -> AuditEntry:
    """One entry for one object: created (no `before`), updated (`before` = its snapshot), deleted (no `after`).

    `after` defaults to the instance's snapshot; give it (and `before`) to journal chosen values only (a user's
    rights, never its password hash).
    """
    if action == AuditAction.DELETE:
        after = None
    elif after is None:
        after = snapshot(instance)
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=action,
        actor_id=_actor_id(actor),
        actor_name=_actor_name(actor),
        before=before,
        after=after,
    )


AUDIT_COLUMNS = [
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "actor_id",
    "actor_name",
    "at",
    "before",
    "after",
]


def log_bulk(
    *, actor, model: type[models.Model], changes: Iterable[tuple[object, str, str, dict | None, dict | None]], at
) -> int:
    """One entry per row of a bulk write, written in one statement per batch.

    `changes` yields (object id, object name, action, before, after), `before`/`after` as `snapshot_values` gives
    them. Every entry carries the same moment `at`. Returns the number of entries written.
    """
    content_type_id = ContentType.objects.get_for_model(model).pk
    actor_id, actor_name = _actor_id(actor), _actor_name(actor)
    rows = [
        {
            "content_type_id": content_type_id,
            "object_id": str(object_id),
            "object_repr": object_repr[:255],
            "action": action,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "at": at,
            "before": before,
            "after": after,
        }
        for object_id, object_repr, action, before, after in changes
    ]
    if rows:
        BulkWriter(AuditEntry, AUDIT_COLUMNS).insert(rows)
    return len(rows)


def snapshot_sql(model: type[models.Model], alias: str) -> str:
    """PostgreSQL: the JSON of a row of `model` (table alias `alias`), equal to what `snapshot_values` gives for it.

    Dates, UUIDs, numbers and text are as `to_jsonb` writes them; timestamps as `DjangoJSONEncoder` does
    (UTC, milliseconds cut, `Z`). Used by set-based writes that journal in the same statement (`log_bulk_sql`).
    """
    quote = _quote
    pairs = []
    for field in model._meta.concrete_fields:
        column = f"{alias}.{quote(field.column)}"
        if isinstance(field, models.DateTimeField):
            utc = f"({column} AT TIME ZONE 'UTC')"
            microseconds = f"mod(date_part('microseconds', {column})::bigint, 1000000)"
            column = (
                f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
                f"|| CASE WHEN {microseconds} <> 0 THEN to_char({utc}, '.MS') ELSE '' END || 'Z'"
            )
        elif (
            not isinstance(
                field, models.DateField | models.UUIDField | models.IntegerField | models.CharField | models.TextField
            )
            and not field.is_relation
        ):
            raise TypeError(f"colonne non prévue pour le journal en SQL : {field.name}")
        pairs.append(f"'{field.attname}', {column}")
    # jsonb_build_object takes at most 100 arguments: join objects of 40 pairs.
    objects = [f"jsonb_build_object({', '.join(pairs[start : start + 40])})" for start in range(0, len(pairs), 40)]
    return " || ".join(objects)


def log_bulk_sql(
    *, actor, model: type[models.Model], at, action: str, object_id: str, object_repr: str, before: str, after: str
) -> tuple[str, list]:
    """PostgreSQL: `INSERT INTO` the journal `SELECT` one entry per row of a query, as `log_bulk` writes them.

    The caller appends its `FROM …` to the returned SQL; `object_id`, `object_repr`, `before` and `after` are SQL
    expressions over that FROM (`snapshot_sql` for the values). Returns (SQL, parameters).
    """
    columns = ", ".join(_quote(AuditEntry._meta.get_field(name).column) for name in AUDIT_COLUMNS)
    sql = (
        f"INSERT INTO {_quote(AuditEntry._meta.db_table)} ({columns}) "
        f"SELECT %s, ({object_id})::text, left({object_repr}, 255), %s, %s, %s, %s, {before}, {after}"
    )
    content_type_id = ContentType.objects.get_for_model(model).pk
    return sql, [content_type_id, action, _actor_id(actor), _actor_name(actor), at]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


# --- Reading ------------------------------------------------------------------------------------------------


def content_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model else content_type.model


def _field_by_attname(model) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields} if model else {}


def _shown(field: models.Field | None, name: str, before, after) -> bool:
    """Leave out secrets, bookkeeping already in the "when"/"who" columns, and empty values of a creation."""
    if name in HIDDEN_FIELDS or name in BOOKKEEPING_FIELDS:
        return False
    if field is not None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return False
    return not (before in (None, "") and after in (None, ""))


def _format_value(field: models.Field | None, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.is_relation:
        target = related.get((field.related_model, value))
        return str(target) if target is not None else f"n° {value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("Oui") if value else _("Non"))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, date | datetime):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def describe(entries: list[AuditEntry]) -> list[dict]:
    """Each entry with its changed fields as (French field name, before, after), foreign keys by name.

    Related objects are fetched in one query per related model, whatever the number of entries.
    """
    wanted: dict = defaultdict(set)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = _field_by_attname(model)
        order = {name: position for position, name in enumerate(fields)}
        changes = [
            (fields.get(name), before, after)
            for name, before, after in sorted(entry.changed_fields(), key=lambda c: order.get(c[0], len(order)))
            if _shown(fields.get(name), name, before, after)
        ]
        for field, before, after in changes:
            if field is not None and field.is_relation:
                wanted[field.related_model].update(v for v in (before, after) if v not in (None, ""))
        rows.append((entry, model, changes))
    related = {}
    for related_model, pks in wanted.items():
        for pk, obj in related_model._base_manager.in_bulk(list(pks)).items():
            related[(related_model, pk)] = obj
    described = []
    for entry, model, changes in rows:
        described.append(
            {
                "entry": entry,
                "type": str(model._meta.verbose_name).capitalize() if model else entry.content_type.model,
                "changes": [
                    {
                        "field": str(field.verbose_name).capitalize() if field is not None else "?",
                        "before": _format_value(field, before, related),
                        "after": _format_value(field, after, related),
                    }
                    for field, before, after in changes
                ],
            }
        )
    return described


def history_for(instance: models.Model, *, actions: Iterable[str] | None = None) -> list[dict]:
    """The entries of one object, oldest first, described (see `describe`); only `actions` when given."""
    entries = AuditEntry.objects.for_object(instance).select_related("actor", "content_type").order_by("at", "id")
    if actions is not None:
        entries = entries.filter(action__in=list(actions))
    return describe(list(entries))


# Apps built on `altm` that must know which entries someone read register here (mediation logs reads of a person's
# data: an entry about a person shows their data). The journal's pages call `note_entries_read`.
ENTRY_READERS: list[Callable[[object, list[AuditEntry]], object]] = []


def note_entries_read(user, entries: list[AuditEntry]) -> None:
    for reader in ENTRY_READERS:
        reader(user, entries)


def was_deleted_by(*, actor, model: type[models.Model], uuid) -> bool:
    """Whether `actor` deleted the `model` row with this client UUID (an undo sent twice answers as done)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        action=AuditAction.DELETE,
        actor=actor,
        before__uuid=str(uuid),
    ).exists()


# --- The one sanctioned change: erasure ---------------------------------------------------------------------

ERASED = "[effacé]"


def redact(*, model: type[models.Model], object_ids, fields: list[str], object_repr: str | None = None) -> int:
    """Erase `fields` from every audit entry of these objects (retention); the entries themselves stay.

    `object_repr`, if given, replaces the recorded name (a format with `{id}`). Returns the entries changed.
    """
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return 0
    entries = list(AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids))
    for entry in entries:
        for side in ("before", "after"):
            values = getattr(entry, side)
            if values:
                setattr(
                    entry, side, {k: (ERASED if k in fields and v not in (None, "") else v) for k, v in values.items()}
                )
        if object_repr is not None:
            entry.object_repr = object_repr.format(id=entry.object_id)[:255]
    with redaction():
        AuditEntry.objects.bulk_update(entries, ["before", "after", "object_repr"], batch_size=500)
    return len(entries)


def _not_erased(field: str, erased) -> Q:
    return Q(**{f"{field}__isnull": False}) if erased is None else ~Q(**{field: erased})


def erase_fields(*, actor, queryset: models.QuerySet, values: dict, object_repr: str | None = None, at=None) -> int:
    """Erase personal fields of the rows of `queryset` (journals included): the one sanctioned erasure path.

    `values` maps each field to its erased value ("" or None). The rows keep everything else, so every count stays.
    Their past audit entries lose the same fields (`redact`, `object_repr` as there), and each row that still held
    something gets one new entry named `object_repr` (default "<type> n°<id>"): who erased which fields, when, with
    "[effacé]" in place of the values (never the values themselves). Returns the rows changed; a rerun changes none.
    """
    model = queryset.model
    fields = list(values)
    ids = list(queryset.order_by().values_list("pk", flat=True))
    redact(model=model, object_ids=ids, fields=fields, object_repr=object_repr)
    held = (
        model._default_manager.filter(pk__in=ids)
        .filter(reduce(or_, (_not_erased(field, erased) for field, erased in values.items())))
        .order_by("pk")
    )
    rows = [(row[0], dict(zip(fields, row[1:], strict=True))) for row in held.values_list("pk", *fields)]
    if not rows:
        return 0
    with redaction():
        model._default_manager.filter(pk__in=[pk for pk, _ in rows]).update(**values)
    name = object_repr or f"{str(model._meta.verbose_name).capitalize()} n°{{id}}"
    log_bulk(
        actor=actor,
        model=model,
        at=at or timezone.now(),
        changes=(
            (
                pk,
                name.format(id=pk),
                AuditAction.UPDATE,
                None,
                {field: ERASED for field, value in held_values.items() if value not in (None, "")},
            )
            for pk, held_values in rows
        ),
    )
    return len(rows)
