"""Writes on partners, referrals, consents and information shares. Views, forms, commands and the admin call these.

Every write is atomic and audited. A share, or a telephone/physical referral, is only recorded with a valid legal
basis (DOMAIN §6); otherwise a French message says exactly what is missing and nothing is recorded.
"""

from partners.services.common import LegalBasisError, save_record
from partners.services.consents import consent_problem, find_valid_consent, record_consent, withdraw_consent
from partners.services.referrals import (
    ORAL_CONSENT_MONTHS,
    TERMINAL_REASON_REQUIRED,
    NewPerson,
    beneficiaries_for,
    phone_errors,
    record_incoming_referral,
    record_referral,
    referral_follow_up_default,
    update_referral_status,
)
from partners.services.registers import record_training_session
from partners.services.retention import (
    RETENTION_BATCH,
    RetentionResult,
    apply_retention,
    erase_personal_text,
    persons_past_retention,
)
from partners.services.sharing import share_information
from partners.services.situations import (
    close_shared_situation,
    open_shared_situation,
    record_meeting,
    record_outcome,
    situation_consent_problem,
)

__all__ = [
    "record_training_session",
    "ORAL_CONSENT_MONTHS",
    "RETENTION_BATCH",
    "TERMINAL_REASON_REQUIRED",
    "LegalBasisError",
    "NewPerson",
    "RetentionResult",
    "apply_retention",
    "close_shared_situation",
    "open_shared_situation",
    "record_meeting",
    "record_outcome",
    "situation_consent_problem",
    "beneficiaries_for",
    "consent_problem",
    "erase_personal_text",
    "find_valid_consent",
    "persons_past_retention",
    "phone_errors",
    "record_consent",
    "record_incoming_referral",
    "record_referral",
    "referral_follow_up_default",
    "save_record",
    "share_information",
    "update_referral_status",
    "withdraw_consent",
]
