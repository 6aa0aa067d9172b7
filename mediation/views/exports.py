"""Export of a filtered intervention list: in French for people (`format=csv|xlsx`), or in the technical
interchange format made to be imported again (`format=echange-csv|echange-xlsx`)."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.models import Role
from altm.decorators import role_required
from altm.spreadsheets import XLSX_CONTENT_TYPE
from mediation import interchange
from mediation.exports import csv_chunks, french_csv_chunks, french_xlsx, write_xlsx
from mediation.filters import filtered_interventions

FORMATS = ("csv", "xlsx", "echange-csv", "echange-xlsx")


@role_required(Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def intervention_export(request):
    """`?format=csv|xlsx|echange-csv|echange-xlsx`, `?mine=1` for the user's own lines, plus the list's filters."""
    _form, queryset = filtered_interventions(request, mine=request.GET.get("mine") == "1")
    output = request.GET.get("format") if request.GET.get("format") in FORMATS else "csv"
    stamp = timezone.localdate().isoformat()
    interchange_format = output.startswith("echange-")
    name = f"interventions-{'format-echange-' if interchange_format else ''}{stamp}"
    if output.endswith("xlsx"):
        handle = tempfile.TemporaryFile()
        if interchange_format:
            write_xlsx(interchange.export_rows(queryset), handle)
        else:
            french_xlsx(queryset, handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)
    chunks = csv_chunks(interchange.export_rows(queryset)) if interchange_format else french_csv_chunks(queryset)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
