"""Interventions: the lines of logged field activity."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models.activity import ActivityType, ReferralMode
from mediation.models.casework import ConflictCase
from mediation.models.organisation import Landlord, Site, Team, Territory
from mediation.models.persons import Person
from mediation.scoping import ScopedQuerySet


class InterventionSource(models.TextChoices):
    ENTRY = "entry", _("Saisie rapide")
    TALLY = "tally", _("Tournée")
    IMPORT = "import", _("Import")
    CONFLICT = "conflict", _("Situation de conflit")
    REFERRAL = "referral", _("Mise en relation")
    TECHNICAL = "technical", _("Veille technique")
    DEMO = "demo", _("Démonstration")


class InterventionQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        """Lines dated from `start` to `end`, both included."""
        return self.filter(date__gte=start, date__lte=end)


class Intervention(models.Model):
    """One line of logged activity: a number of acts of one type, on one day, in one territory."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(_("identifiant externe"), max_length=100, null=True, blank=True, unique=True)
    date = models.DateField(_("date"))
    # The foreign keys leading a composite index below (territory, team, author) need no index of their own.
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("secteur"),
        db_index=False,
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions", verbose_name=_("site")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("médiateur"),
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("équipe"),
        db_index=False,
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("activité")
    )
    mode = models.CharField(_("modalité"), max_length=10, choices=ReferralMode.choices, blank=True)
    count = models.PositiveIntegerField(_("nombre d'actes"), default=1)
    women = models.PositiveIntegerField(_("femmes"), default=0)
    men = models.PositiveIntegerField(_("hommes"), default=0)
    unknown = models.PositiveIntegerField(_("non précisé"), default=0)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    theme = models.CharField(_("thème"), max_length=100, blank=True)
    partner_name = models.CharField(_("partenaire"), max_length=150, blank=True)
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("bailleur")
    )
    conflict_case = models.ForeignKey(
        ConflictCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("situation de conflit"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("personne"),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("origine"), max_length=10, choices=InterventionSource.choices, default=InterventionSource.ENTRY
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="intervention_count_at_least_one",
                violation_error_message=_("Le nombre d'actes est au moins 1."),
            ),
            models.CheckConstraint(
                condition=Q(mode="") | Q(mode__in=ReferralMode.values),
                name="intervention_mode_valid",
                violation_error_message=_("Modalité inconnue."),
            ),
        ]
        indexes = [
            models.Index(fields=["date", "activity_type"], name="intervention_date_activity"),
            models.Index(fields=["territory", "date"], name="intervention_territory_date"),
            models.Index(fields=["team", "date"], name="intervention_team_date"),
            models.Index(fields=["author", "date"], name="intervention_author_date"),
            # The entry page and each tally tap read the author's last line (where they were last).
            models.Index(fields=["author", "-created_at"], name="intervention_author_created"),
            # The import refuses an external id stored under another case: looked up by its lower case.
            models.Index(Lower("external_id"), name="intervention_external_id_lower"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.activity_type} × {self.count}"

    def get_absolute_url(self):
        return reverse("mediation:intervention_edit", args=[self.pk])

    @property
    def beneficiaries(self) -> int:
        return self.women + self.men + self.unknown
