"""Indicators as data; service projects (parts → enjeux → axes → indicators with yearly targets and manual values)
and frozen reports."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import ActivityType, AgeBand, FollowUpKind, ReferralMode
from reporting.indicators import MEASURES, REGISTRY, SECTIONS, registry

# --- Indicators as data -------------------------------------------------------------------------------------


class IndicatorSourceKind(models.TextChoices):
    INTERVENTIONS = "interventions", _("Lignes d'activité (actes saisis)")
    FOLLOWUPS = "followups", _("Personnes suivies")
    PARTNERS = "partners", _("Conventions et actions partenariales")
    REGISTERS = "registers", _("Registres (projets, diagnostics, instances, formation)")


class IndicatorMeasure(models.TextChoices):
    COUNT = "count", _("Nombre d'actes")
    BENEFICIARIES = "beneficiaries", _("Personnes (femmes + hommes + non précisé)")
    WOMEN = "women", _("Femmes")
    MEN = "men", _("Hommes")
    UNKNOWN = "unknown", _("Personnes non précisées")
    HOURS = "hours", _("Heures")


class QpvFilter(models.TextChoices):
    IN = "in", _("En QPV seulement")
    OUT = "out", _("Hors QPV seulement")


assert set(IndicatorMeasure.values) == set(MEASURES)


def indicator_code_validator(value: str) -> None:
    if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)*", value or ""):
        raise ValidationError(
            _("Le code s'écrit en minuscules sans accent, chiffres et _ , en parties séparées par des points.")
        )


class IndicatorDefinition(models.Model):
    """An indicator as data: what to count on which records. The built-in ones come from a data migration
    (`reporting.indicators.builtin`); an administrator adds others here without a release."""

    code = models.CharField(
        _("code"),
        max_length=80,
        unique=True,
        validators=[indicator_code_validator],
        help_text=_("Identifiant stable, repris dans l'export CSV : par exemple « local.cafes_16_25 »."),
    )
    label = models.CharField(_("libellé"), max_length=250)
    section = models.CharField(
        _("rubrique"), max_length=20, choices=[(section.code, section.label) for section in SECTIONS]
    )
    order = models.PositiveSmallIntegerField(_("ordre dans la rubrique"), default=1000)
    source = models.CharField(
        _("ce qui est compté"),
        max_length=15,
        choices=IndicatorSourceKind.choices,
        default=IndicatorSourceKind.INTERVENTIONS,
    )
    activity_types = models.ManyToManyField(
        ActivityType, blank=True, related_name="+", verbose_name=_("types d'activité")
    )
    measure = models.CharField(
        _("mesure"), max_length=15, choices=IndicatorMeasure.choices, default=IndicatorMeasure.COUNT
    )
    mode = models.CharField(_("filtre : modalité"), max_length=10, choices=ReferralMode.choices, blank=True)
    age_band = models.CharField(_("filtre : tranche d'âge"), max_length=10, choices=AgeBand.choices, blank=True)
    qpv = models.CharField(_("filtre : QPV"), max_length=3, choices=QpvFilter.choices, blank=True)
    followup_kind = models.CharField(_("type de suivi"), max_length=20, choices=FollowUpKind.choices, blank=True)
    records = models.CharField(
        _("compteurs"),
        max_length=200,
        blank=True,
        help_text=_("Pour les conventions et les registres : compteurs séparés par des virgules."),
    )
    in_evaluation = models.BooleanField(
        _("dans les tableaux d'évaluation"),
        default=True,
        help_text=_("Affiché sur la page Évaluation, dans son PDF, son tableur et son CSV."),
    )
    unit = models.CharField(_("unité"), max_length=5, blank=True, help_text=_("« h », « % » ou rien."))
    definition = models.TextField(_("définition"), blank=True, help_text=_("Vide : décrite d'après les réglages."))
    is_active = models.BooleanField(_("actif"), default=True)
    is_builtin = models.BooleanField(_("fourni avec l'application"), default=False, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("définition d'indicateur")
        verbose_name_plural = _("définitions d'indicateurs")
        ordering = ["section", "order", "code"]

    def __str__(self):
        return f"{self.code} — {self.label}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        registry.forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        registry.forget()
        return result

    def clean(self):
        errors = {}
        if self.source == IndicatorSourceKind.FOLLOWUPS and not self.followup_kind:
            errors["followup_kind"] = _("Choisissez le type de suivi à compter.")
        if self.source != IndicatorSourceKind.FOLLOWUPS and self.followup_kind:
            errors["followup_kind"] = _("Un type de suivi ne sert que pour les personnes suivies.")
        if self.source in (IndicatorSourceKind.PARTNERS, IndicatorSourceKind.REGISTERS):
            from reporting.indicators.registers import unknown_records

            records = [code.strip() for code in self.records.split(",") if code.strip()]
            if not records:
                errors["records"] = _("Indiquez au moins un compteur.")
            else:
                unknown = unknown_records(self.source, records)
                if unknown:
                    errors["records"] = _("Compteur inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}
            if self.in_evaluation:
                errors["in_evaluation"] = _(
                    "Les tableaux d'évaluation se ventilent par secteur : ces compteurs ne s'y affichent pas."
                )
        elif self.records:
            errors["records"] = _("Les compteurs ne servent que pour les conventions et les registres.")
        if self.source != IndicatorSourceKind.INTERVENTIONS and (self.mode or self.age_band or self.qpv):
            errors["mode"] = _("Les filtres ne s'appliquent qu'aux lignes d'activité.")
        if self.qpv:
            from mediation.models import Intervention

            if not hasattr(Intervention.objects.none(), "in_qpv"):
                errors["qpv"] = _("Les quartiers prioritaires ne sont pas encore enregistrés dans l'application.")
        if errors:
            raise ValidationError(errors)


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


@receiver(m2m_changed, sender=IndicatorDefinition.activity_types.through)
def _forget_registry_on_activity_change(**kwargs):
    registry.forget()
