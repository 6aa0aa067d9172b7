"""Activity types (reference data) and the choices shared by activity lines."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityFamily(models.TextChoices):
    CONFLICT = "conflict", _("Gestion de conflits")
    PARTNERSHIP = "partnership", _("Développement partenarial")
    ASSISTANCE = "assistance", _("Assistance")
    TECHNICAL_WATCH = "technical_watch", _("Veille technique")
    PRESENCE = "presence", _("Présence et veille")


class ActivityTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ActivityType(models.Model):
    """Reference data: a kind of act a mediator logs. Reports use the stable `code`."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=150)
    family = models.CharField(_("famille"), max_length=20, choices=ActivityFamily.choices)
    order = models.PositiveSmallIntegerField(_("ordre"), default=100)
    is_active = models.BooleanField(_("actif"), default=True)
    in_tally = models.BooleanField(
        _("dans la tournée"), default=False, help_text=_("Acte fréquent et anonyme, compté en mode tournée.")
    )
    uses_mode = models.BooleanField(_("modalité (simple, téléphonique, physique)"), default=False)
    uses_partner = models.BooleanField(_("partenaire"), default=False)
    uses_landlord = models.BooleanField(_("bailleur"), default=False)
    uses_conflict_case = models.BooleanField(_("situation de conflit"), default=False)
    uses_person = models.BooleanField(_("personne suivie"), default=False)
    uses_duration = models.BooleanField(_("durée"), default=False)
    uses_theme = models.BooleanField(_("thème"), default=False)

    objects = ActivityTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("type d'activité")
        verbose_name_plural = _("types d'activité")
        ordering = ["family", "order", "label"]

    def __str__(self):
        return self.label


class ReferralMode(models.TextChoices):
    SIMPLE = "simple", _("Simple (coordonnées, information)")
    TELEPHONE = "telephone", _("Téléphonique")
    PHYSICAL = "physical", _("Physique (accompagnement)")


class Gender(models.TextChoices):
    WOMAN = "F", _("Femme")
    MAN = "M", _("Homme")
    UNKNOWN = "U", _("Non précisé")
