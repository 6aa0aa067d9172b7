"""Partner organisations, conventions and their commitments, referrals, consents and information shares."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import Gender, Intervention, Landlord, Person, ReferralMode, Site, Team, Territory
from partners import dates


class OrganisationKind(models.TextChoices):
    MISSION_LOCALE = "mission_locale", _("Mission Locale")
    LANDLORD = "landlord", _("Bailleur")
    SPECIALISED_PREVENTION = "prevention", _("Prévention spécialisée")
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


# --- Conventions --------------------------------------------------------------------------------------------


class ConventionStatus(models.TextChoices):
    DRAFT = dates.Status.DRAFT, _("Projet")
    ACTIVE = dates.Status.ACTIVE, _("En vigueur")
    RENEWED = dates.Status.RENEWED, _("Reconduite")
    TERMINATED = dates.Status.TERMINATED, _("Résiliée")
    EXPIRED = dates.Status.EXPIRED, _("Échue")


class ConventionQuerySet(models.QuerySet):
    def for_user(self, user):
        from partners import perms

        return perms.visible_conventions(user, self)


class Convention(models.Model):
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("partenaire")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    agency_signatory = models.CharField(_("signataire pour l'agence"), max_length=150, blank=True)
    partner_signatory = models.CharField(_("signataire pour le partenaire"), max_length=150, blank=True)
    signed_on = models.DateField(_("signée le"), null=True, blank=True, help_text=_("Vide tant que c'est un projet."))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), default=12)
    tacit_renewal = models.BooleanField(_("reconduction tacite"), default=True)
    notice_months = models.PositiveSmallIntegerField(
        _("préavis de dénonciation (mois)"), default=2, help_text=_("Dénonciation au moins N mois avant le terme.")
    )
    termination_days = models.PositiveSmallIntegerField(
        _("délai de résiliation (jours)"), default=30, help_text=_("Résiliation N jours après la mise en demeure.")
    )
    non_renewal_notified_on = models.DateField(_("dénonciation notifiée le"), null=True, blank=True)
    formal_notice_on = models.DateField(_("mise en demeure envoyée le"), null=True, blank=True)
    last_review_on = models.DateField(_("dernier bilan annuel le"), null=True, blank=True)
    sites = models.ManyToManyField(
        Site, blank=True, related_name="conventions", verbose_name=_("sites d'intervention communs")
    )
    note = models.TextField(_("observations"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["organisation__name", "-signed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__gte=1),
                name="convention_duration_positive",
                violation_error_message=_("La durée est d'au moins un mois."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("partners:convention_detail", args=[self.pk])

    @property
    def terms(self) -> dates.Terms:
        return dates.Terms(
            signed_on=self.signed_on,
            duration_months=self.duration_months,
            tacit_renewal=self.tacit_renewal,
            notice_months=self.notice_months,
            termination_days=self.termination_days,
            non_renewal_notified_on=self.non_renewal_notified_on,
            formal_notice_on=self.formal_notice_on,
        )

    def status_on(self, day: date) -> str:
        return dates.status(self.terms, day)

    def schedule(self, day: date) -> "ConventionSchedule":
        terms = self.terms
        term = dates.current_term(terms, day)
        status = dates.status(terms, day)
        return ConventionSchedule(
            status=status,
            status_label=ConventionStatus(status).label,
            period_start=term[0] if term else None,
            term=term[1] if term else None,
            notice_deadline=dates.notice_deadline(terms, day),
            termination_effective_on=terms.termination_effective_on(),
            ends_on=terms.ends_on(),
            next_review_on=dates.next_review_on(terms, self.last_review_on, day),
            renewals=terms.period_index(day) if status in (dates.Status.ACTIVE, dates.Status.RENEWED) else None,
        )


@dataclass(frozen=True)
class ConventionSchedule:
    status: str
    status_label: str
    period_start: date | None
    term: date | None
    notice_deadline: date | None
    termination_effective_on: date | None
    ends_on: date | None
    next_review_on: date | None
    renewals: int | None

    @property
    def in_force(self) -> bool:
        return self.status in (dates.Status.ACTIVE, dates.Status.RENEWED)


class Amendment(models.Model):
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("convention")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    signed_on = models.DateField(_("signé le"))
    subject = models.TextField(_("objet"))

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="amendment_unique_number"),
        ]

    def __str__(self):
        return _("Avenant n°%(number)s du %(date)s") % {"number": self.number, "date": f"{self.signed_on:%d/%m/%Y}"}


class CommitmentKind(models.TextChoices):
    PRESENTATION = "presentation", _("Présentation annuelle des équipes")
    IMMERSION_AT_PARTNER = "immersion_at_partner", _("Immersions de médiateurs chez le partenaire")
    IMMERSION_AT_AGENCY = "immersion_at_agency", _("Immersions de professionnels du partenaire sur le terrain")
    MEETING = "meeting", _("Rencontres sur chaque site commun")
    SHARED_ACTION = "shared_action", _("Actions partagées")
    COMMUNICATION = "communication", _("Communication auprès du public")


class Commitment(models.Model):
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("convention")
    )
    kind = models.CharField(_("engagement"), max_length=30, choices=CommitmentKind.choices)
    planned_per_year = models.PositiveSmallIntegerField(_("prévu par an"), default=1)
    per_site = models.BooleanField(
        _("par site commun"), default=False, help_text=_("Le nombre prévu s'entend pour chaque site commun.")
    )
    description = models.CharField(_("précision"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["convention", "kind"]
        constraints = [models.UniqueConstraint(fields=["convention", "kind"], name="commitment_unique_kind")]

    def __str__(self):
        return self.get_kind_display()


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Rencontre")
    IMMERSION = "immersion", _("Immersion")
    PRESENTATION = "presentation", _("Présentation des équipes")
    SHARED_ACTION = "shared_action", _("Action partagée")
    COMMUNICATION = "communication", _("Action de communication")


class ImmersionDirection(models.TextChoices):
    AT_PARTNER = "at_partner", _("Médiateurs accueillis chez le partenaire")
    AT_AGENCY = "at_agency", _("Professionnels du partenaire accueillis sur le terrain")


class PartnerEventQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))


class PartnerEvent(models.Model):
    """Something done together under a convention: a meeting, an immersion, a presentation, a shared action."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="events", verbose_name=_("convention")
    )
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    agency_attendees = models.CharField(_("présents pour l'agence"), max_length=300, blank=True)
    partner_attendees = models.CharField(_("présents pour le partenaire"), max_length=300, blank=True)
    climate_diagnosis = models.TextField(_("diagnostic d'ambiance"), blank=True)
    situations_reviewed = models.PositiveSmallIntegerField(_("situations examinées"), default=0)
    immersion_direction = models.CharField(
        _("sens de l'immersion"), max_length=12, choices=ImmersionDirection.choices, blank=True
    )
    days = models.DecimalField(_("jours"), max_digits=4, decimal_places=1, default=0)
    note = models.TextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PartnerEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("action partenariale")
        verbose_name_plural = _("actions partenariales")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["convention", "date"], name="partner_event_convention_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="immersion") | ~Q(immersion_direction=""),
                name="partner_event_immersion_has_direction",
                violation_error_message=_("Une immersion précise son sens."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def commitment_kind(self) -> str:
        return event_commitment_kind(self.kind, self.immersion_direction)


def event_commitment_kind(kind: str, immersion_direction: str) -> str:
    if kind == EventKind.IMMERSION:
        if immersion_direction == ImmersionDirection.AT_AGENCY:
            return CommitmentKind.IMMERSION_AT_AGENCY
        return CommitmentKind.IMMERSION_AT_PARTNER
    return kind  # the other event kinds share their code with the commitment they count for


# --- Referrals ----------------------------------------------------------------------------------------------


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


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user):
        from partners import perms

        return perms.visible_referrals(user, self)

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


