"""The interchange format of interventions (DOMAIN §8): reading, row validation, bulk import, export rows.

One row = one intervention line. The admin (through `mediation.resources.InterventionResource`), the command
`import_interventions` and the export views all go through this package:

- `read`: a CSV or XLSX file into headers + rows, keeping spreadsheet line numbers;
- `validate`: the headers, then each row, against lookups preloaded into dicts (no query per row); a row's rules
  are `mediation.rules`, as on every other path;
- `write`: all or nothing: every row validated first, then creates and updates inside one transaction, with one
  audit entry per changed line; on PostgreSQL set-based (`staged`: the rows COPYed into a temporary table, the
  targeted lines found by joins, one INSERT … SELECT and one UPDATE … FROM journaled by `altm.audit.log_bulk_sql`),
  elsewhere in batches (`altm.audit.log_bulk`);
- `export`: the same columns from a queryset, so export -> import round-trips.
"""

from mediation.interchange.columns import (
    COLUMNS,
    FIRST_DATA_LINE,
    InterchangeError,
    RowError,
    Table,
    export_external_id,
)
from mediation.interchange.export import export_rows, instance_row
from mediation.interchange.read import file_kind, read_path, read_table
from mediation.interchange.validate import Lookups, RowValidator, validate_table
from mediation.interchange.write import ImportReport, import_interventions, write_rows

__all__ = [
    "COLUMNS",
    "FIRST_DATA_LINE",
    "ImportReport",
    "InterchangeError",
    "Lookups",
    "RowError",
    "RowValidator",
    "Table",
    "export_external_id",
    "export_rows",
    "file_kind",
    "import_interventions",
    "instance_row",
    "read_path",
    "read_table",
    "validate_table",
    "write_rows",
]
