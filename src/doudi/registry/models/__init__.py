"""The registry's models, one module per concept, re-exported here."""

from .assessments import AssessmentResult
from .base import RegionCoded, Sourced
from .batches import BatchStatus, ImportBatch
from .circumstances import (
    EXCLUDED_INCOME_KINDS,
    DeductionItem,
    DeductionKind,
    IncomeItem,
    IncomeKind,
    PropertyItem,
    PropertyKind,
)
from .enrolments import (
    AssistanceKind,
    DibaoEnrolment,
    DibaoMember,
    DibaoStatus,
    DibaoTier,
    PovertyRegistration,
    SelfCareLevel,
    SupportKind,
    SupportMeasure,
    SupportMode,
    TekunEnrolment,
    TemporaryAssistancePayment,
)
from .households import Household, HouseholdOrigin, Hukou, Membership
from .people import DAILY_ACTIVITIES, Employment, LaborCapacity, Person, Schooling, Sex
from .users import SCOPE_LENGTH, AuditAction, AuditEvent, Profile, Role

__all__ = [
    "DAILY_ACTIVITIES",
    "EXCLUDED_INCOME_KINDS",
    "SCOPE_LENGTH",
    "AssessmentResult",
    "AssistanceKind",
    "AuditAction",
    "AuditEvent",
    "BatchStatus",
    "DeductionItem",
    "DeductionKind",
    "DibaoEnrolment",
    "DibaoMember",
    "DibaoStatus",
    "DibaoTier",
    "Employment",
    "Household",
    "HouseholdOrigin",
    "Hukou",
    "ImportBatch",
    "IncomeItem",
    "IncomeKind",
    "LaborCapacity",
    "Membership",
    "Person",
    "PovertyRegistration",
    "Profile",
    "PropertyItem",
    "PropertyKind",
    "RegionCoded",
    "Role",
    "Schooling",
    "SelfCareLevel",
    "Sex",
    "Sourced",
    "SupportKind",
    "SupportMeasure",
    "SupportMode",
    "TekunEnrolment",
    "TemporaryAssistancePayment",
]
