"""What each legal basis of a share allows (DOMAIN §10): one table, read by `share_information` and the share form.

A basis is a rule, not a label: it names the organisations that may receive (by kind, and whether their
professionals are bound by professional secrecy), the information categories and the purposes it covers, and what
it asks about the person. For the person's consent the consent itself names the recipient, the categories and the
purpose (`partners.services.consents.find_valid_consent` checks them).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation import rules
from partners.models import InformationCategory, LegalBasis, OrganisationKind, SharingPurpose

# Kinds of organisation whose professionals are bound by professional secrecy (secret professionnel, not the mere
# duty of discretion of a mediator or a Mission Locale adviser).
BOUND_BY_SECRECY = frozenset(
    {
        OrganisationKind.CHILD_PROTECTION,
        OrganisationKind.SPECIALISED_PREVENTION,
        OrganisationKind.CAF,
    }
)


@dataclass(frozen=True)
class BasisRule:
    basis: str
    # Who may receive: kinds of organisation (None: the recipient the consent names) and whether they must be
    # bound by professional secrecy.
    recipient_kinds: frozenset[str] | None
    secrecy_required: bool
    # What may be sent and why (None: what the consent lists and names).
    categories: frozenset[str] | None
    purposes: frozenset[str] | None
    # What the basis asks about the person and the share.
    minor_only: bool = False
    parents_informed: bool = False
    coordinator: bool = False
    recipients_text: str = ""
    person_text: str = ""
    conditions_text: str = ""


C = InformationCategory
K = OrganisationKind

RULES: dict[str, BasisRule] = {
    LegalBasis.CONSENT: BasisRule(
        basis=LegalBasis.CONSENT,
        recipient_kinds=None,
        secrecy_required=False,
        categories=None,
        purposes=None,
        recipients_text=gettext_lazy("Le destinataire nommé dans un consentement valable"),
        person_text=gettext_lazy("Toute personne"),
        conditions_text=gettext_lazy(
            "Les informations et la finalité que le consentement mentionne ; valable aujourd'hui (ni expiré, ni "
            "retiré)"
        ),
    ),
    LegalBasis.CASF_L121_6_2: BasisRule(
        basis=LegalBasis.CASF_L121_6_2,
        recipient_kinds=frozenset(
            {
                K.SOCIAL_CENTRE,
                K.SPECIALISED_PREVENTION,
                K.CHILD_PROTECTION,
                K.LOCAL_AUTHORITY,
                K.CAF,
                K.MISSION_LOCALE,
            }
        ),
        secrecy_required=False,
        categories=frozenset(
            {C.IDENTITY, C.REFERRAL_REASON, C.EMPLOYMENT, C.HOUSING, C.FAMILY, C.RESOURCES, C.SCHOOLING}
        ),
        purposes=frozenset({SharingPurpose.SOCIAL_SUPPORT}),
        coordinator=True,
        recipients_text=gettext_lazy(
            "Professionnels de l'action sociale suivant la même personne ou famille, sous un coordonnateur désigné "
            "par le maire"
        ),
        person_text=gettext_lazy("Une personne ou une famille dont les difficultés s'aggravent"),
        conditions_text=gettext_lazy("Le strict nécessaire pour évaluer la situation ; nom du coordonnateur"),
    ),
    LegalBasis.CASF_L226_2_2: BasisRule(
        basis=LegalBasis.CASF_L226_2_2,
        recipient_kinds=frozenset({K.CHILD_PROTECTION, K.SPECIALISED_PREVENTION}),
        secrecy_required=True,
        categories=frozenset({C.IDENTITY, C.REFERRAL_REASON, C.FAMILY, C.HEALTH, C.SCHOOLING, C.HOUSING}),
        purposes=frozenset({SharingPurpose.CHILD_PROTECTION}),
        minor_only=True,
        parents_informed=True,
        recipients_text=gettext_lazy(
            "Professionnels soumis au secret qui concourent à la protection de l'enfance (jamais un bailleur, un "
            "employeur ou un établissement scolaire)"
        ),
        person_text=gettext_lazy("Un mineur"),
        conditions_text=gettext_lazy(
            "Parents informés au préalable, sauf si c'est contraire à l'intérêt de l'enfant ; partage exceptionnel, "
            "à faire valider par la direction"
        ),
    ),
}


def _labels(choices, codes) -> str:
    labels = dict(choices)
    return ", ".join(str(labels[code]) for code in sorted(codes, key=list(labels).index))


def allowed_recipients_label(rule: BasisRule) -> str:
    if rule.recipient_kinds is None:
        return str(rule.recipients_text)
    return f"{rule.recipients_text} : {_labels(OrganisationKind.choices, rule.recipient_kinds)}"


def allowed_categories_label(rule: BasisRule) -> str:
    if rule.categories is None:
        return _("Celles que le consentement mentionne")
    return _labels(InformationCategory.choices, rule.categories)


def allowed_purposes_label(rule: BasisRule) -> str:
    if rule.purposes is None:
        return _("Celle que le consentement mentionne")
    return _labels(SharingPurpose.choices, rule.purposes)


def basis_errors(
    basis: str,
    *,
    person,
    organisation,
    categories: list[str],
    purpose: str,
    on: date,
    coordinator_name: str = "",
    parents_informed: bool | None = None,
    parents_not_informed_reason: str = "",
) -> dict[str, list[str]]:
    """Everything `basis` does not allow in this share, by field, in French; empty when the table allows it.

    For the person's consent, whether a valid consent covers the share is `find_valid_consent`'s answer.
    """
    rule = RULES[basis]
    name = LegalBasis(basis).label
    errors: dict[str, list[str]] = {}
    kind_allowed = rule.recipient_kinds is None or organisation.kind in rule.recipient_kinds
    secrecy_ok = not rule.secrecy_required or organisation.kind in BOUND_BY_SECRECY
    if not (kind_allowed and secrecy_ok):
        errors["to_organisation"] = [
            _(
                "Refusé : %(basis)s ne permet pas de transmettre à %(organisation)s (%(kind)s) ; "
                "seulement à : %(allowed)s."
            )
            % {
                "basis": name,
                "organisation": organisation,
                "kind": organisation.get_kind_display().lower(),
                "allowed": allowed_recipients_label(rule),
            }
        ]
    if rule.categories is not None:
        refused = [code for code in categories if code not in rule.categories]
        if refused:
            errors["categories"] = [
                _("Refusé : %(basis)s ne couvre pas ces informations : %(refused)s (seulement : %(allowed)s).")
                % {
                    "basis": name,
                    "refused": _labels(InformationCategory.choices, refused),
                    "allowed": allowed_categories_label(rule),
                }
            ]
    if rule.purposes is not None and purpose not in rule.purposes:
        errors["purpose"] = [
            _("Refusé : %(basis)s ne vaut pas pour la finalité « %(purpose)s » (seulement : %(allowed)s).")
            % {
                "basis": name,
                "purpose": SharingPurpose(purpose).label if purpose in SharingPurpose.values else purpose,
                "allowed": allowed_purposes_label(rule),
            }
        ]
    if rule.coordinator and not coordinator_name.strip():
        errors["coordinator_name"] = [
            _(
                "Refusé : le partage au titre de l'article L121-6-2 du CASF exige le nom du coordonnateur désigné "
                "par le maire."
            )
        ]
    if rule.minor_only and not rules.is_minor(person, on):
        known = (
            _("née en %(year)s") % {"year": person.birth_year}
            if person.birth_year
            else _("dont l'âge n'est pas connu")
        )
        errors["person"] = [
            _(
                "Refusé : l'article L226-2-2 du CASF ne vaut que pour un mineur ; %(person)s est une personne "
                "%(known)s."
            )
            % {"person": person, "known": known}
        ]
    if rule.parents_informed and (
        parents_informed is None or (parents_informed is False and not parents_not_informed_reason.strip())
    ):
        errors["parents_informed"] = [
            _(
                "Refusé : indiquez si les parents ont été informés au préalable, ou pourquoi les informer serait "
                "contraire à l'intérêt de l'enfant (CASF art. L226-2-2)."
            )
        ]
    return errors


def basis_table() -> list[dict]:
    """The table as the share form shows it: one row per basis, in French."""
    return [
        {
            "basis": LegalBasis(code).label,
            "person": rule.person_text,
            "recipients": allowed_recipients_label(rule),
            "categories": allowed_categories_label(rule),
            "purposes": allowed_purposes_label(rule),
            "conditions": rule.conditions_text,
        }
        for code, rule in RULES.items()
    ]
