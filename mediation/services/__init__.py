"""Writes on field activity. Views, forms, commands and the admin call these; none of them duplicates them.

Keyword-only, atomic, audited; a refusal is a ValidationError with French messages by field.
"""

from django.core.exceptions import ValidationError

from mediation.services.common import derived_uuid
from mediation.services.conflicts import (
    add_conflict_party,
    close_conflict_case,
    open_conflict_case,
    record_conflict_agreement,
    record_conflict_session,
    withdraw_party_consent,
)
from mediation.services.daily import save_daily_highlights, validate_day
from mediation.services.interventions import (
    EDITABLE_FIELDS,
    check_site_in_territory,
    delete_intervention,
    record_intervention,
    record_tally_tap,
    team_for,
    undo_tally_tap,
    update_intervention,
    validate_intervention,
)
from mediation.services.landlord import (
    LandlordAnswer,
    answer_as_landlord,
    landlord_link_days,
    send_danger_report,
    send_reminders,
    send_weekly_syntheses,
)
from mediation.services.persons import (
    create_person,
    log_person_read,
    note_audit_entries_read,
    note_person_read,
    prepare_person,
    record_followup,
    record_followup_contact,
    update_followup,
    update_followup_contact,
)
from mediation.services.preferences import set_activity_preferences
from mediation.services.technical import (
    TECHNICAL_ACTIONS,
    TECHNICAL_TRANSITIONS,
    add_technical_photo,
    advance_technical_report,
    record_technical_action,
    record_technical_report,
)

__all__ = [
    "LandlordAnswer",
    "answer_as_landlord",
    "landlord_link_days",
    "send_danger_report",
    "send_reminders",
    "send_weekly_syntheses",
    "EDITABLE_FIELDS",
    "TECHNICAL_ACTIONS",
    "TECHNICAL_TRANSITIONS",
    "ValidationError",
    "advance_technical_report",
    "check_site_in_territory",
    "add_conflict_party",
    "close_conflict_case",
    "withdraw_party_consent",
    "create_person",
    "delete_intervention",
    "derived_uuid",
    "log_person_read",
    "note_audit_entries_read",
    "note_person_read",
    "open_conflict_case",
    "prepare_person",
    "record_conflict_agreement",
    "record_conflict_session",
    "record_followup",
    "record_followup_contact",
    "record_intervention",
    "record_tally_tap",
    "record_technical_action",
    "add_technical_photo",
    "record_technical_report",
    "team_for",
    "undo_tally_tap",
    "save_daily_highlights",
    "set_activity_preferences",
    "update_followup",
    "update_followup_contact",
    "update_intervention",
    "validate_day",
    "validate_intervention",
]
