"""The registers' overview (issue 15, points 4-6): what was recorded in the year and the figures the registry
computes from it (training hours per employee, share of certified mediators, projects, diagnostics…), with the
training hours of each employee the reader may see."""

from datetime import date

from django.db.models import DecimalField, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

from altm.decorators import role_required
from partners.models import TrainingAttendance
from partners.register_forms import employees_for
from partners.views.conventions import _year
from partners.views.registers import REGISTER_READERS, REGISTERS
from reporting import indicators
from reporting.formatting import fr_decimal
from reporting.indicators import Period

# The register indicators the overview shows, in this order (codes of reporting.indicators.builtin).
OVERVIEW_CODES = [
    "training.hours",
    "training.hours_per_employee",
    "training.certified_share",
    "training.employees_certified",
    "training.vae_in_progress",
    "training.immersions",
    "training.team_meetings",
    "registers.projects",
    "registers.projects.cafe",
    "registers.projects.residents",
    "registers.projects.people_invited",
    "registers.projects.people_met",
    "registers.diagnostics.started",
    "registers.diagnostics.completed",
    "registers.bodies.meetings",
]


def _hours_by_employee(user, year) -> list[tuple[str, str]]:
    hours = Coalesce("hours", "session__hours", output_field=DecimalField(max_digits=9, decimal_places=1))
    rows = (
        TrainingAttendance.objects.filter(employee__in=employees_for(user))
        .filter(session__started_on__gte=date(year, 1, 1), session__started_on__lte=date(year, 12, 31))
        .values("employee__first_name", "employee__last_name", "employee__username")
        .annotate(total=Sum(hours))
        .order_by("employee__last_name", "employee__first_name", "employee__username")
    )
    return [
        (
            f"{row['employee__first_name']} {row['employee__last_name']}".strip() or row["employee__username"],
            fr_decimal(row["total"]),
        )
        for row in rows
    ]


@role_required(*REGISTER_READERS)
def registers(request):
    year = _year(request, timezone.localdate().year)
    codes = [code for code in OVERVIEW_CODES if code in indicators.REGISTRY]
    table = indicators.compute(codes, period=Period.year(year), by=("year",))
    figures = []
    for code in codes:
        indicator = indicators.REGISTRY[code]
        value = fr_decimal(table.get(code, year))
        if indicator.unit:
            value = f"{value}\u202f{indicator.unit}"
        figures.append({"label": indicator.label, "value": value, "definition": indicator.describe()})
    return render(
        request,
        "reporting/registers.html",
        {
            "year": year,
            "registers": REGISTERS.values(),
            "figures": figures,
            "hours_by_employee": _hours_by_employee(request.user, year),
        },
    )
