"""A person's record: minimal data, follow-ups, linked activity; openings from outside the team are logged."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import render

from accounts.models import Role
from altm.decorators import role_required
from mediation import perms, services
from mediation.casework_forms import PersonReadReasonForm, PersonSearchForm
from mediation.models import Intervention, Person
from mediation.scoping import team_ids

LINES_SHOWN = 50


@login_required
def person_detail(request, pk: int):
    """The owning team reads freely. Anyone else is asked why (optional), and the opening is logged first."""
    person = perms.get_person_or_404(request.user, pk)
    logged_reader = perms.must_log_person_read(request.user, person)
    if logged_reader:
        form = PersonReadReasonForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            return render(request, "mediation/person_read_reason.html", {"person": person, "form": form})
        services.log_person_read(user=request.user, person=person, reason=form.cleaned_data["reason"])
    followups = person.followups.select_related("mediator", "territory").order_by("-started_on", "-id")
    lines = (
        Intervention.objects.filter(person=person)
        .select_related("activity_type", "author", "site")
        .order_by("-date", "-id")[:LINES_SHOWN]
    )
    read_logs = None
    if request.user.role == Role.DIRECTOR:
        read_logs = person.read_logs.select_related("user").order_by("-at", "-id")
    return render(
        request,
        "mediation/person_detail.html",
        {
            "person": person,
            "followups": followups,
            "lines": lines,
            "lines_shown": LINES_SHOWN,
            "read_logs": read_logs,
            "logged_reader": logged_reader,
            "can_follow": perms.is_in_owning_team(request.user, person),
        },
    )


SEARCH_PAGE_SIZE = 30


@role_required(Role.MEDIATOR, Role.MANAGER)
def person_search(request):
    """Persons of the user's teams (never another team's, never an anonymised one), by alias, birth year, site."""
    form = PersonSearchForm(request.GET or None, user=request.user)
    persons = Person.objects.workable_by(request.user).filter(team_id__in=team_ids(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            persons = persons.filter(alias__icontains=data["q"].strip())
        if data["birth_year"]:
            persons = persons.filter(birth_year=data["birth_year"])
        if data["site"]:
            persons = persons.filter(Exists(Intervention.objects.filter(person=OuterRef("pk"), site=data["site"])))
    persons = persons.select_related("territory", "team").order_by("alias", "id")
    page = Paginator(persons, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "mediation/person_search.html", {"form": form, "page": page, "query": query.urlencode()})
