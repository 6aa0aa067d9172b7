"""Shared models: the agency that uses the application, the append-only base of every journal, and the audit trail
every app writes to."""

import base64
import mimetypes
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- Append-only journals -----------------------------------------------------------------------------------

# Journal rows are written once. The one sanctioned change is erasing personal data when a person is anonymised
# (retention): code that does it opens this window with `redaction()` for its own writes only. Nothing deletes.
_redacting: ContextVar[bool] = ContextVar("journal_redacting", default=False)


class AppendOnlyError(Exception):
    """Raised on any attempt to change a journal row outside `redaction()`, or to delete one."""


@contextmanager
def redaction():
    """The only way to update existing journal rows (erasing personal data on anonymisation)."""
    token = _redacting.set(True)
    try:
        yield
    finally:
        _redacting.reset(token)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if not _redacting.get():
            raise AppendOnlyError(self.model.update_refused)
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError(self.model.delete_refused)


class AppendOnlyModel(models.Model):
    """Rows are written once (Aidants Connect's journal): `save()` refuses updates, `delete()` raises."""

    update_refused = "Journal en ajout seul : modification refusée."
    delete_refused = "Journal en ajout seul : suppression refusée."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and not _redacting.get():
            raise AppendOnlyError(self.update_refused)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self.delete_refused)


# --- Audit trail --------------------------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def for_object(self, instance):
        return self.filter(content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk))


class AuditEntry(AppendOnlyModel):
    """One change to one object: who, when, what, values before and after (JSON)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("type d'objet"))
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_repr = models.CharField(_("objet"), max_length=255)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("par")
    )
    # Who acted, as named when the entry was written: deleting the user later leaves it (the link goes empty).
    actor_name = models.CharField(_("nom de l'auteur"), max_length=300, blank=True)
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)

    update_refused = "Le journal d'audit ne se modifie pas."
    delete_refused = "Le journal d'audit ne se supprime pas."

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.object_repr}"

    @property
    def actor_label(self) -> str:
        """Who acted: the user as named now, else as named when the entry was written ("" for the system)."""
        if self.actor_id is not None and self.actor is not None:
            return str(self.actor)
        return self.actor_name

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


# Agency.current() keeps the row this long in each process: pages read it on every request (header, titles)
# without a query. A save or delete in this process forgets it at once; other processes see it within the minute.
AGENCY_CACHE_SECONDS = 60
_agency_cache: dict[str, tuple[float, "Agency"]] = {}


class Agency(models.Model):
    """The agency using the application, as its pages and documents name it. One row at most.

    Without a row, `Agency.current()` returns a default named after `settings.AGENCY_NAME`.
    """

    SINGLE_ID = 1

    name = models.CharField(
        _("nom"), max_length=200, help_text=_("Nom complet, par exemple « Agence Lyon Tranquillité Médiation ».")
    )
    short_name = models.CharField(
        _("nom court"),
        max_length=40,
        help_text=_("Sigle affiché en tête des pages et des documents, par exemple « ALTM »."),
    )
    address = models.TextField(
        _("adresse"), blank=True, help_text=_("Une ligne par ligne d'adresse ; imprimée au pied des couvertures.")
    )
    city = models.CharField(_("ville"), max_length=100, blank=True, help_text=_("Pour « Fait à …, le … »."))
    website = models.CharField(_("site web"), max_length=200, blank=True, help_text=_("Par exemple www.altm.fr."))
    logo = models.ImageField(
        _("logo"),
        upload_to="agence/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("PNG ou JPEG, imprimé sur la couverture des bilans."),
    )
    signatory_name = models.CharField(
        _("signataire"), max_length=200, blank=True, help_text=_("Qui signe les bilans pour l'agence.")
    )
    signatory_title = models.CharField(
        _("qualité du signataire"), max_length=200, blank=True, help_text=_("Par exemple « Directrice ».")
    )

    class Meta:
        verbose_name = _("agence")
        verbose_name_plural = _("agence")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="agency_single_row")]

    def __str__(self):
        return self.name if self.short_name in ("", self.name) else f"{self.short_name} · {self.name}"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLE_ID
        super().save(*args, **kwargs)
        self.forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget()
        return result

    @classmethod
    def current(cls) -> "Agency":
        """The agency's row, or the default when there is none; cached in the process (`AGENCY_CACHE_SECONDS`)."""
        now = time.monotonic()
        cached = _agency_cache.get("agency")
        if cached is not None and cached[0] > now:
            return cached[1]
        agency = cls.objects.filter(pk=cls.SINGLE_ID).first() or cls.default()
        _agency_cache["agency"] = (now + AGENCY_CACHE_SECONDS, agency)
        return agency

    @classmethod
    def default(cls) -> "Agency":
        return cls(name=settings.AGENCY_NAME, short_name=settings.AGENCY_NAME)

    @staticmethod
    def forget() -> None:
        """Drop the cached agency now, and again once the transaction commits (a reader may have cached the
        old row in between)."""
        _agency_cache.clear()
        transaction.on_commit(_agency_cache.clear)

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def footer(self) -> str:
        """One line for the foot of a cover: short name, address and website."""
        return " · ".join(
            [self.short_name or self.name, *self.address_lines, *([self.website] if self.website else [])]
        )

    @property
    def signatory(self) -> str:
        return ", ".join(part for part in (self.signatory_name, self.signatory_title) if part)

    @cached_property
    def logo_data_uri(self) -> str:
        """The logo inlined for WeasyPrint (which reads no file outside static/), or "" without a readable one."""
        if not self.logo:
            return ""
        try:
            with self.logo.open("rb") as file:
                content = file.read()
        except OSError:
            return ""
        mime = mimetypes.guess_type(self.logo.name)[0] or "image/png"
        return f"data:{mime};base64,{base64.b64encode(content).decode()}"


