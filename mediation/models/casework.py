"""Case work: conflict cases and their mediation sessions, technical-watch reports."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from altm.photos import private_storage
from mediation.models.organisation import Landlord, Site, Team, Territory
from mediation.models.persons import AgeBand
from mediation.scoping import ScopedQuerySet


class ConflictParties(models.TextChoices):
    RESIDENTS = "residents", _("Entre habitants")
    RESIDENT_INSTITUTION = "resident_institution", _("Habitant – institution")
    AGAINST_MEDIATOR = "against_mediator", _("À l'encontre du médiateur")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    AGREEMENT = "agreement", _("Protocole d'accord à suivre")
    CLOSED = "closed", _("Clôturée")


class ConflictOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Conflit résolu")
    PARTIAL = "partial", _("Apaisement partiel")
    NOT_RESOLVED = "not_resolved", _("Non résolu")
    HANDED_OVER = "handed_over", _("Relais passé à un service compétent")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Fin de la médiation : une partie a retiré son consentement")


class ConflictCaseQuerySet(ScopedQuerySet):
    def open_first(self):
        """Open cases and agreements to follow before closed ones, most recent first."""
        closed_last = models.Case(models.When(status=ConflictStatus.CLOSED, then=1), default=0)
        return self.alias(closed_last=closed_last).order_by("closed_last", "-opened_on", "-id")

    def agreement_due_by(self, day):
        """Agreements whose follow-up date is `day` or earlier."""
        return self.filter(status=ConflictStatus.AGREEMENT, agreement_followup_on__lte=day)


class ConflictCase(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=150, help_text=_("Sans nom de personne, sauf nécessité."))
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="conflict_cases", verbose_name=_("secteur")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="conflict_cases", verbose_name=_("équipe"))
    is_real_time = models.BooleanField(_("géré en temps réel"), default=False)
    parties = models.CharField(_("parties"), max_length=30, choices=ConflictParties.choices)
    parties_description = models.TextField(_("description des parties"), blank=True)
    opened_on = models.DateField(_("ouverte le"))
    status = models.CharField(_("statut"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    agreement_on = models.DateField(_("protocole d'accord signé le"), null=True, blank=True)
    agreement_followup_on = models.DateField(_("suivi de l'accord prévu le"), null=True, blank=True)
    agreement_points = models.TextField(
        _("points d'accord"), blank=True, help_text=_("Un point par ligne : ce que les parties s'engagent à faire.")
    )
    closed_on = models.DateField(_("clôturée le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=20, choices=ConflictOutcome.choices, blank=True)
    outcome_note = models.TextField(_("commentaire de clôture"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ConflictCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation de conflit")
        verbose_name_plural = _("situations de conflit")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["team", "status"], name="conflict_team_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="conflict_closed_has_date_and_outcome",
                violation_error_message=_("Une situation clôturée a une date de clôture et une issue."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("mediation:conflict_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == ConflictStatus.CLOSED


class ConflictParty(models.Model):
    """A party to a mediation: how the agency designates them (no more than needed), their free consent to the
    mediation and its withdrawal (which ends the mediation), and a parent's or guardian's involvement for a minor."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        ConflictCase, on_delete=models.PROTECT, related_name="party_set", verbose_name=_("situation")
    )
    label = models.CharField(
        _("désignation"),
        max_length=80,
        help_text=_("Prénom, pseudonyme ou rôle (« locataire du 3e ») : le strict nécessaire."),
    )
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=10, choices=AgeBand.choices, blank=True)
    consent_given_on = models.DateField(_("consentement à la médiation donné le"))
    consent_withdrawn_on = models.DateField(_("consentement retiré le"), null=True, blank=True)
    guardian_name = models.CharField(_("parent ou tuteur associé"), max_length=120, blank=True)
    guardian_role = models.CharField(_("qualité"), max_length=60, blank=True, help_text=_("Mère, père, tuteur…"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("partie à la médiation")
        verbose_name_plural = _("parties à la médiation")
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_withdrawn_on__isnull=True)
                | Q(consent_withdrawn_on__gte=models.F("consent_given_on")),
                name="party_withdrawal_after_consent",
                violation_error_message=_("Le retrait ne peut pas précéder le consentement."),
            )
        ]

    def __str__(self):
        return self.label

    def age_on(self, day) -> int | None:
        """As `Person.age_on`: the age reached during `day`'s year, from the birth year only."""
        return day.year - self.birth_year if self.birth_year else None

    @property
    def consents(self) -> bool:
        return self.consent_withdrawn_on is None


