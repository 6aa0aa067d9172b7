"""Conventions, their amendments and commitments, and what is done together under them."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from mediation.models import Site
from mediation.scoping import Scope, ScopedQuerySet
from partners import dates
from partners.models.organisations import PartnerOrganisation


class ConventionStatus(models.TextChoices):
    DRAFT = dates.Status.DRAFT, _("Projet")
    ACTIVE = dates.Status.ACTIVE, _("En vigueur")
    RENEWED = dates.Status.RENEWED, _("Reconduite")
    TERMINATED = dates.Status.TERMINATED, _("Résiliée")
    EXPIRED = dates.Status.EXPIRED, _("Échue")


# Conventions are read by managers and the direction, whole; nobody else sees them.
CONVENTION_READERS = (Role.MANAGER, Role.DIRECTOR)


class ConventionQuerySet(ScopedQuerySet):
    scope = Scope(team_paths=(), seen_whole_by=CONVENTION_READERS)


class Convention(models.Model):
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("partenaire")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    agency_signatory = models.CharField(_("signataire pour l'agence"), max_length=150, blank=True)
    partner_signatory = models.CharField(_("signataire pour le partenaire"), max_length=150, blank=True)
    signed_on = models.DateField(_("signée le"), null=True, blank=True, help_text=_("Vide tant que c'est un projet."))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), default=12)
    tacit_renewal = models.BooleanField(_("reconduction tacite"), default=True)
    notice_months = models.PositiveSmallIntegerField(
        _("préavis de dénonciation (mois)"), default=2, help_text=_("Dénonciation au moins N mois avant le terme.")
    )
    termination_days = models.PositiveSmallIntegerField(
        _("délai de résiliation (jours)"), default=30, help_text=_("Résiliation N jours après la mise en demeure.")
    )
    non_renewal_notified_on = models.DateField(_("dénonciation notifiée le"), null=True, blank=True)
    formal_notice_on = models.DateField(_("mise en demeure envoyée le"), null=True, blank=True)
    last_review_on = models.DateField(_("dernier bilan annuel le"), null=True, blank=True)
    sites = models.ManyToManyField(
        Site, blank=True, related_name="conventions", verbose_name=_("sites d'intervention communs")
    )
    note = models.TextField(_("observations"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["organisation__name", "-signed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__gte=1),
                name="convention_duration_positive",
                violation_error_message=_("La durée est d'au moins un mois."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("partners:convention_detail", args=[self.pk])

    @property
    def terms(self) -> dates.Terms:
        return dates.Terms(
            signed_on=self.signed_on,
            duration_months=self.duration_months,
            tacit_renewal=self.tacit_renewal,
            notice_months=self.notice_months,
            termination_days=self.termination_days,
            non_renewal_notified_on=self.non_renewal_notified_on,
            formal_notice_on=self.formal_notice_on,
        )

    def status_on(self, day: date) -> str:
        return dates.status(self.terms, day)

    def schedule(self, day: date) -> "ConventionSchedule":
        terms = self.terms
        term = dates.current_term(terms, day)
        status = dates.status(terms, day)
        return ConventionSchedule(
            status=status,
            status_label=ConventionStatus(status).label,
            period_start=term[0] if term else None,
            term=term[1] if term else None,
            notice_deadline=dates.notice_deadline(terms, day),
            termination_effective_on=terms.termination_effective_on(),
            ends_on=terms.ends_on(),
            next_review_on=dates.next_review_on(terms, self.last_review_on, day),
            renewals=terms.period_index(day) if status in (dates.Status.ACTIVE, dates.Status.RENEWED) else None,
        )


@dataclass(frozen=True)
class ConventionSchedule:
    status: str
    status_label: str
    period_start: date | None
    term: date | None
    notice_deadline: date | None
    termination_effective_on: date | None
    ends_on: date | None
    next_review_on: date | None
    renewals: int | None

    @property
    def in_force(self) -> bool:
        return self.status in (dates.Status.ACTIVE, dates.Status.RENEWED)


class Amendment(models.Model):
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("convention")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    signed_on = models.DateField(_("signé le"))
    subject = models.TextField(_("objet"))

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="amendment_unique_number"),
        ]

    def __str__(self):
        return _("Avenant n°%(number)s du %(date)s") % {"number": self.number, "date": f"{self.signed_on:%d/%m/%Y}"}


class CommitmentKind(models.TextChoices):
    PRESENTATION = "presentation", _("Présentation annuelle des équipes")
    IMMERSION_AT_PARTNER = "immersion_at_partner", _("Immersions de médiateurs chez le partenaire")
    IMMERSION_AT_AGENCY = "immersion_at_agency", _("Immersions de professionnels du partenaire sur le terrain")
    MEETING = "meeting", _("Rencontres sur chaque site commun")
    SHARED_ACTION = "shared_action", _("Actions partagées")
    COMMUNICATION = "communication", _("Communication auprès du public")


class Commitment(models.Model):
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("convention")
    )
    kind = models.CharField(_("engagement"), max_length=30, choices=CommitmentKind.choices)
    planned_per_year = models.PositiveSmallIntegerField(_("prévu par an"), default=1)
    per_site = models.BooleanField(
        _("par site commun"), default=False, help_text=_("Le nombre prévu s'entend pour chaque site commun.")
    )
    description = models.CharField(_("précision"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["convention", "kind"]
        constraints = [models.UniqueConstraint(fields=["convention", "kind"], name="commitment_unique_kind")]

    def __str__(self):
        return self.get_kind_display()


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Rencontre")
    IMMERSION = "immersion", _("Immersion")
    PRESENTATION = "presentation", _("Présentation des équipes")
    SHARED_ACTION = "shared_action", _("Action partagée")
    COMMUNICATION = "communication", _("Action de communication")


class ImmersionDirection(models.TextChoices):
    AT_PARTNER = "at_partner", _("Médiateurs accueillis chez le partenaire")
    AT_AGENCY = "at_agency", _("Professionnels du partenaire accueillis sur le terrain")


class PartnerEventQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))


class PartnerEvent(models.Model):
    """Something done together under a convention: a meeting, an immersion, a presentation, a shared action."""

    # The create form's client UUID: a double tap or a retry records the event once.
    uuid = models.UUIDField(_("identifiant de saisie"), null=True, blank=True, unique=True, editable=False)
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="events", verbose_name=_("convention")
    )
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    agency_attendees = models.CharField(_("présents pour l'agence"), max_length=300, blank=True)
    partner_attendees = models.CharField(_("présents pour le partenaire"), max_length=300, blank=True)
    climate_diagnosis = models.TextField(_("diagnostic d'ambiance"), blank=True)
    situations_reviewed = models.PositiveSmallIntegerField(_("situations examinées"), default=0)
    immersion_direction = models.CharField(
        _("sens de l'immersion"), max_length=12, choices=ImmersionDirection.choices, blank=True
    )
    days = models.DecimalField(_("jours"), max_digits=4, decimal_places=1, default=0)
    note = models.TextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PartnerEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("action partenariale")
        verbose_name_plural = _("actions partenariales")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["convention", "date"], name="partner_event_convention_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="immersion") | ~Q(immersion_direction=""),
                name="partner_event_immersion_has_direction",
                violation_error_message=_("Une immersion précise son sens."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def commitment_kind(self) -> str:
        return event_commitment_kind(self.kind, self.immersion_direction)


def event_commitment_kind(kind: str, immersion_direction: str) -> str:
    if kind == EventKind.IMMERSION:
        if immersion_direction == ImmersionDirection.AT_AGENCY:
            return CommitmentKind.IMMERSION_AT_AGENCY
        return CommitmentKind.IMMERSION_AT_PARTNER
    return kind  # the other event kinds share their code with the commitment they count for
