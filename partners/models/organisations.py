"""Partner organisations and their contacts (a contact may hold a counsellor account)."""

from django.conf import settings
from django.db import models
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
    INFORMAL = "informal", _("Informel")
    CONVENTION = "convention", _("Conventionné")
    SINGLE_STEERING = "single_steering", _("Pilotage unique")


class PartnerOrganisation(models.Model):
    name = models.CharField(_("nom"), max_length=150, unique=True)
    kind = models.CharField(_("type de structure"), max_length=20, choices=OrganisationKind.choices)
    partnership_type = models.CharField(
        _("type de partenariat"), max_length=20, choices=PartnershipType.choices, default=PartnershipType.INFORMAL
    )
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

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", args=[self.pk])


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
