"""Partner organisations and their contacts (a contact may hold a counsellor account)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import Landlord, Site


class OrganisationKind(models.TextChoices):
    MISSION_LOCALE = "mission_locale", _("Mission Locale")
    LANDLORD = "landlord", _("Bailleur")
    SPECIALISED_PREVENTION = "prevention", _("Prévention spécialisée")
    CHILD_PROTECTION = "child_protection", _("Protection de l'enfance (ASE, PMI, CRIP du département)")
    SOCIAL_CENTRE = "social_centre", _("Centre social")
    MJC = "mjc", _("MJC")
    SCHOOL = "school", _("Établissement scolaire")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité")
    CAF = "caf", _("CAF")
    COMPANY = "company", _("Entreprise")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


class PartnershipType(models.TextChoices):
    """The typology of seed 002, derived from the records (`derive_partnership_type`), overridable by the director."""

    INFORMAL = "informal", _("Informel")
    CONVENTION = "convention", _("Conventionné")
    SINGLE_STEERING = "single_steering", _("Pilotage unique")


def derive_partnership_type(*, governing_body: str, convention_in_force: bool) -> str:
    """Seed 002: one governing body over both services -> pilotage unique; else a signed convention in force ->
    conventionné; else informel."""
    if governing_body.strip():
        return PartnershipType.SINGLE_STEERING
    if convention_in_force:
        return PartnershipType.CONVENTION
    return PartnershipType.INFORMAL


@dataclass(frozen=True)
class Partnership:
    """Where the partnership stands: the derived type, the override if any, and the one that counts."""

    derived: str
    override: str
    override_reason: str

    @property
    def type(self) -> str:
        return self.override or self.derived

    @property
    def label(self) -> str:
        return str(PartnershipType(self.type).label)

    @property
    def derived_label(self) -> str:
        return str(PartnershipType(self.derived).label)

    @property
    def is_overridden(self) -> bool:
        return bool(self.override) and self.override != self.derived


class PartnerOrganisation(models.Model):
    name = models.CharField(_("nom"), max_length=150, unique=True)
    kind = models.CharField(_("type de structure"), max_length=20, choices=OrganisationKind.choices)
    governing_body = models.CharField(
        _("instance de pilotage unique"),
        max_length=200,
        blank=True,
        help_text=_(
            "L'entité qui dirige à la fois le service du partenaire et la médiation (service municipal, groupe "
            "associatif…), s'il y en a une. Renseignée, le partenariat est de type « pilotage unique »."
        ),
    )
    partnership_type_override = models.CharField(
        _("type de partenariat imposé"),
        max_length=20,
        choices=PartnershipType.choices,
        blank=True,
        help_text=_("Laisser vide : le type est déduit des conventions et de l'instance de pilotage."),
    )
    partnership_type_override_reason = models.CharField(_("motif du type imposé"), max_length=300, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    landlord = models.OneToOneField(
        Landlord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_organisation",
        verbose_name=_("bailleur correspondant"),
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="partner_organisations", verbose_name=_("sites"))
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("organisation partenaire")
        verbose_name_plural = _("organisations partenaires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partnership_type_override="") | ~Q(partnership_type_override_reason=""),
                name="organisation_override_has_reason",
                violation_error_message=_("Dites pourquoi le type de partenariat est imposé."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", args=[self.pk])

    def partnership_on(self, day: date) -> Partnership:
        """The partnership type on `day`, from the conventions in force (prefetch `conventions` for lists)."""
        in_force = any(convention.schedule(day).in_force for convention in self.conventions.all())
        return Partnership(
            derived=derive_partnership_type(governing_body=self.governing_body, convention_in_force=in_force),
            override=self.partnership_type_override,
            override_reason=self.partnership_type_override_reason,
        )


def active_partner_names() -> list[str]:
    """Names suggested for the partner field of an activity line (registered with `mediation.extensions`)."""
    return list(PartnerOrganisation.objects.filter(is_active=True).values_list("name", flat=True))


class PartnerContact(models.Model):
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("nom"), max_length=150)
    position = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_contact",
        verbose_name=_("compte conseiller"),
        help_text=_("Compte de connexion d'un conseiller partenaire, créé par l'agence."),
    )

    class Meta:
        verbose_name = _("contact partenaire")
        verbose_name_plural = _("contacts partenaires")
        ordering = ["organisation__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"
