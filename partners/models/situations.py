"""Shared situations: a person followed by the agency and by a partner organisation, on the person's consent
(DOMAIN §10): referents on both sides, coordination meetings with their next steps, outcomes fed back both ways."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import Person, Team
from mediation.scoping import ScopedQuerySet
from partners.models.journals import Consent
from partners.models.organisations import PartnerContact, PartnerOrganisation
from partners.scoping import PartnerScope


class SituationCloseReason(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consentement retiré")
    ENDED = "ended", _("Coordination terminée")


class SharedSituationQuerySet(ScopedQuerySet):
    # The director sees every situation, field staff their teams', a counsellor those of their organisation only.
    scope = PartnerScope(team_paths=("team_id",), organisation_path="organisation_id")

    def open(self):
        return self.filter(closed_on__isnull=True)

    def active_between(self, start, end):
        """Situations open at some point from `start` to `end` (both included)."""
        return self.filter(opened_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))

    def opened_between(self, start, end):
        return self.filter(opened_on__gte=start, opened_on__lte=end)


class SharedSituation(models.Model):
    """A person known to the agency and to one partner organisation, followed together on a valid consent."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="shared_situations", verbose_name=_("personne")
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="shared_situations", verbose_name=_("partenaire")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="shared_situations", verbose_name=_("équipe")
    )
    agency_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shared_situations",
        verbose_name=_("référent de l'agence"),
    )
    partner_referent = models.ForeignKey(
        PartnerContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shared_situations",
        verbose_name=_("référent du partenaire"),
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="shared_situations", verbose_name=_("consentement")
    )
    categories = models.JSONField(_("informations partagées"), default=list)
    opened_on = models.DateField(_("ouverte le"))
    closed_on = models.DateField(_("clôturée le"), null=True, blank=True)
    close_reason = models.CharField(
        _("motif de clôture"), max_length=20, choices=SituationCloseReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SharedSituationQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation partagée")
        verbose_name_plural = _("situations partagées")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "closed_on"], name="situation_organisation_open"),
            models.Index(fields=["team", "closed_on"], name="situation_team_open"),
            models.Index(fields=["opened_on"], name="situation_opened_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, close_reason="")
                | (Q(closed_on__isnull=False) & ~Q(close_reason="")),
                name="situation_closed_has_reason",
                violation_error_message=_("Une situation clôturée a une date et un motif de clôture."),
            ),
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(closed_on__isnull=True),
                name="situation_one_open_per_person_partner",
                violation_error_message=_("Une situation partagée est déjà ouverte avec ce partenaire."),
            ),
        ]

    def __str__(self):
        return _("Situation partagée avec %(organisation)s depuis le %(date)s") % {
            "organisation": self.organisation,
            "date": f"{self.opened_on:%d/%m/%Y}",
        }

    def get_absolute_url(self):
        return reverse("partners:situation_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CoordinationMeeting(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    situation = models.ForeignKey(
        SharedSituation, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("situation partagée")
    )
    date = models.DateField(_("date"))
    attendees = models.CharField(_("présents"), max_length=300)
    decisions = models.TextField(_("décisions"), blank=True)
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enregistrée par")
    )

    class Meta:
        verbose_name = _("rencontre de coordination")
        verbose_name_plural = _("rencontres de coordination")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["situation", "date"], name="coordination_situation_date")]

    def __str__(self):
        return _("Rencontre de coordination du %(date)s") % {"date": f"{self.date:%d/%m/%Y}"}


class NextStep(models.Model):
    meeting = models.ForeignKey(
        CoordinationMeeting, on_delete=models.PROTECT, related_name="next_steps", verbose_name=_("rencontre")
    )
    action = models.CharField(_("prochaine étape"), max_length=300)
    responsible = models.CharField(_("qui s'en charge"), max_length=150)
    due_on = models.DateField(_("pour le"), null=True, blank=True)

    class Meta:
        verbose_name = _("prochaine étape")
        verbose_name_plural = _("prochaines étapes")
        ordering = ["meeting", "id"]

    def __str__(self):
        return f"{self.responsible} : {self.action}"


class OutcomeKind(models.TextChoices):
    TRAINING = "training", _("Entrée en formation")
    EMPLOYMENT = "employment", _("Emploi")
    ONGOING = "ongoing", _("Accompagnement en cours")
    REFERRED_ELSEWHERE = "elsewhere", _("Orientation ailleurs")
    LOST_CONTACT = "lost_contact", _("Perdu de vue")
    OTHER = "other", _("Autre")


class FeedbackSide(models.TextChoices):
    AGENCY = "agency", _("Agence")
    PARTNER = "partner", _("Partenaire")


class OutcomeFeedbackQuerySet(models.QuerySet):
    def in_period(self, start, end):
        return self.filter(dated_on__gte=start, dated_on__lte=end)


class OutcomeFeedback(models.Model):
    """A dated outcome fed back by one side to the other (seed 002: "un retour sur … les résultats obtenus")."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    situation = models.ForeignKey(
        SharedSituation, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("situation partagée")
    )
    side = models.CharField(_("retour de"), max_length=10, choices=FeedbackSide.choices)
    kind = models.CharField(_("résultat"), max_length=20, choices=OutcomeKind.choices)
    dated_on = models.DateField(_("à la date du"))
    note = models.CharField(_("précision"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enregistré par")
    )

    objects = OutcomeFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("retour sur la situation")
        verbose_name_plural = _("retours sur les situations")
        ordering = ["-dated_on", "-id"]
        indexes = [models.Index(fields=["situation", "dated_on"], name="outcome_situation_date")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OutcomeKind.values), name="outcome_kind_valid"),
            models.CheckConstraint(condition=Q(side__in=FeedbackSide.values), name="outcome_side_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.dated_on:%d/%m/%Y})"
