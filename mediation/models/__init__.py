"""Organisation (territories, sites, landlords, teams) and field activity (interventions and what they link to)."""

from mediation.models.activity import ActivityFamily, ActivityType, ActivityTypeQuerySet, Gender, ReferralMode
from mediation.models.casework import (
    ConflictCase,
    ConflictCaseQuerySet,
    ConflictOutcome,
    ConflictParties,
    ConflictSession,
    ConflictStatus,
    SessionKind,
    TechnicalReport,
    TechnicalReportPhoto,
    TechnicalReportQuerySet,
    TechnicalReportStatus,
)
from mediation.models.interventions import Intervention, InterventionQuerySet, InterventionSource
from mediation.models.organisation import Landlord, Site, SiteKind, Team, TeamQuerySet, Territory, TerritoryQuerySet
from mediation.models.persons import (
    AgeBand,
    FollowUp,
    FollowUpKind,
    FollowUpQuerySet,
    Person,
    PersonQuerySet,
    PersonReadLog,
)

__all__ = [
    "Landlord",
    "Site",
    "SiteKind",
    "Team",
    "TeamQuerySet",
    "Territory",
    "TerritoryQuerySet",
    "ActivityFamily",
    "ActivityType",
    "ActivityTypeQuerySet",
    "Gender",
    "ReferralMode",
    "AgeBand",
    "FollowUp",
    "FollowUpKind",
    "FollowUpQuerySet",
    "Person",
    "PersonQuerySet",
    "PersonReadLog",
    "ConflictCase",
    "ConflictCaseQuerySet",
    "ConflictOutcome",
    "ConflictParties",
    "ConflictSession",
    "ConflictStatus",
    "SessionKind",
    "TechnicalReport",
    "TechnicalReportPhoto",
    "TechnicalReportQuerySet",
    "TechnicalReportStatus",
    "Intervention",
    "InterventionQuerySet",
    "InterventionSource",
]
