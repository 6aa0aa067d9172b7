"""Export rows in the interchange columns, so that export -> import round-trips."""

from collections.abc import Iterator

from mediation.interchange.columns import BATCH_SIZE, export_external_id
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
    "age_band",
]


def _row(values) -> list:
    """The interchange row of one line from its `EXPORT_VALUES` (in that order)."""
    (
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
        key,
        age,
    ) = values
    return [
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
        export_external_id(external_id, key),
        age,
    ]


def export_rows(queryset) -> Iterator[list]:
    """One list of native values per line, in `COLUMNS` order; one query, streamed from the database."""
    values = queryset.order_by("date", "id").values_list(*EXPORT_VALUES)
    return map(_row, values.iterator(chunk_size=BATCH_SIZE))


def instance_row(line: Intervention) -> list:
    """The export row of one loaded line (territory, site, author and activity type selected with it)."""
    values = []
    for path in EXPORT_VALUES:
        value = line
        for name in path.split("__"):
            value = getattr(value, name) if value is not None else None
        values.append(value)
    return _row(values)
