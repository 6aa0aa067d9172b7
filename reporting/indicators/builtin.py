"""The built-in indicators: the figures of the evaluation tables (seed 001) and those the service project computes.

They are data like the indicators an administrator defines (`reporting.IndicatorDefinition`): data migrations load
them with `load_builtin`, which is idempotent. Change a definition here only with a migration that reloads it.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

from mediation.models import FollowUpKind
from reporting.indicators.registry import Indicator

CONFLICT_ACTIVITIES = ("conflict_real_time", "conflict_deferred", "shuttle", "round_table", "conflict_prevention")

BUILTIN_INDICATORS: list[Indicator] = [
    # --- Gestion de conflits
    Indicator("conflict.interventions", _("Interventions de gestion de conflits"), "conflict", CONFLICT_ACTIVITIES),
    Indicator("conflict.round_tables", _("dont tables rondes"), "conflict", ("round_table",)),
    Indicator("conflict.real_time", _("dont gestion en temps réel"), "conflict", ("conflict_real_time",)),
    Indicator("conflict.deferred", _("dont suivi de conflit en temps différé"), "conflict", ("conflict_deferred",)),
    Indicator("conflict.rule_reminders", _("Rappels à la règle"), "conflict", ("rule_reminder",)),
    Indicator("conflict.awareness", _("Actions de sensibilisation"), "conflict", ("awareness",)),
    Indicator("conflict.resident_consultations", _("Concertations habitants"), "conflict", ("resident_consultation",)),
    Indicator("conflict.liaison_sheets", _("Fiches de liaison"), "conflict", ("liaison_sheet",)),
    # --- Développement partenarial
    Indicator("partnership.referrals", _("Mises en relation"), "partnership", ("referral",)),
    Indicator(
        "partnership.referral_beneficiaries",
        _("Bénéficiaires des mises en relation"),
        "partnership",
        ("referral",),
        "beneficiaries",
    ),
    Indicator("partnership.referral_beneficiaries.women", _("dont femmes"), "partnership", ("referral",), "women"),
    Indicator("partnership.referral_beneficiaries.men", _("dont hommes"), "partnership", ("referral",), "men"),
    Indicator(
        "partnership.project_facilitations",
        _("Facilitation de projets : interventions"),
        "partnership",
        ("project_facilitation",),
    ),
    Indicator(
        "partnership.project_facilitation_beneficiaries",
        _("Facilitation de projets : bénéficiaires"),
        "partnership",
        ("project_facilitation",),
        "beneficiaries",
    ),
    Indicator(
        "partnership.youth_followups",
        _("Suivis jeunes adultes (personnes)"),
        "partnership",
        followup_kind=FollowUpKind.YOUNG_ADULT,
    ),
    # --- Assistance
    Indicator(
        "assistance.isolated_followups",
        _("Suivis de personnes isolées, fragilisées (personnes)"),
        "assistance",
        followup_kind=FollowUpKind.ISOLATED,
    ),
    Indicator("assistance.physical_help", _("Aide physique"), "assistance", ("physical_help",)),
    Indicator("assistance.moral_support", _("Aide morale"), "assistance", ("moral_support",)),
    Indicator("assistance.administrative_help", _("Aide administrative"), "assistance", ("administrative_help",)),
    Indicator("assistance.active_listening", _("Écoute active"), "assistance", ("active_listening",)),
    # --- Veille technique
    Indicator("technical_watch.transmissions", _("Transmissions"), "technical_watch", ("tw_transmission",)),
    Indicator("technical_watch.securings", _("Sécurisations"), "technical_watch", ("tw_securing",)),
    Indicator("technical_watch.interventions", _("Interventions techniques"), "technical_watch", ("tw_intervention",)),
    Indicator(
        "technical_watch.total",
        _("Total veille technique"),
        "technical_watch",
        ("tw_transmission", "tw_securing", "tw_intervention"),
    ),
    # --- Used by service-project indicators, not in the evaluation tables
    Indicator(
        "partnership.communications",
        _("Actions de communication"),
        "other",
        ("communication",),
        in_evaluation=False,
    ),
    Indicator("partnership.workshops", _("Ateliers"), "other", ("workshop",), in_evaluation=False),
    Indicator(
        "partnership.partner_meetings",
        _("Rencontres partenariales"),
        "other",
        ("partner_meeting",),
        in_evaluation=False,
    ),
    Indicator(
        "conflict.awareness_beneficiaries",
        _("Habitants sensibilisés"),
        "other",
        ("awareness",),
        "beneficiaries",
        in_evaluation=False,
    ),
    Indicator(
        "followups.resident_referents",
        _("Habitants référents suivis (personnes)"),
        "other",
        followup_kind=FollowUpKind.RESIDENT_REFERENT,
        in_evaluation=False,
    ),
    Indicator(
        "presence.training_hours",
        _("Heures de formation et d'échanges de pratiques"),
        "other",
        ("training",),
        "hours",
        in_evaluation=False,
        unit="h",
    ),
    Indicator(
        "presence.training_beneficiaries",
        _("Bénéficiaires des formations et échanges de pratiques"),
        "other",
        ("training",),
        "beneficiaries",
        in_evaluation=False,
    ),
]

BUILTIN_INDICATORS += [
    Indicator(
        "partners.conventions_signed",
        _("Conventions de partenariat signées"),
        "other",
        partner_records=("conventions_signed",),
        in_evaluation=False,
    ),
    Indicator(
        "partners.presentations_immersions",
        _("Présentations des équipes et immersions"),
        "other",
        partner_records=("presentation", "immersion"),
        in_evaluation=False,
    ),
    Indicator(
        "partners.meetings",
        _("Rencontres sur les sites communs"),
        "other",
        partner_records=("meeting",),
        in_evaluation=False,
    ),
    Indicator(
        "partners.shared_actions",
        _("Actions partagées"),
        "other",
        partner_records=("shared_action",),
        in_evaluation=False,
    ),
]


# --- Computed from the registers (projects, diagnostics, territorial bodies, training) -------------------------
BUILTIN_INDICATORS += [
    Indicator(
        "registers.projects",
        _("Projets impliquant la médiation sociale"),
        "other",
        register_records=("projects",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.mobilisation",
        _("Actions de mobilisation"),
        "other",
        register_records=("projects:mobilisation",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.intergenerational",
        _("Actions intergénérationnelles mises en place"),
        "other",
        register_records=("projects:intergenerational",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.intergenerational.people_met",
        _("Bénéficiaires des actions intergénérationnelles"),
        "other",
        register_records=("people_met:intergenerational",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.residents",
        _("Projets d'habitants et de résidence développés"),
        "other",
        register_records=("projects:residents",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.cafe",
        _("Cafés médiation"),
        "other",
        register_records=("projects:cafe",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.people_invited",
        _("Personnes invitées aux projets et actions"),
        "other",
        register_records=("people_invited",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.projects.people_met",
        _("Personnes rencontrées lors des projets et actions"),
        "other",
        register_records=("people_met",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.diagnostics.started",
        _("Diagnostics engagés"),
        "other",
        register_records=("diagnostics_started",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.diagnostics.completed",
        _("Diagnostics réalisés"),
        "other",
        register_records=("diagnostics_completed",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.diagnostics.processed_rate",
        _("Diagnostics réalisés dont les données sont traitées (%)"),
        "other",
        register_records=("diagnostics_processed_rate",),
        in_evaluation=False,
        unit="%",
    ),
    Indicator(
        "registers.bodies.working_groups",
        _("Groupes de travail engagés"),
        "other",
        register_records=("bodies_joined:working_group",),
        in_evaluation=False,
    ),
    Indicator(
        "registers.bodies.meetings",
        _("Réunions d'instances territoriales suivies"),
        "other",
        register_records=("body_meetings",),
        in_evaluation=False,
    ),
    Indicator(
        "training.hours",
        _("Heures de formation des salariés"),
        "other",
        register_records=("training_hours",),
        in_evaluation=False,
        unit="h",
    ),
    Indicator(
        "training.hours_per_employee",
        _("Heures de formation par salarié"),
        "other",
        register_records=("training_hours_per_employee",),
        in_evaluation=False,
        unit="h",
    ),
    Indicator(
        "training.certified_share",
        _("Part des médiateurs certifiés (%)"),
        "other",
        register_records=("certified_share",),
        in_evaluation=False,
        unit="%",
    ),
    Indicator(
        "training.employees_certified",
        _("Salariés ayant obtenu une certification"),
        "other",
        register_records=("employees_certified",),
        in_evaluation=False,
    ),
    Indicator(
        "training.vae_in_progress",
        _("VAE en cours"),
        "other",
        register_records=("vae_in_progress",),
        in_evaluation=False,
    ),
    Indicator(
        "training.immersions",
        _("Immersions inter-équipes"),
        "other",
        register_records=("exchanges:immersion",),
        in_evaluation=False,
    ),
    Indicator(
        "training.team_meetings",
        _("Rencontres inter-équipes"),
        "other",
        register_records=("exchanges:meeting",),
        in_evaluation=False,
    ),
]

# --- Computed from the shared situations with partners (issue 15, point 1) -----------------------------------
SHARED_SITUATION_CODES = [
    "shared.situations",
    "shared.situations.mission_locale",
    "shared.coordination_meetings",
    "shared.outcomes.from_partner",
    "shared.outcomes.training_employment",
]
BUILTIN_INDICATORS += [
    Indicator(
        "shared.situations",
        _("Personnes suivies en lien avec un partenaire (situations partagées)"),
        "other",
        register_records=("shared_situations",),
        in_evaluation=False,
    ),
    Indicator(
        "shared.situations.mission_locale",
        _("Jeunes connus des deux partenaires (Mission Locale)"),
        "other",
        register_records=("shared_situations:mission_locale",),
        in_evaluation=False,
    ),
    Indicator(
        "shared.coordination_meetings",
        _("Réunions de coordination sur des situations partagées"),
        "other",
        register_records=("coordination_meetings",),
        in_evaluation=False,
    ),
    Indicator(
        "shared.outcomes.from_partner",
        _("Retours de résultat faits par les partenaires"),
        "other",
        register_records=("outcomes_from_partner",),
        in_evaluation=False,
    ),
    Indicator(
        "shared.outcomes.training_employment",
        _("Retours « entrée en formation » ou « emploi »"),
        "other",
        register_records=("outcomes:training", "outcomes:employment"),
        in_evaluation=False,
    ),
]


def _source(indicator: Indicator) -> str:
    if indicator.register_records:
        return "registers"
    if indicator.partner_records:
        return "partners"
    if indicator.followup_kind:
        return "followups"
    return "interventions"


def load_builtin(*, apps=None, codes: list[str] | None = None) -> int:
    """Create or update the built-in definitions (all, or `codes`), as data. Returns how many were written."""
    apps = apps or global_apps
    Definition = apps.get_model("reporting", "IndicatorDefinition")
    ActivityType = apps.get_model("mediation", "ActivityType")
    activity_ids = dict(ActivityType.objects.values_list("code", "id"))
    written = 0
    for order, indicator in enumerate(BUILTIN_INDICATORS, start=1):
        if codes is not None and indicator.code not in codes:
            continue
        definition, _created = Definition.objects.update_or_create(
            code=indicator.code,
            defaults={
                "label": str(indicator.label),
                "section": indicator.section,
                "order": order * 10,
                "source": _source(indicator),
                "measure": indicator.measure,
                "followup_kind": indicator.followup_kind,
                "records": ",".join(indicator.partner_records or indicator.register_records),
                "in_evaluation": indicator.in_evaluation,
                "unit": indicator.unit,
                "is_builtin": True,
                "is_active": True,
            },
        )
        definition.activity_types.set([activity_ids[code] for code in indicator.activities if code in activity_ids])
        written += 1
    return written


def as_loaded() -> list[Indicator]:
    """The built-in indicators as the registry reads them once `load_builtin` has run (same order, same fields)."""
    from dataclasses import replace

    from reporting.indicators.registry import sort_indicators

    return sort_indicators(
        [
            replace(indicator, order=order * 10, activities=tuple(sorted(indicator.activities)))
            for order, indicator in enumerate(BUILTIN_INDICATORS, start=1)
        ]
    )