# --- Outgoing e-mail and notification preferences ----------------------------------------------------------


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("Envoi en cours")
    RETRYING = "retrying", _("Nouvel essai prévu")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


UNDELIVERED_EMAIL_STATUSES = (EmailStatus.RETRYING, EmailStatus.FAILED)


class OutgoingEmailQuerySet(models.QuerySet):
    def undelivered(self):
        """What the failed-deliveries page lists: given up, or failing and waiting for another try."""
        return self.filter(status__in=UNDELIVERED_EMAIL_STATUSES)

    def due(self, now):
        """Rows waiting past their try time (a lost job, a worker stopped mid-send): the sweep re-enqueues them."""
        waiting = (EmailStatus.PENDING, EmailStatus.RETRYING, EmailStatus.SENDING)
        return self.filter(status__in=waiting, next_try_at__lte=now)


class OutgoingEmail(models.Model):
    """One e-mail the application sends, from the moment it is decided (same transaction as its cause) to its
    delivery. Written by `altm.mail.queue_email`, sent by the `altm.tasks.send_email` job."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    to = models.EmailField(_("destinataire"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte destinataire"),
    )
    subject = models.CharField(_("objet"), max_length=250)
    kind = models.CharField(_("type"), max_length=40)  # a NotificationKind value (altm.notifications)
    reason = models.CharField(_("pourquoi"), max_length=300)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    # Set for e-mails that must go once only (a daily digest, one deadline alert): a second decision is a no-op.
    key = models.CharField(_("clé d'unicité"), max_length=120, null=True, blank=True, unique=True)
    status = models.CharField(_("statut"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_try_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_try_at"], name="outgoingemail_status_next"),
            models.Index(fields=["created_at"], name="outgoingemail_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EmailStatus.values), name="outgoingemail_status_valid"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification. No row: the kind's default (on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("utilisateur"),
    )
    kind = models.CharField(_("notification"), max_length=40)  # a NotificationKind value (altm.notifications)
    enabled = models.BooleanField(_("reçue par e-mail"), default=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_unique")]

    def __str__(self):
        return f"{self.user} · {self.kind} · {'oui' if self.enabled else 'non'}"


class ReferenceVersion(models.Model):
    """One row whose token changes, in the same transaction, whenever reference data change (`altm.reference`):
    every process compares it with the token its copy of the reference data was read under."""

    SINGLE_ID = 1

    token = models.BigIntegerField(_("jeton"), default=0)

    class Meta:
        verbose_name = _("version des données de référence")
        verbose_name_plural = _("versions des données de référence")

    def __str__(self):
        return str(self.token)
