"""The registers for the director and the managers: projects, diagnostics, territorial bodies (meetings attended),
training, certifications and VAE, inter-team immersions. One page per register: what was recorded in the year,
and the form to add to it. The overview with the figures computed from them is reporting's (`reporting:registers`)."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit as submit_form
from partners import register_forms as forms
from partners.models import (
    BodyMeeting,
    Certification,
    CommunityProject,
    Diagnostic,
    TeamExchange,
    TerritorialBody,
    TrainingSession,
)
from partners.services import record_training_session, save_record
from partners.views.conventions import _year

REGISTER_READERS = (Role.MANAGER, Role.DIRECTOR)


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def _number(value) -> str:
    return f"{value:n}".replace(".", ",") if value is not None else "—"


def _names(users) -> str:
    return ", ".join(user.get_full_name() or user.username for user in users) or "—"


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    intro: str
    form: type
    success: str
    columns: tuple


def _in_year(field: str, year: int) -> Q:
    return Q(**{f"{field}__gte": date(year, 1, 1), f"{field}__lte": date(year, 12, 31)})


def _project_rows(user, year):
    projects = CommunityProject.objects.filter(
        _in_year("started_on", year) | Q(started_on__lt=date(year, 1, 1), ended_on__isnull=True)
    ).select_related("territory", "team")
    return [
        (
            p.title,
            p.get_kind_display(),
            p.territory or "—",
            _day(p.started_on),
            _day(p.ended_on),
            p.people_invited,
            p.people_met,
        )
        for p in projects
    ]


def _diagnostic_rows(user, year):
    diagnostics = Diagnostic.objects.filter(
        _in_year("started_on", year) | _in_year("completed_on", year) | Q(completed_on__isnull=True)
    ).select_related("territory")
    return [
        (
            d.title,
            d.get_kind_display(),
            d.territory or "—",
            _day(d.started_on),
            _day(d.completed_on),
            _("oui") if d.data_processed else _("non"),
        )
        for d in diagnostics
    ]


def _meeting_rows(user, year):
    meetings = BodyMeeting.objects.filter(_in_year("date", year)).select_related("body").prefetch_related("attendees")
    return [(_day(m.date), m.body.name, m.body.get_kind_display(), _names(m.attendees.all())) for m in meetings]


def _training_rows(user, year):
    employees = forms.employees_for(user)
    sessions = (
        TrainingSession.objects.filter(_in_year("started_on", year))
        .annotate(attendee_count=Count("attendances", filter=Q(attendances__employee__in=employees)))
        .order_by("-started_on", "-id")
    )
    return [
        (
            s.title,
            s.provider,
            s.get_kind_display(),
            f"{_day(s.started_on)} – {_day(s.ended_on)}",
            _number(s.hours),
            s.attendee_count,
        )
        for s in sessions
    ]


def _certification_rows(user, year):
    certifications = (
        Certification.objects.filter(employee__in=forms.employees_for(user))
        .filter(Q(started_on__lte=date(year, 12, 31)))
        .filter(Q(obtained_on__isnull=True) | Q(obtained_on__gte=date(year, 1, 1)))
        .filter(Q(abandoned_on__isnull=True) | Q(abandoned_on__gte=date(year, 1, 1)))
        .select_related("employee")
    )
    return [
        (
            c.employee.get_full_name() or c.employee.username,
            c.get_kind_display(),
            c.get_route_display(),
            _day(c.started_on),
            _day(c.obtained_on)
            if c.obtained_on
            else (_("abandonnée le %(day)s") % {"day": _day(c.abandoned_on)} if c.abandoned_on else _("en cours")),
        )
        for c in certifications
    ]


def _exchange_rows(user, year):
    exchanges = (
        TeamExchange.objects.filter(_in_year("date", year))
        .select_related("host_team")
        .prefetch_related("participants")
    )
    return [
        (_day(e.date), e.get_kind_display(), e.host_team.name, _number(e.days), _names(e.participants.all()), e.topic)
        for e in exchanges
    ]


REGISTERS = {
    register.slug: register
    for register in [
        Register(
            "projets",
            gettext_lazy("Projets et actions"),
            gettext_lazy(
                "Cafés médiation, projets d'habitants, sensibilisations : personnes invitées et rencontrées."
            ),
            forms.CommunityProjectForm,
            gettext_lazy("Projet enregistré."),
            (
                _project_rows,
                (
                    gettext_lazy("Intitulé"),
                    gettext_lazy("Type"),
                    gettext_lazy("Secteur"),
                    gettext_lazy("Début"),
                    gettext_lazy("Fin"),
                    gettext_lazy("Invités"),
                    gettext_lazy("Rencontrés"),
                ),
            ),
        ),
        Register(
            "diagnostics",
            gettext_lazy("Diagnostics"),
            gettext_lazy("Diagnostics territoriaux, d'ambiance et de résidence, engagés puis réalisés."),
            forms.DiagnosticForm,
            gettext_lazy("Diagnostic enregistré."),
            (
                _diagnostic_rows,
                (
                    gettext_lazy("Intitulé"),
                    gettext_lazy("Type"),
                    gettext_lazy("Secteur"),
                    gettext_lazy("Engagé le"),
                    gettext_lazy("Réalisé le"),
                    gettext_lazy("Données traitées"),
                ),
            ),
        ),
        Register(
            "instances",
            gettext_lazy("Instances territoriales"),
            gettext_lazy(
                "Réunions suivies (GSUP, CLSM, coordination 16-25, CLSPD…). Une nouvelle instance se déclare dans "
                "l'administration."
            ),
            forms.BodyMeetingForm,
            gettext_lazy("Réunion enregistrée."),
            (
                _meeting_rows,
                (gettext_lazy("Date"), gettext_lazy("Instance"), gettext_lazy("Type"), gettext_lazy("Présents")),
            ),
        ),
        Register(
            "formations",
            gettext_lazy("Formations"),
            gettext_lazy("Sessions de formation initiale, continue ou certifiante, et les salariés présents."),
            forms.TrainingSessionForm,
            gettext_lazy("Session de formation enregistrée."),
            (
                _training_rows,
                (
                    gettext_lazy("Intitulé"),
                    gettext_lazy("Organisme"),
                    gettext_lazy("Type"),
                    gettext_lazy("Dates"),
                    gettext_lazy("Heures"),
                    gettext_lazy("Présents"),
                ),
            ),
        ),
        Register(
            "certifications",
            gettext_lazy("Certifications et VAE"),
            gettext_lazy("Titre professionnel, CQP, VAE : démarches en cours et certifications obtenues."),
            forms.CertificationForm,
            gettext_lazy("Certification enregistrée."),
            (
                _certification_rows,
                (
                    gettext_lazy("Salarié"),
                    gettext_lazy("Certification"),
                    gettext_lazy("Voie"),
                    gettext_lazy("Engagée le"),
                    gettext_lazy("Obtenue"),
                ),
            ),
        ),
        Register(
            "echanges",
            gettext_lazy("Immersions et rencontres inter-équipes"),
            gettext_lazy("Les salariés qui passent du temps dans une autre équipe, et les rencontres entre équipes."),
            forms.TeamExchangeForm,
            gettext_lazy("Immersion ou rencontre enregistrée."),
            (
                _exchange_rows,
                (
                    gettext_lazy("Date"),
                    gettext_lazy("Type"),
                    gettext_lazy("Équipe d'accueil"),
                    gettext_lazy("Jours"),
                    gettext_lazy("Salariés"),
                    gettext_lazy("Thème"),
                ),
            ),
        ),
    ]
}


@role_required(*REGISTER_READERS)
def register_page(request, register):
    config = REGISTERS.get(register)
    if config is None:
        raise Http404
    year = _year(request, timezone.localdate().year)
    form = config.form(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.uuid = form.cleaned_data.get("uuid") or instance.uuid
        if hasattr(instance, "created_by_id"):
            instance.created_by = request.user
        if isinstance(instance, TrainingSession):
            saved = submit_form(
                form,
                record_training_session,
                actor=request.user,
                instance=instance,
                employees=form.cleaned_data["attendees"],
            )
        else:
            saved = submit_form(form, save_record, actor=request.user, instance=instance, m2m_form=form)
        if saved is not None:
            messages.success(request, config.success)
            return redirect(reverse("partners:register_page", args=[register]))
    rows_of, headers = config.columns
    return render(
        request,
        "partners/register_page.html",
        {
            "register": config,
            "year": year,
            "headers": headers,
            # Each cell with its column's header: the table's rows become cards on a phone (one rendering).
            "rows": [list(zip(headers, row, strict=True)) for row in rows_of(request.user, year)],
            "form": form,
            "bodies": TerritorialBody.objects.order_by("name") if register == "instances" else None,
        },
    )
