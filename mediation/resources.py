"""django-import-export resource for interventions, in the interchange format of DOMAIN §8.

The admin uses this resource for its import and export screens. Rows are not imported one by one through
django-import-export's per-row machinery (far too slow for 100,000 rows and it would save the good rows of a bad
file): `import_data_inner` hands the whole dataset to `mediation.interchange.import_interventions`, the same
all-or-nothing bulk service as the `import_interventions` command, then turns its report into the `Result` the
admin templates expect.
"""

import tablib
from django.core.exceptions import ValidationError
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.results import RowResult

from altm import spreadsheets
from mediation import interchange
from mediation.models import Intervention

PREVIEW_SIZE = 200


def dataset_from_table(table: interchange.Table) -> tablib.Dataset:
    """A rectangular tablib dataset that keeps blank rows, so row i is still spreadsheet line i + 2."""
    rows = [list(values) for _line, values in table.rows]
    width = max([len(table.headers), *(len(row) for row in rows)])
    headers = [("" if header is None else str(header)) for header in table.headers]
    headers += [""] * (width - len(headers))
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append(row + [""] * (width - len(row)))
    return dataset


def table_from_dataset(dataset: tablib.Dataset) -> interchange.Table:
    return interchange.Table(
        headers=list(dataset.headers or []),
        rows=((line, list(values)) for line, values in enumerate(dataset, interchange.FIRST_DATA_LINE)),
    )


class InterchangeCSV(base_formats.CSV):
    """CSV read as bytes: UTF-8 or Windows-1252, `,` or `;` between cells (what a French Excel writes)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode() if isinstance(in_stream, str) else in_stream
        return dataset_from_table(interchange.read_table(data, "csv"))


class InterchangeXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return dataset_from_table(interchange.read_table(in_stream, "xlsx"))


class InterventionResource(resources.ModelResource):
    """Columns: date, territory, site, mediator, activity, mode, count, women, men, unknown, duration_minutes,
    note, external_id, age_band."""

    date = Field(column_name="date")
    territory = Field(column_name="territory")
    site = Field(column_name="site")
    mediator = Field(column_name="mediator")
    activity = Field(column_name="activity")
    mode = Field(column_name="mode")
    count = Field(column_name="count")
    women = Field(column_name="women")
    men = Field(column_name="men")
    unknown = Field(column_name="unknown")
    duration_minutes = Field(column_name="duration_minutes")
    note = Field(column_name="note")
    external_id = Field(column_name="external_id")
    age_band = Field(column_name="age_band")

    class Meta:
        model = Intervention
        fields = interchange.COLUMNS
        import_order = interchange.COLUMNS
        export_order = interchange.COLUMNS
        use_transactions = True
        name = "Format d'échange des interventions (DOMAIN §8)"

    # --- export ---

    def get_queryset(self):
        return Intervention.objects.select_related("territory", "site", "author", "activity_type")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("territory", "site", "author", "activity_type")

    def export_resource(self, instance, selected_fields=None, **kwargs):
        values = dict(zip(interchange.COLUMNS, interchange.instance_row(instance), strict=True))
        return [spreadsheets.csv_cell(values[field.column_name]) for field in self.get_export_fields(selected_fields)]

    # --- import ---

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        result = self.get_result_class()()
        result.diff_headers = list(interchange.COLUMNS)
        report = interchange.import_interventions(
            actor=kwargs.get("user"), table=table_from_dataset(dataset), dry_run=dry_run, preview_size=PREVIEW_SIZE
        )
        result.total_rows = report.total
        by_line: dict[int, dict[str, list[str]]] = {}
        for error in report.errors:
            by_line.setdefault(error.line, {}).setdefault(error.column or "__all__", []).append(error.message)
        for line, errors in sorted(by_line.items()):
            result.append_invalid_row(line, {}, ValidationError(errors))
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        if report.errors:
            return result
        kinds = {"new": RowResult.IMPORT_TYPE_NEW, "update": RowResult.IMPORT_TYPE_UPDATE}
        for kind, values, description in report.preview:
            row_result = self.get_row_result_class()()
            row_result.import_type = kinds.get(kind, RowResult.IMPORT_TYPE_SKIP)
            row_result.object_repr = description
            row_result.diff = [spreadsheets.csv_cell(value) for value in values]
            result.append_row_result(row_result)
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        return result
