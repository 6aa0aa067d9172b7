"""Organisation (territories, sites, landlords, teams) and field activity (interventions and what they link to)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# --- Organisation -------------------------------------------------------------------------------------------


class Territory(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("secteur d'intervention")
        verbose_name_plural = _("secteurs d'intervention")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Landlord(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    full_name = models.CharField(_("raison sociale"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail pour la synthèse hebdomadaire"), blank=True)

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

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["territory__name", "name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="site_unique_name_per_territory")]

    def __str__(self):
        return self.name


class TeamQuerySet(models.QuerySet):
    def for_user(self, user):
        """Teams whose data this user may see."""
        from mediation import perms

        return perms.visible_teams(user, self)


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


# --- Activity types -----------------------------------------------------------------------------------------


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


# --- Persons and follow-ups ---------------------------------------------------------------------------------


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", _("Moins de 16 ans")
    YOUNG_16_25 = "16_25", _("16-25 ans")
    ADULT_26_59 = "26_59", _("26-59 ans")
    SENIOR_60 = "60_plus", _("60 ans et plus")


class PersonQuerySet(models.QuerySet):
    def of_teams(self, team_ids):
        """Persons whose owning team is one of `team_ids` (the owning team sees its persons without a log)."""
        return self.filter(team_id__in=team_ids, anonymised_at__isnull=True)


class Person(models.Model):
    """Minimal record of a person a mediator follows or refers: no name beyond an alias or first name."""

    alias = models.CharField(_("prénom ou pseudonyme"), max_length=80)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="persons", verbose_name=_("secteur")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="persons", verbose_name=_("équipe référente")
    )
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("Seulement si la personne a consenti à le donner.")
    )
    last_contact_on = models.DateField(_("dernier contact le"), null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["alias", "id"]

    def __str__(self):
        return self.alias if not self.anonymised_at else _("Personne anonymisée n°%(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        return reverse("mediation:person_detail", args=[self.pk])

    def age_on(self, day) -> int | None:
        """Age reached during `day`'s year (the record keeps a birth year, never a birth date)."""
        return day.year - self.birth_year if self.birth_year else None


