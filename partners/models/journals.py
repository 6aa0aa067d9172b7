"""Consents, their withdrawals and information shares: append-only journals."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from altm.models import AppendOnlyModel, AppendOnlyQuerySet
from mediation.models import Person, Team
from mediation.scoping import Scope, ScopedQuerySet
from partners.models.organisations import PartnerOrganisation
from partners.models.referrals import Referral
from partners.scoping import PartnerScope


class InformationCategory(models.TextChoices):
    IDENTITY = "identity", _("Identité et coordonnées")
    REFERRAL_REASON = "referral_reason", _("Motif de l'orientation")
    EMPLOYMENT = "employment", _("Formation, insertion, emploi")
    HOUSING = "housing", _("Logement")
    FAMILY = "family", _("Situation familiale et sociale")
    RESOURCES = "resources", _("Ressources et droits")
    HEALTH = "health", _("Santé")
    SCHOOLING = "schooling", _("Scolarité")


# What a telephone or physical referral tells the partner about the person.
REFERRAL_CATEGORIES = [InformationCategory.IDENTITY, InformationCategory.REFERRAL_REASON]


class SharingPurpose(models.TextChoices):
    REFERRAL = "referral", _("Mise en relation avec le partenaire")
    SOCIAL_SUPPORT = "social_support", _("Accompagnement social coordonné")
    EMPLOYMENT = "employment", _("Insertion sociale et professionnelle")
    HOUSING = "housing", _("Accès ou maintien dans le logement")
    ADMINISTRATIVE = "administrative", _("Démarches administratives pour le compte de la personne")
    CHILD_PROTECTION = "child_protection", _("Protection de l'enfance")


class ConsentForm(models.TextChoices):
    ORAL = "oral", _("Accord oral")
    WRITTEN = "written", _("Mandat écrit signé")


class ConsentState(models.TextChoices):
    """Where a consent stands on a given day (`Consent.state_on`): only a valid one allows a transmission."""

    NOT_YET = "not_yet", _("Pas encore valable")
    VALID = "valid", _("Valable")
    EXPIRED = "expired", _("Expiré")
    WITHDRAWN = "withdrawn", _("Retiré")


class ConsentQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    # The director sees every consent, field staff those of their teams' persons; counsellors none.
    scope = Scope(team_paths=("person__team_id",))


class Consent(AppendOnlyModel):
    """A person's agreement that information about them goes to one organisation or for one purpose."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("personne"))
    recipient_organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("destinataire"),
    )
    purpose = models.CharField(_("finalité"), max_length=20, choices=SharingPurpose.choices, blank=True)
    categories = models.JSONField(_("informations concernées"), default=list)
    form = models.CharField(_("forme"), max_length=10, choices=ConsentForm.choices)
    given_on = models.DateField(_("donné le"))
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enregistré par")
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "given_on"], name="consent_person_given")]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organisation__isnull=False) | ~Q(purpose=""),
                name="consent_has_recipient_or_purpose",
                violation_error_message=_("Indiquez le destinataire ou la finalité du consentement."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
                violation_error_message=_("La fin de validité ne peut pas précéder la date de l'accord."),
            ),
        ]

    def __str__(self):
        return _("Consentement du %(date)s") % {"date": f"{self.given_on:%d/%m/%Y}"}

    def get_absolute_url(self):
        return reverse("partners:consent_mandate", args=[self.pk])

    @property
    def recipient_label(self) -> str:
        parts = []
        if self.recipient_organisation_id:
            parts.append(str(self.recipient_organisation))
        if self.purpose:
            parts.append(str(self.get_purpose_display()))
        return " · ".join(parts)

    def category_labels(self) -> list[str]:
        return category_labels(self.categories)

    @property
    def withdrawal_or_none(self):
        try:
            return self.withdrawal
        except ConsentWithdrawal.DoesNotExist:
            return None

    def state_on(self, day: date) -> ConsentState:
        withdrawal = self.withdrawal_or_none
        if withdrawal is not None and withdrawal.withdrawn_on <= day:
            return ConsentState.WITHDRAWN
        if day < self.given_on:
            return ConsentState.NOT_YET
        if self.expires_on is not None and day > self.expires_on:
            return ConsentState.EXPIRED
        return ConsentState.VALID


