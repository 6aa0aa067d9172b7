"""Writes on field activity. Views, forms, commands and the admin call these; none of them duplicates them.

Keyword-only, atomic, audited; a refusal is a ValidationError with French messages by field.
"""

from django.core.exceptions import ValidationError

from mediation.services.common import derived_uuid
from mediation.services.conflicts import (
    close_conflict_case,
    open_conflict_case,
    record_conflict_agreement,
    record_conflict_session,
)
from mediation.services.interventions import (
    EDITABLE_FIELDS,
    check_site_in_territory,
    delete_intervention,
    record_intervention,
    team_for,
    update_intervention,
    validate_intervention,
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
from mediation.services.technical import (
    TECHNICAL_ACTIONS,
    TECHNICAL_TRANSITIONS,
    add_technical_photo,
    advance_technical_report,
    record_technical_action,
    record_technical_report,
)

__all__ = [
    "EDITABLE_FIELDS",
    "TECHNICAL_ACTIONS",
    "TECHNICAL_TRANSITIONS",
    "ValidationError",
    "advance_technical_report",
    "check_site_in_territory",
    "close_conflict_case",
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
    "record_technical_action",
    "add_technical_photo",
    "record_technical_report",
    "team_for",
    "update_followup",
    "update_followup_contact",
    "update_intervention",
    "validate_intervention",
]
