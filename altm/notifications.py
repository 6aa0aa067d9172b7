"""The kinds of e-mail notification, who may receive each, and each user's choice (sensible defaults: on).

One registry for every app: a new notification adds its kind here (value, French label, roles that may choose it).
Kinds with no roles (e-mails to landlords, who have no account) are not governed by preferences.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from altm.audit import log_change, snapshot
from altm.models import AuditAction, NotificationPreference


class NotificationKind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("Nouvelle mise en relation")
    REFERRAL_ANSWERED = "referral_answered", _("Réponse à une mise en relation")
    MANAGER_DIGEST = "manager_digest", _("Récapitulatif du matin de l'équipe")
    CONVENTION_DEADLINE = "convention_deadline", _("Échéances de préavis des conventions")
    TECHNICAL_DANGER = "technical_danger", _("Signalement de veille technique avec danger")
    TECHNICAL_REMINDER = "technical_reminder", _("Relance d'un signalement de veille technique resté ouvert")
    LANDLORD_SYNTHESIS = "landlord_synthesis", _("Synthèse hebdomadaire de veille technique (bailleur)")
    LANDLORD_REPORT = "landlord_report", _("Signalement urgent de veille technique (bailleur)")
    ACCOUNT = "account", _("Compte (mot de passe, sécurité)")


@dataclass(frozen=True)
class KindRule:
    roles: tuple[str, ...]  # roles that receive it and may turn it off; empty: not a user's choice
    help: str


FIELD = (Role.MEDIATOR, Role.MANAGER)
KIND_RULES: dict[str, KindRule] = {
    NotificationKind.REFERRAL_RECEIVED: KindRule(
        (Role.COUNSELLOR, *FIELD),
        _("Une mise en relation est adressée à votre organisation (ou, pour les médiateurs, à votre équipe)."),
    ),
    NotificationKind.REFERRAL_ANSWERED: KindRule(
        (Role.COUNSELLOR, *FIELD),
        _("Une mise en relation que vous avez faite est prise en charge ou refusée."),
    ),
    NotificationKind.MANAGER_DIGEST: KindRule(
        (Role.MANAGER,),
        _(
            "Chaque matin, ce qui est en retard dans vos équipes : accords à suivre, suivis à faire, "
            "signalements ouverts depuis longtemps, mises en relation en attente."
        ),
    ),
    NotificationKind.CONVENTION_DEADLINE: KindRule(
        (Role.DIRECTOR,),
        _("La date limite de préavis d'une convention arrive dans 60, 30 ou 7 jours."),
    ),
    NotificationKind.TECHNICAL_DANGER: KindRule(
        FIELD, _("Un signalement de veille technique marqué « danger » est transmis au bailleur.")
    ),
    NotificationKind.TECHNICAL_REMINDER: KindRule(
        FIELD, _("Un signalement de veille technique de votre équipe reste ouvert au-delà du délai prévu.")
    ),
    NotificationKind.LANDLORD_SYNTHESIS: KindRule((), ""),
    NotificationKind.LANDLORD_REPORT: KindRule((), ""),
    NotificationKind.ACCOUNT: KindRule((), ""),
}


def kinds_for(user) -> list[str]:
    """The kinds `user` may choose, in registry order."""
    return [kind for kind in NotificationKind.values if user.role in KIND_RULES[kind].roles]


def is_optional(kind: str) -> bool:
    return bool(KIND_RULES[kind].roles)


def preferences_for(user) -> dict[str, bool]:
    """{kind: enabled} for every kind `user` may choose (defaults included), one query."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "enabled"))
    return {kind: stored.get(kind, True) for kind in kinds_for(user)}


def wants(user, kind: str) -> bool:
    """Whether `user` gets `kind` by e-mail: an active account with an address, of a role the kind is for, that
    did not turn it off."""
    if user is None or not user.is_active or not user.email:
        return False
    if not is_optional(kind):
        return True
    if user.role not in KIND_RULES[kind].roles:
        return False
    preference = NotificationPreference.objects.filter(user=user, kind=kind).values_list("enabled", flat=True)
    return next(iter(preference), True)


@transaction.atomic
def set_preferences(*, actor, user, choices: dict[str, bool]) -> int:
    """Record `user`'s choices (kinds they may choose only); each change is audited. Returns how many changed."""
    current = preferences_for(user)
    changed = 0
    for kind, enabled in choices.items():
        if kind not in current or current[kind] == bool(enabled):
            continue
        preference, created = NotificationPreference.objects.get_or_create(
            user=user, kind=kind, defaults={"enabled": bool(enabled)}
        )
        before = None if created else snapshot(preference)
        if not created:
            preference.enabled = bool(enabled)
            preference.save(update_fields=["enabled", "updated_at"])
        log_change(
            actor=actor,
            instance=preference,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            before=before,
        )
        changed += 1
    return changed
