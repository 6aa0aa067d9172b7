"""Demo data for the registers: projects and actions (the seed's café médiation, Albert Laurent / Le Château citizen
mediation projects, Cours Bayard, Patel residence diagnosis), territorial bodies and their meetings, training,
certifications and VAE, inter-team immersions, for 2017-2019 and the last three years. Idempotent: every row has a
fixed UUID or a unique name."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from mediation.models import Team, Territory
from partners.models import (
    BodyKind,
    BodyMeeting,
    Certification,
    CertificationKind,
    CertificationRoute,
    CommunityProject,
    Diagnostic,
    DiagnosticKind,
    ExchangeKind,
    ProjectKind,
    TeamExchange,
    TerritorialBody,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)

NAMESPACE = uuid.UUID("0b6f4f5e-8a1d-4c55-9d3e-5a7c9e1f2b3d")


def _uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


# (kind, title, territory code, start offset in days from 1 January, days long, invited, met)
PROJECTS = [
    (ProjectKind.CAFE, "Café médiation Mermoz", "EMH", 40, 1, 60, 34),
    (ProjectKind.CAFE, "Café médiation Santy", "L8", 120, 1, 45, 27),
    (ProjectKind.RESIDENTS, "Projet de médiation citoyenne Albert Laurent", "L8", 60, 180, 120, 65),
    (ProjectKind.RESIDENTS, "Projet de médiation citoyenne Le Château", "L9", 75, 200, 90, 48),
    (ProjectKind.RESIDENTS, "Accompagnement de la résidence Cours Bayard", "EMH", 150, 90, 70, 31),
    (ProjectKind.AWARENESS, "Sensibilisation au vivre ensemble – fête des quartiers", "L7", 160, 1, 300, 180),
    (ProjectKind.MOBILISATION, "Mobilisation des jeunes – festival d'art et d'air", "L9", 170, 30, 80, 52),
    (ProjectKind.INTERGENERATIONAL, "Goûter intergénérationnel La Duchère", "L9", 250, 1, 40, 29),
]
# (kind, title, territory code, start offset, days to complete or None, data processed)
DIAGNOSTICS = [
    (DiagnosticKind.RESIDENCE, "Diagnostic résidence Patel", "L9", 30, 90, True),
    (DiagnosticKind.CLIMATE, "Diagnostic d'ambiance Gerland", "L7", 200, 20, False),
    (DiagnosticKind.TERRITORIAL, "Diagnostic des besoins des habitants Mermoz", "EMH", 280, None, False),
]
BODIES = [
    ("GSUP Lyon 8", BodyKind.GSUP, "L8", "Ville de Lyon"),
    ("CLSM Lyon", BodyKind.CLSM, None, "Ville de Lyon"),
    ("Coordination 16-25 Lyon 9", BodyKind.YOUTH, "L9", "Mission Locale de Lyon"),
    ("CLSPD Lyon", BodyKind.CLSPD, None, "Ville de Lyon"),
    ("Groupe de travail résidence Albert Laurent", BodyKind.WORKING_GROUP, "L8", "Grand Lyon Habitat"),
]
# (title, provider, kind, start offset, days, hours, how many employees)
TRAININGS = [
    ("Intégration au poste de médiateur social", "ALTM", TrainingKind.INITIAL, 20, 3, Decimal(21), 4),
    (
        "Gestion des conflits et posture de médiateur",
        "France Médiation",
        TrainingKind.CONTINUING,
        95,
        2,
        Decimal(14),
        8,
    ),
    ("Premiers secours en santé mentale", "PSSM France", TrainingKind.CONTINUING, 210, 2, Decimal(14), 6),
    ("Titre professionnel médiateur social", "AFPA", TrainingKind.CERTIFYING, 270, 30, Decimal(70), 2),
]


def _years(today: date) -> list[int]:
    return [2017, 2018, 2019, today.year - 2, today.year - 1, today.year]


def _on(year: int, offset: int, today: date) -> date | None:
    day = date(year, 1, 1) + timedelta(days=offset)
    return day if day <= today else None


@transaction.atomic
def load(stdout=None):
    today = timezone.localdate()
    director = User.objects.filter(role=Role.DIRECTOR).order_by("id").first()
    territories = {t.code: t for t in Territory.objects.all()}
    teams = list(Team.objects.order_by("name"))
    employees = list(User.objects.filter(role__in=(Role.MEDIATOR, Role.MANAGER), is_active=True).order_by("id"))
    if not teams or not employees:
        return []
    mediators = [user for user in employees if user.role == Role.MEDIATOR]
    bodies = []
    for name, kind, territory, led_by in BODIES:
        body, _created = TerritorialBody.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "territory": territories.get(territory),
                "led_by": led_by,
                "joined_on": date(2017, 1, 1) + timedelta(days=30 * len(bodies)),
            },
        )
        bodies.append(body)
    for year in _years(today):
        # A working group engaged each year (the service project counts them).
        joined = _on(year, 45, today)
        if joined is not None:
            TerritorialBody.objects.get_or_create(
                name=f"Groupe de travail habitants référents {year}",
                defaults={
                    "kind": BodyKind.WORKING_GROUP,
                    "territory": territories.get("L8"),
                    "led_by": "Grand Lyon Habitat",
                    "joined_on": joined,
                    "left_on": date(year, 12, 31) if date(year, 12, 31) < today else None,
                },
            )
        for index, (kind, title, territory, offset, length, invited, met) in enumerate(PROJECTS):
            started = _on(year, offset + year % 7, today)
            if started is None:
                continue
            ended = started + timedelta(days=length - 1)
            CommunityProject.objects.get_or_create(
                uuid=_uuid(f"project-{year}-{index}"),
                defaults={
                    "kind": kind,
                    "title": f"{title} {year}",
                    "territory": territories.get(territory),
                    "team": teams[index % len(teams)],
                    "started_on": started,
                    "ended_on": ended if ended <= today else None,
                    "people_invited": invited + year % 11,
                    "people_met": met + year % 5,
                    "created_by": director,
                },
            )
        for index, (kind, title, territory, offset, days, processed) in enumerate(DIAGNOSTICS):
            started = _on(year, offset, today)
            if started is None:
                continue
            completed = started + timedelta(days=days) if days is not None else None
            completed = completed if completed is not None and completed <= today else None
            Diagnostic.objects.get_or_create(
                uuid=_uuid(f"diagnostic-{year}-{index}"),
                defaults={
                    "kind": kind,
                    "title": f"{title} {year}",
                    "territory": territories.get(territory),
                    "commissioned_by": "Ville de Lyon",
                    "started_on": started,
                    "completed_on": completed,
                    "data_processed": processed and completed is not None,
                    "created_by": director,
                },
            )
        for index, body in enumerate(bodies):
            for month in range(1 + index % 3, 13, 3):
                day = date(year, month, 10 + index)
                if day > today:
                    continue
                meeting, created = BodyMeeting.objects.get_or_create(
                    uuid=_uuid(f"meeting-{year}-{body.pk}-{month}"),
                    defaults={
                        "body": body,
                        "date": day,
                        "topics": "Point sur les situations du territoire.",
                        "created_by": director,
                    },
                )
                if created:
                    meeting.attendees.set(employees[index % len(employees) :: 5][:2])
        for index, (title, provider, kind, offset, days, hours, count) in enumerate(TRAININGS):
            started = _on(year, offset, today)
            if started is None:
                continue
            session, created = TrainingSession.objects.get_or_create(
                uuid=_uuid(f"training-{year}-{index}"),
                defaults={
                    "title": title,
                    "provider": provider,
                    "kind": kind,
                    "started_on": started,
                    "ended_on": started + timedelta(days=days - 1),
                    "hours": hours,
                    "created_by": director,
                },
            )
            if created:
                first = (year + index * 3) % len(employees)
                chosen = (employees[first:] + employees[:first])[:count]
                TrainingAttendance.objects.bulk_create(
                    [TrainingAttendance(session=session, employee=employee) for employee in chosen]
                )
        for index, kind in enumerate([ExchangeKind.IMMERSION, ExchangeKind.IMMERSION, ExchangeKind.MEETING]):
            day = _on(year, 100 + 90 * index, today)
            if day is None:
                continue
            exchange, created = TeamExchange.objects.get_or_create(
                uuid=_uuid(f"exchange-{year}-{index}"),
                defaults={
                    "kind": kind,
                    "date": day,
                    "host_team": teams[(year + index) % len(teams)],
                    "days": Decimal(2 if kind == ExchangeKind.IMMERSION else 1),
                    "topic": "Pratiques de gestion de conflits" if index else "Découverte du territoire",
                },
            )
            if created:
                exchange.participants.set(mediators[(year + index) % len(mediators) :: 4][:3])
    # Certifications: a few titres professionnels obtained, two VAE in progress, one abandoned.
    for index, employee in enumerate(mediators[:6]):
        started = date(today.year - 3 + index % 3, 3, 1)
        obtained = date(started.year + 1, 6, 30) if index < 3 and date(started.year + 1, 6, 30) <= today else None
        Certification.objects.get_or_create(
            uuid=_uuid(f"certification-{employee.username}"),
            defaults={
                "employee": employee,
                "kind": CertificationKind.TP_MEDIATOR if index % 2 == 0 else CertificationKind.CQP,
                "route": CertificationRoute.VAE if index >= 3 else CertificationRoute.TRAINING,
                "started_on": started,
                "obtained_on": obtained,
                "abandoned_on": date(today.year - 1, 9, 1) if index == 5 else None,
            },
        )
    if stdout is not None:
        stdout.write("Registres : projets, diagnostics, instances, formations et certifications prêts.")
    return []
