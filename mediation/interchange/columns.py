"""The columns of the interchange format (DOMAIN §8), and what every part of it shares."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from altm import spreadsheets
from mediation.models import Intervention

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
    "age_band",  # optional, last: files written before it existed import unchanged
]
REQUIRED_COLUMNS = ["date", "territory", "activity"]
# Field names of `mediation.rules` -> columns of the file, where they differ.
RULE_COLUMNS = {"activity_type": "activity"}
EXTERNAL_ID_MAX_LENGTH = Intervention._meta.get_field("external_id").max_length
# Lines that never had an external id are exported as `altm-<uuid>`, so re-importing the export updates them.
UUID_EXTERNAL_ID = re.compile(r"^altm-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
# Cells a spreadsheet would read as a formula get a leading quote in exports (`altm.spreadsheets.safe_cell`),
# removed again on import.
FORMULA_PREFIXES = spreadsheets.FORMULA_PREFIXES
BATCH_SIZE = 2000
# Longest number text read as a number (Python refuses to convert much longer digit strings anyway).
MAX_NUMBER_DIGITS = 30
FIRST_DATA_LINE = 2  # the header is line 1, as a spreadsheet shows it


class _FormulaWithoutValue:
    """An XLSX cell holding a formula but no value computed by a spreadsheet (never a default: an error)."""

    def __str__(self):
        return ""

    def __repr__(self):
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


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


def export_external_id(external_id: str | None, line_uuid) -> str:
    return external_id or f"altm-{line_uuid}"
