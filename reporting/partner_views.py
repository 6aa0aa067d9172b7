"""What a partner's counsellor sees of their conventions: the annual review in its partner version, and the
minutes of the meetings held under the convention. Nothing agency-internal (notice deadlines, edit pages)."""

from datetime import date

from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.pdf import pdf_response, render_pdf
from partners.models import EventKind
from partners.perms import get_partner_convention_or_404, partner_conventions
from reporting.views import review_context

# Agency staff may open the partner version too, to see exactly what the partner sees.
PARTNER_VERSION_READERS = (Role.COUNSELLOR, Role.MANAGER, Role.DIRECTOR)


@role_required(Role.COUNSELLOR)
def partner_conventions_page(request):
    conventions = list(partner_conventions(request.user).order_by("-signed_on", "-id"))
    today = date.today()
    minutes = {
        convention.pk: list(
            convention.events.filter(kind=EventKind.MEETING).select_related("site").order_by("-date", "-id")[:50]
        )
        for convention in conventions
    }
    items = [
        {
            "convention": convention,
            "years": list(range(today.year, max(convention.signed_on.year, today.year - 4) - 1, -1)),
            "minutes": minutes[convention.pk],
        }
        for convention in conventions
    ]
    return render(request, "reporting/partner_conventions.html", {"items": items})


@role_required(*PARTNER_VERSION_READERS)
def partner_review(request, pk: int, year: int):
    convention = get_partner_convention_or_404(request.user, pk)
    context = review_context(convention, year, partner_version=True, calendar=request.GET.get("periode") == "civile")
    return render(request, "reporting/partner_review.html", context)


@role_required(*PARTNER_VERSION_READERS)
def partner_review_pdf(request, pk: int, year: int):
    convention = get_partner_convention_or_404(request.user, pk)
    context = review_context(convention, year, partner_version=True, calendar=request.GET.get("periode") == "civile")
    context["generated_by"] = request.user
    pdf = render_pdf("reporting/convention_review_pdf.html", context)
    return pdf_response(pdf, _("bilan-convention-%(pk)s-%(year)s-partenaire.pdf") % {"pk": pk, "year": year})
