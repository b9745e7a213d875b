"""The domain models, one module per domain; import them from here."""
from ._base import as_utc, now_utc, pick_language
from .assessment import (
    CLASSIC_METHOD_VERSION,
    DOUBLE_METHOD_VERSION,
    METHOD_VERSIONS,
    Assessment,
    AssessmentGroupWeight,
    AssessmentStatus,
    AssessmentTopic,
    CompanyScoreOverride,
    LabelPosition,
    Method,
    ResponseTarget,
    ThresholdMode,
)
from .iro import (
    CRITERIA,
    IMPACT_KINDS,
    Actuality,
    CriterionAnchor,
    Iro,
    IroKind,
    IroRating,
    TimeHorizon,
    ValueChainStage,
    iro_stakeholder_group,
)
from .library import (
    Category,
    GroupStatement,
    StakeholderGroup,
    StatementKind,
    Topic,
    ordered_groups,
)
from .organisation import ORGANISATION_ID, Organisation
from .survey import (
    Answer,
    InvitationCode,
    LinkState,
    QuestionnaireKind,
    RaterKind,
    Rating,
    Submission,
    SurveyLink,
    new_short_code,
    new_token,
)
from .trail import TrailEntry
from .user import Role, User

__all__ = [
    "CLASSIC_METHOD_VERSION", "CRITERIA", "DOUBLE_METHOD_VERSION", "IMPACT_KINDS",
    "METHOD_VERSIONS", "Actuality", "Iro", "IroKind", "IroRating", "Method", "TimeHorizon",
    "ValueChainStage", "iro_stakeholder_group", "Answer", "Assessment", "AssessmentGroupWeight",
    "AssessmentStatus", "AssessmentTopic", "Category",
    "CompanyScoreOverride", "GroupStatement", "InvitationCode", "LabelPosition", "LinkState",
    "QuestionnaireKind", "Rating", "RaterKind", "ResponseTarget", "Role", "StakeholderGroup",
    "StatementKind", "Submission", "SurveyLink", "ThresholdMode", "Topic", "TrailEntry", "User",
    "CriterionAnchor", "ORGANISATION_ID", "Organisation",
    "as_utc", "ordered_groups", "new_short_code", "new_token", "now_utc", "pick_language",
]
