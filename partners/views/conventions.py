"""Partner organisations and conventions: lists, pages, and the director's forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit as submit_form
from altm.params import choice_param
from altm.versions import current_version
from partners import perms
from partners.alerts import alerts_for
from partners.commitments import progress_by_convention
from partners.event_filters import PartnerEventFilterForm
from partners.forms import AmendmentForm, CommitmentForm, ConventionForm, PartnerEventForm
from partners.models import (
    CONVENTION_READERS,
    Convention,
    InformationShare,
    PartnerEvent,
    PartnerOrganisation,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from partners.services import save_record

STAFF = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("annee", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


# --- Organisations ------------------------------------------------------------------------------------------


@role_required(*STAFF)
def organisation_list(request):
    organisations = (
        PartnerOrganisation.objects.filter(is_active=True)
        .annotate(
            contact_count=Count("contacts", distinct=True),
            convention_count=Count("conventions", distinct=True),
        )
        .order_by("name")
    )
    kinds = PartnerOrganisation._meta.get_field("kind").choices
    kind = choice_param(request, "type", kinds)  # an unknown kind (or a NUL byte) lists every organisation
    if kind:
        organisations = organisations.filter(kind=kind)
    today = timezone.localdate()
    organisations = list(organisations.prefetch_related("conventions"))
    for organisation in organisations:
        organisation.partnership = organisation.partnership_on(today)
    return render(
        request,
        "partners/organisation_list.html",
        {"organisations": organisations, "kind": kind, "kinds": kinds},
    )


@role_required(*STAFF)
def organisation_detail(request, pk):
    organisation = get_object_or_404(PartnerOrganisation, pk=pk)
    today = timezone.localdate()
    conventions = []
    if perms.can_view_conventions(request.user):
        conventions = [
            (c, c.schedule(today))
            for c in organisation.conventions.select_related("organisation").order_by("-signed_on")
        ]
    referral_counts = (
        Referral.objects.for_user(request.user)
        .filter(organisation=organisation, date__year=today.year)
        .aggregate(
            to_partner=Count("id", filter=Q(direction=ReferralDirection.TO_PARTNER)),
            to_agency=Count("id", filter=Q(direction=ReferralDirection.TO_AGENCY)),
            taken=Count("id", filter=Q(status=ReferralStatus.TAKEN_IN_CHARGE)),
        )
    )
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": organisation.contacts.all(),
            "sites": organisation.sites.select_related("territory"),
            "conventions": conventions,
            "referral_counts": referral_counts,
            "year": today.year,
            "partnership": organisation.partnership_on(today),
        },
    )


# --- Conventions --------------------------------------------------------------------------------------------


@role_required(*CONVENTION_READERS)
def convention_list(request):
    today = timezone.localdate()
    year = _year(request, today.year)
    conventions = list(
        Convention.objects.for_user(request.user)
        .select_related("organisation")
        .annotate(amendment_count=Count("amendments"))
        .order_by("organisation__name", "-signed_on", "id")
    )
    progress = progress_by_convention(conventions, year)
    rows = [(c, c.schedule(today), progress[c.pk]) for c in conventions]
    return render(
        request,
        "partners/convention_list.html",
        {
            "rows": rows,
            "alerts": alerts_for(conventions, today),
            "year": year,
            "today": today,
            "can_manage": perms.can_manage_conventions(request.user),
        },
    )


@role_required(*CONVENTION_READERS)
def convention_detail(request, pk):
    convention = perms.get_convention_or_404(request.user, pk)
    today = timezone.localdate()
    year = _year(request, today.year)
    referrals = Referral.objects.filter(organisation=convention.organisation, date__year=year).aggregate(
        to_partner=Count("id", filter=Q(direction=ReferralDirection.TO_PARTNER)),
        to_agency=Count("id", filter=Q(direction=ReferralDirection.TO_AGENCY)),
        taken=Count("id", filter=Q(status=ReferralStatus.TAKEN_IN_CHARGE)),
        not_followed=Count("id", filter=Q(status=ReferralStatus.NOT_FOLLOWED)),
        open=Count("id", filter=Q(status__in=[ReferralStatus.PROPOSED, ReferralStatus.DONE])),
    )
    shares = (
        InformationShare.objects.filter(to_organisation=convention.organisation, shared_on__year=year)
        .values("legal_basis")
        .annotate(n=Count("id"))
        .order_by("legal_basis")
    )
    basis_labels = dict(InformationShare._meta.get_field("legal_basis").choices)
    return render(
        request,
        "partners/convention_detail.html",
        {
            "convention": convention,
            "schedule": convention.schedule(today),
            "alerts": alerts_for([convention], today),
            "amendments": convention.amendments.all(),
            "progress": progress_by_convention([convention], year)[convention.pk],
            "events": convention.events.in_year(year).select_related("site"),
            "sites": convention.sites.select_related("territory"),
            "referrals": referrals,
            "shares": [(basis_labels.get(row["legal_basis"], row["legal_basis"]), row["n"]) for row in shares],
            "year": year,
            "years": [year - 1, year, year + 1] if year < today.year else [year - 1, year],
            "can_manage": perms.can_manage_conventions(request.user),
            "can_record_events": perms.can_record_events(request.user),
        },
    )


def _form_page(request, form, *, title, back_url, intro="", submit=None):
    return render(
        request,
        "partners/form_page.html",
        {"form": form, "title": title, "back_url": back_url, "intro": intro, "submit": submit or _("Enregistrer")},
    )


def _save_or_render(request, form, *, title, back_url, success, intro=""):
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        version = form.cleaned_data.get("version")
        if submit_form(form, save_record, actor=request.user, instance=instance, m2m_form=form, version=version):
            messages.success(request, success)
            return redirect(instance.get_absolute_url() if hasattr(instance, "get_absolute_url") else back_url)
    return _form_page(request, form, title=title, back_url=back_url, intro=intro)


@role_required(Role.DIRECTOR)
def convention_create(request):
    form = ConventionForm(request.POST or None)
    return _save_or_render(
        request,
        form,
        title=_("Nouvelle convention"),
        back_url="partners:convention_list",
        success=_("Convention enregistrée."),
    )


@role_required(Role.DIRECTOR)
def convention_edit(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = ConventionForm(request.POST or None, instance=convention, initial={"version": current_version(convention)})
    return _save_or_render(
        request,
        form,
        title=_("Modifier la convention"),
        back_url=convention.get_absolute_url(),
        success=_("Convention modifiée."),
        intro=_(
            "Pour dénoncer la convention (au plus tard à la date limite de préavis) ou la résilier après une mise "
            "en demeure, renseignez la date correspondante : statut et échéances se recalculent."
        ),
    )


def _child_form_view(request, pk, form_class, *, title, success):
    convention = get_object_or_404(Convention, pk=pk)
    form = form_class(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        if hasattr(instance, "created_by_id") and instance.pk is None:
            instance.created_by = request.user
        if hasattr(instance, "uuid") and instance.pk is None:
            instance.uuid = form.cleaned_data.get("uuid")
        if submit_form(form, save_record, actor=request.user, instance=instance, m2m_form=form) is not None:
            messages.success(request, success)
            return redirect(convention.get_absolute_url())
    return _form_page(request, form, title=f"{title} · {convention}", back_url=convention.get_absolute_url())


@role_required(Role.DIRECTOR)
def amendment_create(request, pk):
    return _child_form_view(request, pk, AmendmentForm, title=_("Avenant"), success=_("Avenant enregistré."))


@role_required(Role.DIRECTOR)
def commitment_create(request, pk):
    return _child_form_view(request, pk, CommitmentForm, title=_("Engagement"), success=_("Engagement ajouté."))


@role_required(*CONVENTION_READERS)
def event_create(request, pk):
    if not perms.can_record_events(request.user):
        raise PermissionDenied
    return _child_form_view(
        request, pk, PartnerEventForm, title=_("Action partenariale"), success=_("Action partenariale enregistrée.")
    )


EVENTS_PER_PAGE = 50


@role_required(*CONVENTION_READERS)
def event_list(request):
    """The partner events of the conventions the user may see, filtered on a period and kinds: the lines behind a
    report's partner figure (the evaluation links here with the same period and kinds)."""
    form = PartnerEventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = PartnerEvent.objects.filter(convention__in=Convention.objects.for_user(request.user))
    if data.get("start"):
        events = events.filter(date__gte=data["start"])
    if data.get("end"):
        events = events.filter(date__lte=data["end"])
    if data.get("kind"):
        events = events.filter(kind__in=data["kind"])
    events = events.select_related("convention__organisation", "site").order_by("-date", "-id")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/event_list.html",
        {"form": form, "page": page, "total": page.paginator.count, "query": query.urlencode()},
    )
