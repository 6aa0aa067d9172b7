"""Referrals ("mises en relation") between the agency and its partners."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import Gender, Intervention, Person, ReferralMode, Site, Team, Territory
from mediation.scoping import ScopedQuerySet
from partners.models.organisations import PartnerContact, PartnerOrganisation
from partners.scoping import PartnerScope


class ReferralDirection(models.TextChoices):
    TO_PARTNER = "to_partner", _("De l'agence vers le partenaire")
    TO_AGENCY = "to_agency", _("Du partenaire vers les médiateurs")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    DONE = "done", _("Effectuée")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Prise en charge confirmée")
    NOT_FOLLOWED = "not_followed", _("Sans suite")
    ABANDONED = "abandoned", _("Abandonnée")


OPEN_REFERRAL_STATUSES = (ReferralStatus.PROPOSED, ReferralStatus.DONE)


class RefusalReason(models.TextChoices):
    """Why the receiving side did not follow a referral up (told to the sender by e-mail, with no detail)."""

    UNREACHABLE = "unreachable", _("Personne injoignable")
    NO_SHOW = "no_show", _("Ne s'est pas présentée au rendez-vous")
    DECLINED = "declined", _("La personne ne souhaite pas d'accompagnement")
    ALREADY_FOLLOWED = "already_followed", _("Déjà accompagnée par ailleurs")
    NOT_ELIGIBLE = "not_eligible", _("Hors de nos critères (âge, secteur, mission)")
    MISSING_CONSENT = "missing_consent", _("Consentement manquant ou insuffisant")
    MISSING_INFORMATION = "missing_information", _("Informations insuffisantes pour agir")
    OTHER = "other", _("Autre motif (précisez)")


class ReferralQuerySet(ScopedQuerySet):
    # The director sees every referral, field staff their teams', a counsellor those with their organisation.
    scope = PartnerScope(organisation_path="organisation_id")

    def open(self):
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)

    def overdue_on(self, day: date):
        return self.open().filter(follow_up_on__lt=day)

    def overdue_first(self, day: date):
        """Overdue follow-ups first, then the other open ones by due date, then closed ones, most recent first."""
        rank = models.Case(
            models.When(status__in=OPEN_REFERRAL_STATUSES, follow_up_on__lt=day, then=0),
            models.When(status__in=OPEN_REFERRAL_STATUSES, then=1),
            default=2,
            output_field=models.IntegerField(),
        )
        due = models.Case(
            models.When(status__in=OPEN_REFERRAL_STATUSES, then=models.F("follow_up_on")),
            default=None,
            output_field=models.DateField(),
        )
        return self.alias(overdue_rank=rank, due_on=due).order_by(
            "overdue_rank", models.F("due_on").asc(nulls_last=True), "-date", "-id"
        )


class Referral(models.Model):
    """A "mise en relation" (DOMAIN §4). Partner and counsellor names are kept as they were on the day."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField(_("date"))
    direction = models.CharField(_("sens"), max_length=12, choices=ReferralDirection.choices)
    mode = models.CharField(_("modalité"), max_length=10, choices=ReferralMode.choices)
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partenaire")
    )
    counsellor = models.ForeignKey(
        PartnerContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("conseiller"),
    )
    partner_name = models.CharField(_("nom du partenaire à la date"), max_length=150)
    counsellor_name = models.CharField(_("nom du conseiller à la date"), max_length=150, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("personne")
    )
    beneficiary_gender = models.CharField(
        _("genre du bénéficiaire"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("secteur"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("équipe"))
    reason = models.CharField(
        _("motif"), max_length=300, blank=True, help_text=_("Le strict nécessaire : pas de détail de la situation.")
    )
    person_agreed = models.BooleanField(_("accord de la personne"), default=False)
    counsellor_agreed = models.BooleanField(_("accord du conseiller"), default=False)
    status = models.CharField(
        _("statut"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    status_reason = models.CharField(_("motif du statut"), max_length=300, blank=True)
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True, default=""
    )
    status_changed_at = models.DateTimeField(_("statut changé le"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_on = models.DateField(_("à vérifier le"), null=True, blank=True)
    intervention = models.OneToOneField(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("ligne d'activité"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["team", "status", "follow_up_on"], name="referral_team_status_due"),
            models.Index(fields=["organisation", "status"], name="referral_organisation_status"),
            models.Index(fields=["date"], name="referral_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(mode="simple") & Q(person__isnull=True)) | (~Q(mode="simple") & Q(person__isnull=False)),
                name="referral_person_only_when_not_simple",
                violation_error_message=_(
                    "Une mise en relation simple ne conserve pas de personne ; "
                    "une mise en relation téléphonique ou physique en exige une."
                ),
            ),
            models.CheckConstraint(condition=Q(mode__in=ReferralMode.values), name="referral_mode_valid"),
        ]

    def __str__(self):
        return _("Mise en relation %(mode)s vers %(partner)s du %(date)s") % {
            "mode": self.get_mode_display().lower(),
            "partner": self.partner_name if self.direction == ReferralDirection.TO_PARTNER else _("l'agence"),
            "date": f"{self.date:%d/%m/%Y}",
        }

    def get_absolute_url(self):
        return reverse("partners:referral_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    def is_overdue(self, day: date) -> bool:
        return self.is_open and self.follow_up_on is not None and self.follow_up_on < day