class SessionKind(models.TextChoices):
    """Each value is also the code of the activity type the session is counted as."""

    SHUTTLE = "shuttle", _("Navette (rencontres séparées)")
    ROUND_TABLE = "round_table", _("Table ronde")
    DEFERRED = "conflict_deferred", _("Contact de suivi en temps différé")


class ConflictSession(models.Model):
    case = models.ForeignKey(
        ConflictCase, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("situation")
    )
    kind = models.CharField(_("type de rencontre"), max_length=20, choices=SessionKind.choices)
    date = models.DateField(_("date"))
    outcome = models.TextField(_("résultat"), blank=True)
    agreement_reached = models.BooleanField(_("accord trouvé"), default=False)
    intervention = models.OneToOneField(
        "Intervention", on_delete=models.PROTECT, related_name="conflict_session", verbose_name=_("ligne d'activité")
    )

    class Meta:
        verbose_name = _("rencontre de médiation")
        verbose_name_plural = _("rencontres de médiation")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


# --- Technical watch ----------------------------------------------------------------------------------------


class TechnicalReportStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    TRANSMITTED = "transmitted", _("Transmis au bailleur")
    RESOLVED = "resolved", _("Résolu")


class TechnicalReportQuerySet(ScopedQuerySet):
    def open_first(self):
        """Open, then transmitted, then resolved reports; most recent first within each."""
        rank = models.Case(
            models.When(status=TechnicalReportStatus.OPEN, then=0),
            models.When(status=TechnicalReportStatus.TRANSMITTED, then=1),
            default=2,
        )
        return self.alias(status_rank=rank).order_by("status_rank", "-reported_on", "-id")

    @staticmethod
    def too_long_condition(today: date) -> Q:
        """Pending and older than the threshold of its danger level (`ALTM_TECHNICAL_REMINDER_DAYS`): the landlord
        is reminded of it, the manager's digest counts it and the technical list points it out."""
        days = settings.ALTM_TECHNICAL_REMINDER_DAYS
        return ~Q(status=TechnicalReportStatus.RESOLVED) & (
            Q(is_danger=True, reported_on__lte=today - timedelta(days=days["danger"]))
            | Q(is_danger=False, reported_on__lte=today - timedelta(days=days["other"]))
        )

    def open_too_long(self, today: date):
        return self.filter(self.too_long_condition(today))

    def with_too_long(self, today: date):
        """Each report with `too_long` (see `too_long_condition`), for lists."""
        return self.annotate(
            too_long=models.ExpressionWrapper(self.too_long_condition(today), output_field=models.BooleanField())
        )

    def active_between(self, start, end):
        """Reports pending at some point from `start` to `end`: reported by `end`, not resolved before `start`."""
        return self.filter(reported_on__lte=end).filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))


