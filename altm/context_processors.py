"""What every page knows: the navigation each role sees (entries whose page does not exist yet are left out),
and the agency (name, address, logo) that the header, titles and documents print."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from altm.models import Agency

# (url name, label, icon) per role, in the order they show.
NAVIGATION = {
    Role.MEDIATOR: [
        ("mediation:entry", _("Saisie"), "plus-circle"),
        ("mediation:tally", _("Tournée"), "person-walking"),
        ("mediation:my_interventions", _("Mes saisies"), "list-ul"),
        ("mediation:followup_list", _("Mes suivis"), "people"),
        ("mediation:conflict_list", _("Conflits"), "chat-left-dots"),
        ("partners:referral_list", _("Mises en relation"), "arrow-left-right"),
        ("mediation:technical_list", _("Veille technique"), "tools"),
    ],
    Role.MANAGER: [
        ("reporting:team_dashboard", _("Tableau de bord"), "speedometer2"),
        ("mediation:team_interventions", _("Saisies de l'équipe"), "list-ul"),
        ("mediation:daily_report", _("Journée"), "calendar-day"),
        ("mediation:entry", _("Saisie"), "plus-circle"),
        ("mediation:followup_list", _("Suivis"), "people"),
        ("mediation:conflict_list", _("Conflits"), "chat-left-dots"),
        ("partners:referral_list", _("Mises en relation"), "arrow-left-right"),
        # Nine entries must fit a 1280-px screen: the short label here.
        ("mediation:technical_list", _("Veille"), "tools"),
        ("reporting:registers", _("Registres"), "journal-bookmark"),
    ],
    Role.DIRECTOR: [
        ("reporting:overview", _("Vue d'ensemble"), "speedometer2"),
        ("reporting:evaluation", _("Évaluation"), "table"),
        ("reporting:project_list", _("Projet de service"), "bullseye"),
        ("partners:convention_list", _("Conventions"), "file-earmark-text"),
        ("partners:organisation_list", _("Partenaires"), "building"),
        ("reporting:registers", _("Registres"), "journal-bookmark"),
        ("mediation:team_interventions", _("Saisies"), "list-ul"),
        ("mediation:technical_list", _("Veille technique"), "tools"),
        ("altm:audit_list", _("Journal d'audit"), "journal-text"),
    ],
    Role.COUNSELLOR: [
        ("partners:counsellor_home", _("Mises en relation reçues"), "inbox"),
        ("partners:situation_list", _("Situations partagées"), "people-fill"),
    ],
    Role.ADMIN: [
        ("admin:index", _("Administration"), "gear"),
    ],
}


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    entries = []
    for url_name, label, icon in NAVIGATION.get(user.role, []):
        try:
            entries.append({"url": reverse(url_name), "label": label, "icon": icon, "name": url_name})
        except NoReverseMatch:
            continue
    return entries


def navigation(request):
    return {"navigation": navigation_for(request.user)}


def agency(request):
    return {"agency": Agency.current()}


def pwa(request):
    """What the installable app's script needs on every page: whose queue this is, where to log in again."""
    if not request.user.is_authenticated:
        return {"pwa_config": None}
    return {
        "pwa_config": {
            "userId": request.user.pk,
            "swUrl": reverse("service_worker") if settings.ALTM_SERVICE_WORKER else "",
            "loginUrl": reverse("login"),
        }
    }
