"""Interventions: the lines of logged field activity."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models.activity import ActivityType, ReferralMode
from mediation.models.casework import ConflictCase
from mediation.models.organisation import Landlord, Site, Team, Territory
from mediation.models.persons import AgeBand, Person
from mediation.scoping import ScopedQuerySet


class InterventionSource(models.TextChoices):
    ENTRY = "entry", _("Saisie rapide")
    TALLY = "tally", _("Tournée")
    IMPORT = "import", _("Import")
    CONFLICT = "conflict", _("Situation de conflit")
    REFERRAL = "referral", _("Mise en relation")
    TECHNICAL = "technical", _("Veille technique")
    DEMO = "demo", _("Démonstration")


# The one definition of "in a QPV" for an intervention line (see `InterventionQuerySet.in_qpv`).
QPV_LOOKUP = Q(site__qpv__isnull=False) | Q(site__isnull=True, territory__qpv__isnull=False)


def qpv_of_line():
    """The QPV id of a line as an expression (site's QPV, or the territory's when the line has no site)."""
    return Case(When(site__isnull=False, then=F("site__qpv_id")), default=F("territory__qpv_id"))


class InterventionQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        """Lines dated from `start` to `end`, both included."""
        return self.filter(date__gte=start, date__lte=end)

    def usage_by_activity(self, *, author, since) -> dict[int, int]:
        """How many lines `author` recorded per activity type since `since` (what they log most, for their quick
        entry and their tally): {activity type id: lines}. One query, on the (author, date) index."""
        rows = (
            self.filter(author=author, date__gte=since)
            .order_by()
            .values("activity_type_id")
            .annotate(n=models.Count("id"))
            .values_list("activity_type_id", "n")
        )
        return dict(rows)

    def in_qpv(self, in_qpv: bool = True):
        """Lines in a quartier prioritaire (`in_qpv=False`: outside). A line's QPV is its site's; a line without a
        site takes its territory's (set only when the whole territory is a QPV)."""
        return self.filter(QPV_LOOKUP) if in_qpv else self.exclude(QPV_LOOKUP)


class Intervention(models.Model):
    """One line of logged activity: a number of acts of one type, on one day, in one territory."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    # Unique through a constraint (below), not `unique=True`: PostgreSQL would get a second, LIKE-pattern index too.
    external_id = models.CharField(_("identifiant externe"), max_length=100, null=True, blank=True)  # noqa: DJ001 - many lines have none
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
    # Lines are read by date, place or person, never by activity alone (reports read the roll-ups): no index of its
    # own, nor for the landlord and the created_by / updated_by users below (each costs every insert).
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("activité"),
        db_index=False,
    )
    mode = models.CharField(_("modalité"), max_length=10, choices=ReferralMode.choices, blank=True)
    count = models.PositiveIntegerField(_("nombre d'actes"), default=1)
    women = models.PositiveIntegerField(_("femmes"), default=0)
    men = models.PositiveIntegerField(_("hommes"), default=0)
    unknown = models.PositiveIntegerField(_("non précisé"), default=0)
    age_band = models.CharField(
        _("tranche d'âge"),
        max_length=10,
        choices=AgeBand.choices,
        blank=True,
        help_text=_(
            "Facultatif : la tranche d'âge du public rencontré (par exemple 16-25 ans), sans nommer personne."
        ),
    )
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    theme = models.CharField(_("thème"), max_length=100, blank=True)
    partner_name = models.CharField(_("partenaire"), max_length=150, blank=True)
    landlord = models.ForeignKey(
        Landlord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bailleur"),
        db_index=False,
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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], name="intervention_external_id_unique"),
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