class TechnicalReport(models.Model):
    """A technical-watch transmission to a landlord (danger or major nuisance)."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)

    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, related_name="technical_reports", verbose_name=_("bailleur")
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("secteur"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="technical_reports", verbose_name=_("équipe")
    )
    place = models.CharField(_("lieu précis"), max_length=200, help_text=_("Adresse, allée, étage…"))
    equipment = models.CharField(_("équipement"), max_length=100, blank=True)
    problem = models.TextField(_("problème constaté"))
    is_danger = models.BooleanField(_("danger"), default=False)
    status = models.CharField(
        _("statut"), max_length=12, choices=TechnicalReportStatus.choices, default=TechnicalReportStatus.OPEN
    )
    reported_on = models.DateField(_("constaté le"))
    transmitted_on = models.DateField(_("transmis le"), null=True, blank=True)
    resolved_on = models.DateField(_("résolu le"), null=True, blank=True)
    intervention = models.OneToOneField(
        "Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="technical_report",
        verbose_name=_("ligne d'activité"),
    )
    actions = models.ManyToManyField(
        "Intervention",
        blank=True,
        related_name="technical_actions",
        verbose_name=_("sécurisations et interventions"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The landlord's answer through its signed link (no account), and what the app sent it.
    landlord_acknowledged_on = models.DateField(_("pris en compte par le bailleur le"), null=True, blank=True)
    landlord_planned_on = models.DateField(_("intervention prévue par le bailleur le"), null=True, blank=True)
    landlord_comment = models.TextField(_("commentaire du bailleur"), blank=True)
    danger_sent_at = models.DateTimeField(_("danger envoyé au bailleur le"), null=True, blank=True, editable=False)
    reminded_on = models.DateField(_("dernière relance du bailleur le"), null=True, blank=True, editable=False)

    objects = TechnicalReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement technique")
        verbose_name_plural = _("signalements techniques")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["landlord", "reported_on"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="technical_report_resolved_has_date",
                violation_error_message=_("Un signalement résolu a une date de résolution."),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(transmitted_on__isnull=False),
                name="technical_report_transmitted_has_date",
                violation_error_message=_("Un signalement transmis a une date de transmission."),
            ),
        ]

    def __str__(self):
        return f"{self.landlord} · {self.place}"

    def get_absolute_url(self):
        return reverse("mediation:technical_detail", args=[self.pk])

    @property
    def is_resolved(self) -> bool:
        return self.status == TechnicalReportStatus.RESOLVED

    def open_days(self, today: date) -> int:
        """Days from the report to its resolution, or to `today` while it is pending."""
        return ((self.resolved_on or today) - self.reported_on).days


class LandlordDispatchKind(models.TextChoices):
    SYNTHESIS = "synthesis", _("Synthèse hebdomadaire")
    REMINDER = "reminder", _("Relance")
    DANGER = "danger", _("Danger signalé")


class LandlordDispatch(models.Model):
    """One e-mail the app sent a landlord (weekly synthesis, reminder, danger): what went, when, to whom.

    Unique per landlord, kind and period start, so a command run twice (or two workers) sends one e-mail.
    """

    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("bailleur")
    )
    kind = models.CharField(_("envoi"), max_length=12, choices=LandlordDispatchKind.choices)
    period_start = models.DateField(_("début de période"))
    period_end = models.DateField(_("fin de période"))
    email = models.EmailField(_("adresse"))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    reports = models.ManyToManyField(TechnicalReport, related_name="dispatches", verbose_name=_("signalements"))

    class Meta:
        verbose_name = _("envoi au bailleur")
        verbose_name_plural = _("envois aux bailleurs")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["landlord", "kind", "period_start"],
                condition=~Q(kind="danger"),
                name="landlord_dispatch_once_per_period",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.landlord} · {self.period_start:%d/%m/%Y}"


class TechnicalReportPhoto(models.Model):
    """A photo of a technical report, stored outside the public files (see altm/photos.py)."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        TechnicalReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("signalement")
    )
    image = models.ImageField(_("photo"), storage=private_storage, upload_to="technical/%Y/%m/")
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("photo de signalement")
        verbose_name_plural = _("photos de signalement")
        ordering = ["report", "id"]

    def __str__(self):
        return _("Photo %(n)s du signalement %(report)s") % {"n": self.pk, "report": self.report_id}

    def get_absolute_url(self):
        return reverse("mediation:technical_photo", args=[self.report_id, self.pk])