class ConsentWithdrawal(AppendOnlyModel):
    """The withdrawal of a consent: a new row, never an update of the consent. Takes effect the day it is made."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    consent = models.OneToOneField(
        Consent, on_delete=models.PROTECT, related_name="withdrawal", verbose_name=_("consentement")
    )
    withdrawn_on = models.DateField(_("retiré le"))
    note = models.CharField(_("précision"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enregistré par")
    )

    class Meta:
        verbose_name = _("retrait de consentement")
        verbose_name_plural = _("retraits de consentement")
        ordering = ["-withdrawn_on", "-id"]

    def __str__(self):
        return _("Retrait du %(date)s") % {"date": f"{self.withdrawn_on:%d/%m/%Y}"}


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consentement de la personne")
    CASF_L121_6_2 = "casf_l121_6_2", _("CASF art. L121-6-2 (professionnels autour d'une même personne, coordonnateur)")
    CASF_L226_2_2 = "casf_l226_2_2", _("CASF art. L226-2-2 (protection de l'enfance, mineur)")


class InformationShareQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    # Field staff see the shares their team made and those about their teams' persons; a counsellor those sent to
    # their organisation; the director all.
    scope = PartnerScope(team_paths=("team_id", "person__team_id"), organisation_path="to_organisation_id")


class InformationShare(AppendOnlyModel):
    """One transmission of information about a person to a partner, with its legal basis."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="information_shares", verbose_name=_("personne")
    )
    sender_name = models.CharField(_("de"), max_length=150)
    to_organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="information_shares", verbose_name=_("à")
    )
    recipient_name = models.CharField(_("nom du destinataire à la date"), max_length=300)
    categories = models.JSONField(_("informations partagées"), default=list)
    purpose = models.CharField(_("finalité"), max_length=20, choices=SharingPurpose.choices)
    legal_basis = models.CharField(_("base légale"), max_length=20, choices=LegalBasis.choices)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information_shares",
        verbose_name=_("consentement"),
    )
    coordinator_name = models.CharField(_("coordonnateur désigné par le maire"), max_length=150, blank=True)
    parents_informed = models.BooleanField(_("parents informés"), null=True, blank=True)
    parents_not_informed_reason = models.CharField(
        _("motif de non-information des parents"), max_length=300, blank=True
    )
    justification = models.TextField(_("pourquoi ce partage est nécessaire"))
    referral = models.OneToOneField(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information_share",
        verbose_name=_("mise en relation"),
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe"))
    shared_on = models.DateField(_("partagé le"))
    shared_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )

    objects = InformationShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("partage d'informations")
        verbose_name_plural = _("partages d'informations")
        ordering = ["-shared_on", "-id"]
        indexes = [
            models.Index(fields=["person", "shared_on"], name="share_person_date"),
            models.Index(fields=["to_organisation", "shared_on"], name="share_organisation_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | Q(consent__isnull=False),
                name="share_consent_basis_names_consent",
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="casf_l121_6_2") | ~Q(coordinator_name=""),
                name="share_l121_names_coordinator",
            ),
        ]

    def __str__(self):
        return _("Partage du %(date)s vers %(to)s") % {"date": f"{self.shared_on:%d/%m/%Y}", "to": self.recipient_name}

    def get_absolute_url(self):
        return reverse("partners:share_detail", args=[self.pk])

    def category_labels(self) -> list[str]:
        return category_labels(self.categories)


def category_labels(codes) -> list[str]:
    labels = dict(InformationCategory.choices)
    return [str(labels.get(code, code)) for code in codes]
