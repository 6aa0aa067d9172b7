"""Forms of the case-work pages: conflict cases, follow-ups, person records, technical watch.

They only check and choose; every write goes through `mediation.services`, whose French messages are shown next
to the field they concern (`altm.forms.add_service_errors`).
"""

from mediation.casework_forms.common import (
    CaseworkForm,
    CaseworkSubmissionForm,
    FilterForm,
)
from mediation.casework_forms.conflicts import (
    ConflictAgreementForm,
    ConflictCaseForm,
    ConflictCloseForm,
    ConflictFilterForm,
    ConflictPartyForm,
    ConflictSessionForm,
)
from mediation.casework_forms.followups import (
    FollowUpContactEditForm,
    FollowUpContactFields,
    FollowUpContactForm,
    FollowUpCreateForm,
    FollowUpEditForm,
    FollowUpFilterForm,
    PersonReadReasonForm,
    PersonSearchForm,
)
from mediation.casework_forms.technical import (
    LandlordAnswerForm,
    SynthesisForm,
    TechnicalActionForm,
    TechnicalAdvanceForm,
    TechnicalFilterForm,
    TechnicalReportForm,
    iso_week,
)

__all__ = [
    "CaseworkForm",
    "CaseworkSubmissionForm",
    "ConflictAgreementForm",
    "ConflictCaseForm",
    "ConflictCloseForm",
    "ConflictFilterForm",
    "ConflictPartyForm",
    "ConflictSessionForm",
    "FilterForm",
    "FollowUpContactEditForm",
    "FollowUpContactFields",
    "FollowUpContactForm",
    "FollowUpCreateForm",
    "FollowUpEditForm",
    "FollowUpFilterForm",
    "LandlordAnswerForm",
    "PersonReadReasonForm",
    "PersonSearchForm",
    "SynthesisForm",
    "TechnicalActionForm",
    "TechnicalAdvanceForm",
    "TechnicalFilterForm",
    "TechnicalReportForm",
    "iso_week",
]
