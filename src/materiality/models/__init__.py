"""The domain models, one module per domain; import them from here."""
from ._base import as_utc, now_utc, pick_language
from .assessment import (
    CLASSIC_METHOD_VERSION,
    Assessment,
    AssessmentGroupWeight,
    AssessmentStatus,
    AssessmentTopic,
    CompanyScoreOverride,
    LabelPosition,
    ResponseTarget,
    ThresholdMode,
)
from .library import Category, GroupStatement, StakeholderGroup, StatementKind, Topic
from .survey import (
    Answer,
    InvitationCode,
    LinkState,
    QuestionnaireKind,
    RaterKind,
    Rating,
    Submission,
    SurveyLink,
    new_token,
)
from .trail import TrailEntry
from .user import Role, User

__all__ = [
    "CLASSIC_METHOD_VERSION", "Answer", "Assessment", "AssessmentGroupWeight",
    "AssessmentStatus", "AssessmentTopic", "Category",
    "CompanyScoreOverride", "GroupStatement", "InvitationCode", "LabelPosition", "LinkState",
    "QuestionnaireKind", "Rating", "RaterKind", "ResponseTarget", "Role", "StakeholderGroup",
    "StatementKind", "Submission", "SurveyLink", "ThresholdMode", "Topic", "TrailEntry", "User",
    "as_utc", "new_token", "now_utc", "pick_language",
]
