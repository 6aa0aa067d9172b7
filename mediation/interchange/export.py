"""Export rows in the interchange columns, so that export -> import round-trips."""

from collections.abc import Iterator
from datetime import date

from mediation.interchange.columns import BATCH_SIZE, FORMULA_PREFIXES, export_external_id
from mediation.models import Intervention

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
