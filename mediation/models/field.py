"""What makes field entry quick: each mediator's chosen activities, the tally's taps, the team's validated days."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mediation.models.activity import ActivityType
from mediation.models.interventions import Intervention
from mediation.models.organisation import Team
from mediation.scoping import ScopedQuerySet

MAX_TALLY_ACTIVITIES = 12


class ActivityPreference(models.Model):
    """A mediator's own choice about one activity: pinned first on the quick entry, and/or one of their tally's
    buttons (among the types the administrator allows in the tally, 12 at most)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_preferences",
        verbose_name=_("médiateur"),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.CASCADE, related_name="+", verbose_name=_("type d'activité")
    )
    pinned = models.BooleanField(_("favori (saisie rapide)"), default=False)
    in_tally = models.BooleanField(_("dans ma tournée"), default=False)

    class Meta:
        verbose_name = _("activité préférée")
        verbose_name_plural = _("activités préférées")
        constraints = [
            models.UniqueConstraint(fields=["user", "activity_type"], name="activity_preference_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} · {self.activity_type}"


class TallyTap(models.Model):
    """One +1 of the tally, kept as a receipt: the taps of a day add up on ONE line per activity and place (its
    `count`), while each tap keeps its client UUID, so a replay is recognised and an undo takes back exactly it."""

    uuid = models.UUIDField(_("identifiant de saisie"), unique=True, editable=False)
    line = models.ForeignKey(
        Intervention,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tally_taps",
        verbose_name=_("ligne"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    date = models.DateField(_("date"))
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type d'activité")
    )
    count = models.PositiveSmallIntegerField(_("nombre d'actes"), default=1)
    women = models.PositiveSmallIntegerField(_("femmes"), default=0)
    men = models.PositiveSmallIntegerField(_("hommes"), default=0)
    unknown = models.PositiveSmallIntegerField(_("non précisé"), default=0)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    undone_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("geste de tournée")
        verbose_name_plural = _("gestes de tournée")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "date"], name="tally_tap_author_date")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.activity_type} +{self.count}"


class DailyReportQuerySet(ScopedQuerySet):
    pass


class DailyReport(models.Model):
    """A team's day: its "faits marquants" (free text) and, once the manager has validated it, the day's lines are
    locked for mediators (`mediation.rules.validated_day_errors`)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="daily_reports", verbose_name=_("équipe"))
    date = models.DateField(_("jour"))
    highlights = models.TextField(_("faits marquants"), blank=True, max_length=5000)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validé par"),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte rendu du jour")
        verbose_name_plural = _("comptes rendus du jour")
        ordering = ["-date", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="daily_report_once_per_team_day"),
            models.CheckConstraint(
                condition=Q(validated_at__isnull=True) | Q(validated_by__isnull=False),
                name="daily_report_validated_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.team} · {self.date:%d/%m/%Y}"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None
