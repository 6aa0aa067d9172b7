"""Export of a filtered intervention list in the interchange format (CSV streamed, XLSX in write-only mode)."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.models import Role
from altm.decorators import role_required
from altm.spreadsheets import XLSX_CONTENT_TYPE
from mediation import interchange
from mediation.exports import csv_chunks, write_xlsx
from mediation.filters import filtered_interventions


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
