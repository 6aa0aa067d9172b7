from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEDIATOR = "mediator", _("Médiateur social")
    MANAGER = "manager", _("Manager (chef d'équipe)")
    DIRECTOR = "director", _("Direction / chargé de projet")
    COUNSELLOR = "counsellor", _("Conseiller partenaire")
    ADMIN = "admin", _("Administrateur")


class User(AbstractUser):
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEDIATOR)
    phone = models.CharField(
        _("téléphone professionnel"),
        max_length=30,
        blank=True,
        help_text=_("Montré aux conseillers des partenaires à qui la personne adresse quelqu'un."),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_mediator(self) -> bool:
        return self.role == Role.MEDIATOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def is_counsellor(self) -> bool:
        return self.role == Role.COUNSELLOR

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMIN
