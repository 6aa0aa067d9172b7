"""The indicator registry: every figure a report shows, by stable code, with its French label and definition."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mediation.models import FollowUpKind
from partners.models import EventKind

ALL = "ALL"  # the territory code of whole-agency totals

# Measures summed on intervention lines. `beneficiaries` = women + men + unknown.
MEASURES = ("count", "beneficiaries", "women", "men", "unknown", "hours")

# Breakdowns an intervention indicator may be split by; follow-up indicators support year and territory.
INTERVENTION_BREAKDOWNS = frozenset({"year", "month", "territory", "team", "mediator"})
FOLLOWUP_BREAKDOWNS = frozenset({"year", "territory"})
PARTNER_BREAKDOWNS = frozenset({"year"})


@dataclass(frozen=True)
class Section:
    code: str
    label: str


SECTIONS = [
    Section("conflict", _("Gestion de conflits")),
    Section("partnership", _("Développement partenarial")),
    Section("assistance", _("Assistance")),
    Section("technical_watch", _("Veille technique")),
    Section("other", _("Autres indicateurs du projet de service")),
]
SECTION_LABELS = {section.code: section.label for section in SECTIONS}


@dataclass(frozen=True)
class Indicator:
    """One figure. Either a sum of `measure` over the lines of `activities`, or distinct persons followed."""

    code: str
    label: str
    section: str
    activities: tuple[str, ...] = ()
    measure: str = "count"
    followup_kind: str = ""
    partner_records: tuple[str, ...] = ()  # "conventions_signed", or partner event kinds ("immersion", …)
    in_evaluation: bool = True
    unit: str = ""
    definition: str = ""

    @property
    def breakdowns(self) -> frozenset[str]:
        if self.partner_records:
            return PARTNER_BREAKDOWNS
        return FOLLOWUP_BREAKDOWNS if self.followup_kind else INTERVENTION_BREAKDOWNS

    @property
    def is_partner(self) -> bool:
        return bool(self.partner_records)

    @property
    def is_followup(self) -> bool:
        return bool(self.followup_kind)

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The definition in French words; `names` maps activity codes to their labels (codes are never shown)."""
        names = names or {}
        if self.definition:
            return self.definition
        if self.partner_records == ("conventions_signed",):
            return str(_("Conventions de partenariat signées dans la période (date de signature)."))
        if self.partner_records:
            return str(_("Actions partenariales enregistrées sur les conventions : %(kinds)s.")) % {
                "kinds": ", ".join(str(EventKind(kind).label).lower() for kind in self.partner_records)
            }
        if self.followup_kind:
            return str(_("Personnes distinctes ayant un suivi « %(kind)s » actif sur la période.")) % {
                "kind": FollowUpKind(self.followup_kind).label
            }
        what = {
            "count": _("Somme du nombre d'actes"),
            "beneficiaries": _("Somme des bénéficiaires (femmes + hommes + non précisé)"),
            "women": _("Somme des bénéficiaires femmes"),
            "men": _("Somme des bénéficiaires hommes"),
            "unknown": _("Somme des bénéficiaires non précisés"),
            "hours": _("Somme des durées, en heures"),
        }[self.measure]
        return f"{what} — {', '.join(names.get(code, code) for code in self.activities)}"


CONFLICT_ACTIVITIES = ("conflict_real_time", "conflict_deferred", "shuttle", "round_table", "conflict_prevention")

INDICATORS: list[Indicator] = [
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

INDICATORS += [
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

REGISTRY: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
EVALUATION_CODES: list[str] = [indicator.code for indicator in INDICATORS if indicator.in_evaluation]


def get(code: str) -> Indicator:
    return REGISTRY[code]


def choices() -> list[tuple[str, str]]:
    """For a form or admin field binding a service-project indicator to the registry."""
    return [(indicator.code, f"{indicator.code} — {indicator.label}") for indicator in INDICATORS]