# --- Consent and information sharing: append-only journals --------------------------------------------------


class JournalError(Exception):
    """Raised on any attempt to change or delete a journal row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalError("Journal en ajout seul : modification refusée.")

    def delete(self):
        raise JournalError("Journal en ajout seul : suppression refusée.")


class AppendOnlyModel(models.Model):
    """Rows are written once (Aidants Connect's journal): `save()` refuses updates, `delete()` raises."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalError("Journal en ajout seul : modification refusée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalError("Journal en ajout seul : suppression refusée.")


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


class ConsentQuerySet(AppendOnlyQuerySet):
    def for_user(self, user):
        from partners import perms

        return perms.visible_consents(user, self)


class Consent(AppendOnlyModel):
    """A person's agreement that information about them goes to one organisation or for one purpose."""

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

    def state_on(self, day: date) -> str:
        """'valid', 'not_yet', 'expired' or 'withdrawn' on `day`."""
        withdrawal = self.withdrawal_or_none
        if withdrawal is not None and withdrawal.withdrawn_on <= day:
            return "withdrawn"
        if day < self.given_on:
            return "not_yet"
        if self.expires_on is not None and day > self.expires_on:
            return "expired"
        return "valid"


class ConsentWithdrawal(AppendOnlyModel):
    """The withdrawal of a consent: a new row, never an update of the consent. Takes effect the day it is made."""

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


class InformationShareQuerySet(AppendOnlyQuerySet):
    def for_user(self, user):
        from partners import perms

        return perms.visible_shares(user, self)


class InformationShare(AppendOnlyModel):
    """One transmission of information about a person to a partner, with its legal basis."""

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