class PersonReadLog(models.Model):
    """One opening of a person's record by someone outside its owning team (who, when, why)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="read_logs", verbose_name=_("personne"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("consultée par")
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consultation de fiche personne")
        verbose_name_plural = _("journal des consultations de fiches")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"], name="person_read_log_person_at")]

    def __str__(self):
        return f"{self.user} · {self.person_id} · {self.at:%d/%m/%Y %H:%M}"


class FollowUpKind(models.TextChoices):
    YOUNG_ADULT = "young_adult", _("Suivi jeune adulte (16-25 ans)")
    ISOLATED = "isolated", _("Personne isolée ou fragilisée")
    RESIDENT_REFERENT = "resident_referent", _("Habitant référent")


class FollowUpQuerySet(models.QuerySet):
    def for_user(self, user):
        from mediation import perms

        return perms.visible_followups(user, self)

    def active(self):
        return self.filter(ended_on__isnull=True)

    def due_by(self, day):
        """Active follow-ups whose next action is due on `day` or earlier."""
        return self.active().filter(next_action_on__lte=day)


class FollowUp(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="followups", verbose_name=_("personne"))
    kind = models.CharField(_("type de suivi"), max_length=20, choices=FollowUpKind.choices)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followups", verbose_name=_("médiateur")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="followups", verbose_name=_("équipe"))
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="followups", verbose_name=_("secteur")
    )
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    next_action_on = models.DateField(_("prochaine action le"), null=True, blank=True)
    next_action = models.CharField(_("prochaine action"), max_length=200, blank=True)
    note = models.TextField(_("observations"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="followup_ends_after_start",
                violation_error_message=_("La fin du suivi ne peut pas précéder son début."),
            )
        ]
        indexes = [
            models.Index(fields=["kind", "started_on", "ended_on"]),
            models.Index(fields=["team", "next_action_on"], name="followup_team_next_action"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person}"

    def get_absolute_url(self):
        return reverse("mediation:followup_edit", args=[self.pk])


# --- Conflict cases -----------------------------------------------------------------------------------------


class ConflictParties(models.TextChoices):
    RESIDENTS = "residents", _("Entre habitants")
    RESIDENT_INSTITUTION = "resident_institution", _("Habitant – institution")
    AGAINST_MEDIATOR = "against_mediator", _("À l'encontre du médiateur")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    AGREEMENT = "agreement", _("Protocole d'accord à suivre")
    CLOSED = "closed", _("Clôturée")


class ConflictOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Conflit résolu")
    PARTIAL = "partial", _("Apaisement partiel")
    NOT_RESOLVED = "not_resolved", _("Non résolu")
    HANDED_OVER = "handed_over", _("Relais passé à un service compétent")


class ConflictCaseQuerySet(models.QuerySet):
    def for_user(self, user):
        from mediation import perms

        return perms.visible_conflict_cases(user, self)

    def open_first(self):
        """Open cases and agreements to follow before closed ones, most recent first."""
        closed_last = models.Case(models.When(status=ConflictStatus.CLOSED, then=1), default=0)
        return self.alias(closed_last=closed_last).order_by("closed_last", "-opened_on", "-id")

    def agreement_due_by(self, day):
        """Agreements whose follow-up date is `day` or earlier."""
        return self.filter(status=ConflictStatus.AGREEMENT, agreement_followup_on__lte=day)


class ConflictCase(models.Model):
    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=150, help_text=_("Sans nom de personne, sauf nécessité."))
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="conflict_cases", verbose_name=_("secteur")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="conflict_cases", verbose_name=_("équipe"))
    is_real_time = models.BooleanField(_("géré en temps réel"), default=False)
    parties = models.CharField(_("parties"), max_length=30, choices=ConflictParties.choices)
    parties_description = models.TextField(_("description des parties"), blank=True)
    opened_on = models.DateField(_("ouverte le"))
    status = models.CharField(_("statut"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    agreement_on = models.DateField(_("protocole d'accord signé le"), null=True, blank=True)
    agreement_followup_on = models.DateField(_("suivi de l'accord prévu le"), null=True, blank=True)
    closed_on = models.DateField(_("clôturée le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=20, choices=ConflictOutcome.choices, blank=True)
    outcome_note = models.TextField(_("commentaire de clôture"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ConflictCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation de conflit")
        verbose_name_plural = _("situations de conflit")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["team", "status"], name="conflict_team_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="conflict_closed_has_date_and_outcome",
                violation_error_message=_("Une situation clôturée a une date de clôture et une issue."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("mediation:conflict_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == ConflictStatus.CLOSED


class SessionKind(models.TextChoices):
    """Each value is also the code of the activity type the session is counted as."""

    SHUTTLE = "shuttle", _("Navette (rencontres séparées)")
    ROUND_TABLE = "round_table", _("Table ronde")
    DEFERRED = "conflict_deferred", _("Contact de suivi en temps différé")


class ConflictSession(models.Model):
    case = models.ForeignKey(
        ConflictCase, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("situation")
    )
    kind = models.CharField(_("type de rencontre"), max_length=20, choices=SessionKind.choices)
    date = models.DateField(_("date"))
    outcome = models.TextField(_("résultat"), blank=True)
    agreement_reached = models.BooleanField(_("accord trouvé"), default=False)
    intervention = models.OneToOneField(
        "Intervention", on_delete=models.PROTECT, related_name="conflict_session", verbose_name=_("ligne d'activité")
    )

    class Meta:
        verbose_name = _("rencontre de médiation")
        verbose_name_plural = _("rencontres de médiation")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


# --- Technical watch ----------------------------------------------------------------------------------------


class TechnicalReportStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    TRANSMITTED = "transmitted", _("Transmis au bailleur")
    RESOLVED = "resolved", _("Résolu")


class TechnicalReportQuerySet(models.QuerySet):
    def for_user(self, user):
        from mediation import perms

        return perms.visible_technical_reports(user, self)

    def open_first(self):
        """Open, then transmitted, then resolved reports; most recent first within each."""
        rank = models.Case(
            models.When(status=TechnicalReportStatus.OPEN, then=0),
            models.When(status=TechnicalReportStatus.TRANSMITTED, then=1),
            default=2,
        )
        return self.alias(status_rank=rank).order_by("status_rank", "-reported_on", "-id")

    def active_between(self, start, end):
        """Reports pending at some point from `start` to `end`: reported by `end`, not resolved before `start`."""
        return self.filter(reported_on__lte=end).filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))


class TechnicalReport(models.Model):
    """A technical-watch transmission to a landlord (danger or major nuisance)."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)

    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, related_name="technical_reports", verbose_name=_("bailleur")
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("secteur"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="technical_reports", verbose_name=_("équipe")
    )
    place = models.CharField(_("lieu précis"), max_length=200, help_text=_("Adresse, allée, étage…"))
    equipment = models.CharField(_("équipement"), max_length=100, blank=True)
    problem = models.TextField(_("problème constaté"))
    is_danger = models.BooleanField(_("danger"), default=False)
    status = models.CharField(
        _("statut"), max_length=12, choices=TechnicalReportStatus.choices, default=TechnicalReportStatus.OPEN
    )
    reported_on = models.DateField(_("constaté le"))
    transmitted_on = models.DateField(_("transmis le"), null=True, blank=True)
    resolved_on = models.DateField(_("résolu le"), null=True, blank=True)
    intervention = models.OneToOneField(
        "Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="technical_report",
        verbose_name=_("ligne d'activité"),
    )
    actions = models.ManyToManyField(
        "Intervention",
        blank=True,
        related_name="technical_actions",
        verbose_name=_("sécurisations et interventions"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TechnicalReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement technique")
        verbose_name_plural = _("signalements techniques")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["landlord", "reported_on"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="technical_report_resolved_has_date",
                violation_error_message=_("Un signalement résolu a une date de résolution."),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(transmitted_on__isnull=False),
                name="technical_report_transmitted_has_date",
                violation_error_message=_("Un signalement transmis a une date de transmission."),
            ),
        ]

    def __str__(self):
        return f"{self.landlord} · {self.place}"

    def get_absolute_url(self):
        return reverse("mediation:technical_detail", args=[self.pk])


# --- Interventions ------------------------------------------------------------------------------------------


class InterventionSource(models.TextChoices):
    ENTRY = "entry", _("Saisie rapide")
    TALLY = "tally", _("Tournée")
    IMPORT = "import", _("Import")
    CONFLICT = "conflict", _("Situation de conflit")
    REFERRAL = "referral", _("Mise en relation")
    TECHNICAL = "technical", _("Veille technique")
    DEMO = "demo", _("Démonstration")


class InterventionQuerySet(models.QuerySet):
    def for_user(self, user):
        from mediation import perms

        return perms.visible_interventions(user, self)

    def in_period(self, start, end):
        """Lines dated from `start` to `end`, both included."""
        return self.filter(date__gte=start, date__lte=end)


class Intervention(models.Model):
    """One line of logged activity: a number of acts of one type, on one day, in one territory."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(_("identifiant externe"), max_length=100, null=True, blank=True, unique=True)
    date = models.DateField(_("date"))
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("secteur")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions", verbose_name=_("site")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("médiateur"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions", verbose_name=_("équipe")
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("activité")
    )
    mode = models.CharField(_("modalité"), max_length=10, choices=ReferralMode.choices, blank=True)
    count = models.PositiveIntegerField(_("nombre d'actes"), default=1)
    women = models.PositiveIntegerField(_("femmes"), default=0)
    men = models.PositiveIntegerField(_("hommes"), default=0)
    unknown = models.PositiveIntegerField(_("non précisé"), default=0)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    theme = models.CharField(_("thème"), max_length=100, blank=True)
    partner_name = models.CharField(_("partenaire"), max_length=150, blank=True)
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("bailleur")
    )
    conflict_case = models.ForeignKey(
        ConflictCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("situation de conflit"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("personne"),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("origine"), max_length=10, choices=InterventionSource.choices, default=InterventionSource.ENTRY
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="intervention_count_at_least_one",
                violation_error_message=_("Le nombre d'actes est au moins 1."),
            ),
            models.CheckConstraint(
                condition=Q(mode="") | Q(mode__in=ReferralMode.values),
                name="intervention_mode_valid",
                violation_error_message=_("Modalité inconnue."),
            ),
        ]
        indexes = [
            models.Index(fields=["date", "activity_type"], name="intervention_date_activity"),
            models.Index(fields=["territory", "date"], name="intervention_territory_date"),
            models.Index(fields=["team", "date"], name="intervention_team_date"),
            models.Index(fields=["author", "date"], name="intervention_author_date"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.activity_type} × {self.count}"

    def get_absolute_url(self):
        return reverse("mediation:intervention_edit", args=[self.pk])

    @property
    def beneficiaries(self) -> int:
        return self.women + self.men + self.unknown
