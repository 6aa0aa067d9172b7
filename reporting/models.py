"""Service projects (parts → enjeux → axes → indicators with yearly targets and manual values) and frozen reports."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reporting.indicators import REGISTRY

# --- Service project ----------------------------------------------------------------------------------------


class ServiceProject(models.Model):
    """A multi-year service project ("projet de service"), e.g. 2017-2019."""

    name = models.CharField(_("intitulé"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("première année"))
    end_year = models.PositiveSmallIntegerField(_("dernière année"))
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("projet de service")
        verbose_name_plural = _("projets de service")
        ordering = ["-start_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "end_year"], name="service_project_unique_years"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="service_project_years_in_order",
                violation_error_message=_("La dernière année ne peut pas précéder la première."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reporting:project_detail", args=[self.pk])

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class NumberedHeading(models.Model):
    """A numbered level of a service project (part, enjeu, axe): "Partie 1. Titre"."""

    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=250)

    heading = _("Niveau")  # overridden: the word before the number

    class Meta:
        abstract = True

    def __str__(self):
        return _("%(heading)s %(number)s. %(title)s") % {
            "heading": self.heading,
            "number": self.number,
            "title": self.title,
        }


class ProjectPart(NumberedHeading):
    project = models.ForeignKey(
        ServiceProject, on_delete=models.CASCADE, related_name="parts", verbose_name=_("projet")
    )

    heading = _("Partie")

    class Meta:
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="project_part_unique_number")]


class ProjectStake(NumberedHeading):
    """An "enjeu" of a part."""

    part = models.ForeignKey(ProjectPart, on_delete=models.CASCADE, related_name="stakes", verbose_name=_("partie"))

    heading = _("Enjeu")

    class Meta:
        verbose_name = _("enjeu")
        verbose_name_plural = _("enjeux")
        ordering = ["part", "number"]
        constraints = [models.UniqueConstraint(fields=["part", "number"], name="project_stake_unique_number")]


class ProjectAxis(NumberedHeading):
    stake = models.ForeignKey(ProjectStake, on_delete=models.CASCADE, related_name="axes", verbose_name=_("enjeu"))

    heading = _("Axe")

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["stake", "number"]
        constraints = [models.UniqueConstraint(fields=["stake", "number"], name="project_axis_unique_number")]


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", _("Calculé à partir des saisies")
    MANUAL = "manual", _("Saisi à la main (enquête, bilan)")


class IndicatorUnit(models.TextChoices):
    NUMBER = "number", _("Nombre")
    PERCENT = "percent", _("Taux (%)")
    HOURS = "hours", _("Heures")


class ProjectIndicator(models.Model):
    """A result indicator of an axis: computed from a registry code, or entered by hand each year."""

    axis = models.ForeignKey(ProjectAxis, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("axe"))
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    label = models.CharField(_("indicateur"), max_length=250)
    source = models.CharField(_("source"), max_length=10, choices=IndicatorSource.choices)
    registry_code = models.CharField(
        _("indicateur calculé"),
        max_length=80,
        blank=True,
        help_text=_("Code du registre des indicateurs (pour un indicateur calculé)."),
    )
    unit = models.CharField(_("unité"), max_length=10, choices=IndicatorUnit.choices, default=IndicatorUnit.NUMBER)

    class Meta:
        verbose_name = _("indicateur de résultat")
        verbose_name_plural = _("indicateurs de résultat")
        ordering = ["axis", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="computed") & ~Q(registry_code="")) | (Q(source="manual") & Q(registry_code="")),
                name="project_indicator_source_matches_code",
                violation_error_message=_(
                    "Un indicateur calculé cite un code du registre ; un indicateur saisi n'en cite pas."
                ),
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.source == IndicatorSource.COMPUTED:
            if not self.registry_code:
                raise ValidationError({"registry_code": _("Choisissez l'indicateur du registre à calculer.")})
            if self.registry_code not in REGISTRY:
                raise ValidationError({"registry_code": _("Code inconnu du registre des indicateurs.")})
        elif self.registry_code:
            raise ValidationError({"registry_code": _("Un indicateur saisi à la main n'a pas de code de registre.")})

    @property
    def is_computed(self) -> bool:
        return self.source == IndicatorSource.COMPUTED


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        ProjectIndicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicateur")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.DecimalField(_("objectif"), max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("objectif annuel")
        verbose_name_plural = _("objectifs annuels")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_target_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.year} : {self.value}"


class IndicatorValue(models.Model):
    """A value entered by hand for a manual indicator and a year (e.g. a survey rate)."""

    indicator = models.ForeignKey(
        ProjectIndicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicateur")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source ou commentaire"), max_length=250, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("valeur saisie")
        verbose_name_plural = _("valeurs saisies")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_value_unique_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.year} : {self.value}"


# --- Frozen reports -----------------------------------------------------------------------------------------


class FrozenReport(models.Model):
    """The annual evaluation of a year as the director signed it: figures and PDF kept unchanged."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    figures = models.JSONField(_("chiffres"))
    pdf = models.BinaryField(_("PDF"))
    note = models.TextField(_("commentaire"), blank=True)
    frozen_at = models.DateTimeField(_("figé le"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("figé par")
    )

    class Meta:
        verbose_name = _("bilan annuel figé")
        verbose_name_plural = _("bilans annuels figés")
        ordering = ["-year"]

    def __str__(self):
        return _("Bilan %(year)s figé") % {"year": self.year}

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("allow_update", False):
            raise ValidationError(_("Un bilan figé ne se modifie pas."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reporting:frozen_detail", args=[self.year])


# --- Texts the director types into reports ------------------------------------------------------------------


class FunderReportNote(models.Model):
    """The highlights ("faits marquants") the director writes into a funder's report for one year."""

    funder = models.ForeignKey(
        "partners.Funder", on_delete=models.CASCADE, related_name="report_notes", verbose_name=_("financeur")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    highlights = models.TextField(_("faits marquants"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("faits marquants d'un rapport financeur")
        verbose_name_plural = _("faits marquants des rapports financeurs")
        ordering = ["funder", "-year"]
        constraints = [models.UniqueConstraint(fields=["funder", "year"], name="funder_report_note_unique_year")]

    def __str__(self):
        return f"{self.funder} · {self.year}"


class ConventionReviewNote(models.Model):
    """The director's comments and perspectives on one convention year; editable until frozen."""

    convention = models.ForeignKey(
        "partners.Convention", on_delete=models.CASCADE, related_name="review_notes", verbose_name=_("convention")
    )
    period_start = models.DateField(_("début de l'année de convention"))
    comments = models.TextField(_("commentaires de la direction"), blank=True)
    perspectives = models.TextField(_("perspectives"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("figé le"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("commentaires d'un bilan de convention")
        verbose_name_plural = _("commentaires des bilans de convention")
        ordering = ["convention", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "period_start"], name="convention_review_note_unique")
        ]

    def __str__(self):
        return f"{self.convention} · {self.period_start:%d/%m/%Y}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None
