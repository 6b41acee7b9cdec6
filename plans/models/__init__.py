"""The plans app's models, one module per concern, all importable from `plans.models`."""

from plans.models.history import ChangeRecord, Verb
from plans.models.jobs import FileJob, FileJobStatus
from plans.models.organisations import (
    CCG,
    AreaTeam,
    HealthAndWellbeingBoard,
    LocalAuthority,
    Provider,
    Role,
    RoleAssignment,
)
from plans.models.plan import (
    SIGN_OFF_STATES,
    SIGNED_STATES,
    SUBMITTED_STATES,
    Answer,
    Level,
    Plan,
    PlanCCG,
    PlanningUnit,
    PlanStatus,
    ProviderCommentary,
    RelatedDocument,
    Risk,
    RiskRating,
    SectionRevision,
    UnplacedAnswer,
    file_sha256,
    upload_to,
)
from plans.models.review import AssuranceOutcome, AssuranceOutcomeChoice, SectionComment
from plans.models.signoff import (
    Decline,
    FileKind,
    Signature,
    SignatureKind,
    Submission,
    SubmissionCheck,
    SubmissionFile,
    VersionSeal,
)

# The first migration names the upload path by its old name.
_upload_to = upload_to

__all__ = [
    "SIGN_OFF_STATES",
    "SIGNED_STATES",
    "SUBMITTED_STATES",
    "CCG",
    "Answer",
    "AreaTeam",
    "AssuranceOutcome",
    "AssuranceOutcomeChoice",
    "ChangeRecord",
    "Decline",
    "FileJob",
    "FileJobStatus",
    "FileKind",
    "HealthAndWellbeingBoard",
    "Level",
    "LocalAuthority",
    "Plan",
    "PlanCCG",
    "PlanStatus",
    "PlanningUnit",
    "Provider",
    "ProviderCommentary",
    "RelatedDocument",
    "Risk",
    "RiskRating",
    "Role",
    "RoleAssignment",
    "SectionComment",
    "SectionRevision",
    "Signature",
    "SignatureKind",
    "Submission",
    "SubmissionCheck",
    "SubmissionFile",
    "UnplacedAnswer",
    "Verb",
    "VersionSeal",
    "file_sha256",
    "upload_to",
]
