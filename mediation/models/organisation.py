"""Organisation: territories, sites, landlords and teams."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.scoping import Scope, ScopedQuerySet, TeamScope


class Qpv(models.Model):
    """A quartier prioritaire de la politique de la ville (official code, e.g. QN06938M, and name)."""

    code = models.CharField(_("code officiel"), max_length=12, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    is_demo = models.BooleanField(
        _("donnée de démonstration"),
        default=False,
        help_text=_("Code et nom plausibles mais non officiels, chargés par la démonstration."),
    )

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class TerritoryQuerySet(ScopedQuerySet):
    scope = Scope(team_paths=("teams__id",))

    def for_user(self, user):
        """Territories whose data this user may see: the director all of them, field staff their teams'."""
        return super().for_user(user).distinct()

    def loggable_by(self, user):
        """Territories a user may log activity in: those of their teams (mediators and managers only)."""
        return Scope(team_paths=("teams__id",), seen_whole_by=()).apply(self, user).distinct()


class Territory(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=100, unique=True)
    qpv = models.ForeignKey(
        Qpv,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="territories",
        verbose_name=_("quartier prioritaire"),
        help_text=_("Si tout le secteur est en QPV ; sinon, indiquez le QPV sur chacun de ses sites."),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("secteur d'intervention")
        verbose_name_plural = _("secteurs d'intervention")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class Landlord(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    full_name = models.CharField(_("raison sociale"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail pour la synthèse hebdomadaire"), blank=True)
    synthesis_weekday = models.PositiveSmallIntegerField(
        _("jour d'envoi de la synthèse"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("La synthèse de la semaine écoulée part ce jour-là à l'adresse ci-dessus."),
    )

    class Meta:
        verbose_name = _("bailleur")
        verbose_name_plural = _("bailleurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SiteKind(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", _("Quartier")
    RESIDENCE = "residence", _("Résidence")
    SCHOOL = "school", _("Établissement scolaire")
    PUBLIC_SPACE = "public_space", _("Espace public")


class Site(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="sites", verbose_name=_("secteur"))
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=SiteKind.choices, default=SiteKind.NEIGHBOURHOOD)
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, null=True, blank=True, related_name="sites", verbose_name=_("bailleur")
    )
    is_active = models.BooleanField(_("actif"), default=True)
    qpv = models.ForeignKey(
        Qpv,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("quartier prioritaire"),
        help_text=_("Vide si le site est hors quartier prioritaire."),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["territory__name", "name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="site_unique_name_per_territory")]

    def __str__(self):
        return self.name


class TeamQuerySet(ScopedQuerySet):
    """`for_user`: the director sees every team, a manager the teams they manage, a mediator the teams they work in."""

    scope = TeamScope()


class Team(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    territories = models.ManyToManyField(Territory, related_name="teams", verbose_name=_("secteurs"))
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True, verbose_name=_("managers")
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("médiateurs")
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        ordering = ["name"]

    def __str__(self):
        return self.name
