"""Persons a mediator follows or refers, the log of who opened their record, and follow-ups."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models.activity import Gender
from mediation.models.organisation import Team, Territory
from mediation.scoping import Scope, ScopedQuerySet


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", _("Moins de 16 ans")
    YOUNG_16_25 = "16_25", _("16-25 ans")
    ADULT_26_59 = "26_59", _("26-59 ans")
    SENIOR_60 = "60_plus", _("60 ans et plus")


class PersonQuerySet(ScopedQuerySet):
    """`for_user`: the owning team's mediators and managers, and the director, see a person's record."""

    def workable_by(self, user):
        """Persons a field worker may follow, or record a consent, a share or a referral for: not anonymised."""
        return Scope(seen_whole_by=()).apply(self, user).filter(anonymised_at__isnull=True)


class Person(models.Model):
    """Minimal record of a person a mediator follows or refers: no name beyond an alias or first name."""

    # Derived from the UUID of the submission that created the person (a follow-up, a referral): a retry or a
    # concurrent copy of that submission finds this person instead of creating a second one.
    uuid = models.UUIDField(_("identifiant de saisie"), null=True, blank=True, unique=True, editable=False)
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


def active_between(start, end) -> Q:
    """The one definition of a follow-up active in [start, end] (the reports count it, the list shows it): started
    on or before `end`, not ended before `start`."""
    return Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


class FollowUpQuerySet(ScopedQuerySet):
    # Follow-ups hold personal data: only the owning team's mediators and managers see them, not the director.
    scope = Scope(seen_whole_by=())

    def active_during(self, start, end):
        return self.filter(active_between(start, end))

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


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("Rencontre")
    PHONE = "phone", _("Appel téléphonique")
    ACCOMPANIMENT = "accompaniment", _("Accompagnement")
    MESSAGE = "message", _("Message")
    HOME_VISIT = "home_visit", _("Visite à domicile")
    OTHER = "other", _("Autre")


class FollowUpContactQuerySet(ScopedQuerySet):
    # Like follow-ups: only the owning team's mediators and managers.
    scope = Scope(seen_whole_by=())


class FollowUpContact(models.Model):
    """One dated contact in a follow-up's log (date, kind, short note). Its author may correct it for 7 days."""

    uuid = models.UUIDField(_("identifiant de saisie"), default=uuid.uuid4, unique=True, editable=False)
    followup = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("suivi"))
    # Denormalised from the follow-up, so scoping and retention filter without a join.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("personne"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("type de contact"), max_length=20, choices=ContactKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = FollowUpContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact de suivi")
        verbose_name_plural = _("contacts de suivi")
        ordering = ["-date", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["followup", "date"], name="followup_contact_date"),
            models.Index(fields=["person", "date"], name="followup_contact_person_date"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("mediation:followup_edit", args=[self.followup_id])
