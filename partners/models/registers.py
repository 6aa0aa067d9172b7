"""Registers of the agency's collective work and of its staff's professionalisation (issue 15, points 4 and 6).

Projects (café médiation, residents' projects, awareness actions…), diagnostics (territorial, climate), territorial
bodies the agency sits in (GSUP, CLSM, coordination 16-25, CLSPD…) with the meetings attended; training sessions and
who attended them, certifications and VAE, inter-team immersions and meetings. The service-project indicators that
used to be typed by hand are computed from these rows (reporting/indicators/registers.py).

No row here names a person followed by the agency: free texts are about actions and staff, not residents.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mediation.models import Team, Territory


class ProjectKind(models.TextChoices):
    CAFE = "cafe", _("Café médiation")
    RESIDENTS = "residents", _("Projet d'habitants ou de résidence")
    AWARENESS = "awareness", _("Action de sensibilisation")
    MOBILISATION = "mobilisation", _("Action de mobilisation des jeunes")
    INTERGENERATIONAL = "intergenerational", _("Action intergénérationnelle")
    OTHER = "other", _("Autre projet de territoire")


class CommunityProject(models.Model):
    """A project or collective action the mediators run or take part in."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=ProjectKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("secteur"), null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe"), null=True, blank=True
    )
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    partners = models.CharField(_("partenaires associés"), max_length=300, blank=True)
    people_invited = models.PositiveIntegerField(_("personnes invitées"), default=0)
    people_met = models.PositiveIntegerField(_("personnes rencontrées"), default=0)
    summary = models.TextField(_("bilan"), blank=True, help_text=_("Sans nom de personne."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("projet ou action")
        verbose_name_plural = _("projets et actions")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["started_on"], name="community_project_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="community_project_dates_in_order",
                violation_error_message=_("La fin ne peut pas précéder le début."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"


class DiagnosticKind(models.TextChoices):
    TERRITORIAL = "territorial", _("Diagnostic territorial")
    CLIMATE = "climate", _("Diagnostic d'ambiance")
    RESIDENCE = "residence", _("Diagnostic de résidence")


class Diagnostic(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=DiagnosticKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("secteur"), null=True, blank=True
    )
    commissioned_by = models.CharField(_("commanditaire"), max_length=150, blank=True)
    started_on = models.DateField(_("engagé le"))
    completed_on = models.DateField(_("réalisé le"), null=True, blank=True)
    data_processed = models.BooleanField(_("données traitées"), default=False)
    findings = models.TextField(_("constats"), blank=True, help_text=_("Sans nom de personne."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="diagnostic_dates_in_order",
                violation_error_message=_("Un diagnostic n'est pas réalisé avant d'être engagé."),
            ),
            models.CheckConstraint(
                condition=Q(data_processed=False) | Q(completed_on__isnull=False),
                name="diagnostic_processed_when_completed",
                violation_error_message=_("Les données d'un diagnostic se traitent une fois celui-ci réalisé."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"


class BodyKind(models.TextChoices):
    GSUP = "gsup", _("GSUP (gestion sociale et urbaine de proximité)")
    CLSM = "clsm", _("CLSM (conseil local de santé mentale)")
    YOUTH = "youth_16_25", _("Coordination 16-25 ans")
    CLSPD = "clspd", _("CLSPD (prévention de la délinquance)")
    WORKING_GROUP = "working_group", _("Groupe de travail")
    OTHER = "other", _("Autre instance")


class TerritorialBody(models.Model):
    name = models.CharField(_("nom"), max_length=150, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=BodyKind.choices)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("secteur"), null=True, blank=True
    )
    led_by = models.CharField(_("animée par"), max_length=150, blank=True)
    joined_on = models.DateField(_("participation depuis le"))
    left_on = models.DateField(_("participation jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("instance territoriale")
        verbose_name_plural = _("instances territoriales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BodyMeeting(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(
        TerritorialBody, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("instance")
    )
    date = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("présents pour l'agence")
    )
    topics = models.TextField(_("sujets et décisions"), blank=True, help_text=_("Sans nom de personne."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("réunion d'instance")
        verbose_name_plural = _("réunions d'instances")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"], name="body_meeting_date")]

    def __str__(self):
        return f"{self.body} · {self.date:%d/%m/%Y}"


# --- Professionalisation ------------------------------------------------------------------------------------


class TrainingKind(models.TextChoices):
    INITIAL = "initial", _("Formation initiale (intégration au poste)")
    CONTINUING = "continuing", _("Formation continue")
    CERTIFYING = "certifying", _("Formation certifiante")


class TrainingSession(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=200)
    provider = models.CharField(_("organisme"), max_length=150)
    kind = models.CharField(_("type"), max_length=12, choices=TrainingKind.choices)
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"))
    hours = models.DecimalField(_("durée (heures)"), max_digits=6, decimal_places=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__gte=F("started_on")),
                name="training_session_dates_in_order",
                violation_error_message=_("La fin ne peut pas précéder le début."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=2000),
                name="training_session_hours_range",
                violation_error_message=_("La durée est comprise entre 0,5 et 2 000 heures."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.started_on:%d/%m/%Y})"


class TrainingAttendance(models.Model):
    """One employee at one session. `hours` when they attended only part of it (blank: the whole session)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("salarié")
    )
    hours = models.DecimalField(
        _("heures suivies"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Vide : toute la session."),
    )

    class Meta:
        verbose_name = _("participation à une formation")
        verbose_name_plural = _("participations aux formations")
        ordering = ["session", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], name="training_attendance_once"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="training_attendance_hours_positive",
                violation_error_message=_("Les heures suivies sont positives."),
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.session}"


class CertificationKind(models.TextChoices):
    TP_MEDIATOR = "tp_mediator", _("Titre professionnel médiateur social accès aux droits et services")
    TMS = "tms", _("Diplôme de technicien médiation services (TMS)")
    CQP = "cqp", _("CQP médiation sociale")
    OTHER = "other", _("Autre certification")


class CertificationRoute(models.TextChoices):
    TRAINING = "training", _("Formation")
    VAE = "vae", _("VAE (validation des acquis de l'expérience)")


class Certification(models.Model):
    """A certification an employee holds or prepares. A VAE in progress has no `obtained_on` yet."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("salarié")
    )
    kind = models.CharField(_("certification"), max_length=20, choices=CertificationKind.choices)
    route = models.CharField(_("voie"), max_length=10, choices=CertificationRoute.choices)
    started_on = models.DateField(_("démarche engagée le"))
    obtained_on = models.DateField(_("obtenue le"), null=True, blank=True)
    abandoned_on = models.DateField(_("abandonnée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(obtained_on__isnull=True) | Q(abandoned_on__isnull=True),
                name="certification_obtained_or_abandoned",
                violation_error_message=_("Une certification obtenue n'est pas abandonnée."),
            ),
            models.CheckConstraint(
                condition=Q(obtained_on__isnull=True) | Q(obtained_on__gte=F("started_on")),
                name="certification_obtained_after_start",
                violation_error_message=_("L'obtention ne peut pas précéder le début de la démarche."),
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.get_kind_display()}"

    @property
    def is_in_progress(self) -> bool:
        return self.obtained_on is None and self.abandoned_on is None


class ExchangeKind(models.TextChoices):
    IMMERSION = "immersion", _("Immersion dans une autre équipe")
    MEETING = "meeting", _("Rencontre inter-équipes")


class TeamExchange(models.Model):
    """An inter-team immersion (employees spend time in another team) or a meeting between teams."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=ExchangeKind.choices)
    date = models.DateField(_("date"))
    host_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe d'accueil"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("salariés")
    )
    days = models.DecimalField(
        _("jours"), max_digits=4, decimal_places=1, default=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    topic = models.CharField(_("thème"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("immersion ou rencontre inter-équipes")
        verbose_name_plural = _("immersions et rencontres inter-équipes")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.host_team} · {self.date:%d/%m/%Y}"
