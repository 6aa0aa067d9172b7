"""Export of a filtered intervention list in the interchange format (CSV streamed, XLSX in write-only mode)."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.models import Role
from altm.decorators import role_required
from mediation import interchange
from mediation.filters import filtered_interventions

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def csv_chunks(rows):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8; the import ignores it.
    yield writer.writerow(interchange.COLUMNS)
    for row in rows:
        yield writer.writerow([interchange.csv_cell(value) for value in row])


def write_xlsx(rows, handle) -> None:
    """Write rows to `handle` with openpyxl's write-only mode (rows go to disk, not to memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("interventions")
    sheet.append(interchange.COLUMNS)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the note starts with
            elif hasattr(value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(handle)


@role_required(Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def intervention_export(request):
    """`?format=csv|xlsx`, `?mine=1` for the user's own lines, plus the filters of the lists."""
    _form, queryset = filtered_interventions(request, mine=request.GET.get("mine") == "1")
    rows = interchange.export_rows(queryset)
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        handle = tempfile.TemporaryFile()
        write_xlsx(rows, handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=f"interventions-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE
        )
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interventions-{stamp}.csv"'
    return response
