"""Changes editors and admins make from the report pages.

Functions here only flush; the view (or CLI command) commits once at the edge.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..admin.operations import next_position
from ..extensions import db
from ..models import (
    Assessment,
    CompanyScoreOverride,
    GroupStatement,
    LabelPosition,
    QuestionnaireKind,
    StatementKind,
    Submission,
    now_utc,
)
from ..services.report_tables import normalize_locale


class OperationRefused(Exception):
    """A change that would make the data wrong; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def save_scoring_settings(assessment: Assessment, *, threshold_mode: str,
                          threshold_company: float | None, threshold_stakeholder: float | None,
                          top_n: int | None, quantile: float | None,
                          rater_kind_weights: Mapping[str, float]) -> None:
    """Store how tiers are cut and how the company-side rater kinds are weighted."""
    if threshold_mode == "value" and (threshold_company is None or threshold_stakeholder is None):
        raise OperationRefused("value_needs_thresholds")
    if threshold_mode == "top_n" and not top_n:
        raise OperationRefused("top_n_needs_n")
    if threshold_mode == "quantile" and quantile is None:
        raise OperationRefused("quantile_needs_q")
    if sum(rater_kind_weights.values()) <= 0:
        raise OperationRefused("weights_all_zero")
    assessment.threshold_mode = threshold_mode
    assessment.threshold_company = threshold_company
    assessment.threshold_stakeholder = threshold_stakeholder
    assessment.top_n = top_n
    assessment.quantile = quantile
    for kind, weight in rater_kind_weights.items():
        setattr(assessment, f"weight_{kind}", float(weight))
    db.session.flush()


def set_company_override(assessment: Assessment, topic_id: int, score: float, reason: str,
                         user_id: int | None) -> CompanyScoreOverride:
    """Set (or replace) a topic's company score; the written reason is required and kept."""
    if topic_id not in {link.topic_id for link in assessment.topic_links}:
        raise OperationRefused("topic_not_in_assessment")
    if not reason.strip():
        raise OperationRefused("reason_required")
    override = db.session.get(CompanyScoreOverride, (assessment.id, topic_id))
    if override is None:
        override = CompanyScoreOverride(assessment_id=assessment.id, topic_id=topic_id)
        db.session.add(override)
    override.score = float(score)
    override.reason = reason.strip()
    override.set_by_id = user_id
    override.set_at = now_utc()
    db.session.flush()
    return override


def remove_company_override(assessment: Assessment, topic_id: int) -> bool:
    """Go back to the computed company score; False when there was no override."""
    override = db.session.get(CompanyScoreOverride, (assessment.id, topic_id))
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    return True


def save_label_positions(assessment: Assessment, locale: str,
                         positions: Mapping[int, tuple[float, float]]) -> int:
    """Keep label centres (data coordinates) for the assessment's topics in one language."""
    locale = normalize_locale(locale)
    allowed = {link.topic_id for link in assessment.topic_links}
    saved = 0
    for topic_id, (x, y) in positions.items():
        if topic_id not in allowed:
            continue
        row = db.session.get(LabelPosition, (assessment.id, topic_id, locale))
        if row is None:
            row = LabelPosition(assessment_id=assessment.id, topic_id=topic_id, locale=locale)
            db.session.add(row)
        row.x, row.y = float(x), float(y)
        saved += 1
    db.session.flush()
    return saved


def reset_label_positions(assessment: Assessment, locale: str) -> int:
    """Forget the hand-placed labels in one language; the placer decides again."""
    result = db.session.execute(db.delete(LabelPosition).where(
        LabelPosition.assessment_id == assessment.id,
        LabelPosition.locale == normalize_locale(locale)))
    db.session.flush()
    return result.rowcount or 0


def promote_open_answer(assessment: Assessment, submission_id: int, field: str,
                        locale: str) -> GroupStatement:
    """Add a stakeholder's open answer to its group's expectations, at the end.

    The text goes into the field of the current language (``text_zh`` or ``text_en``).
    """
    if field not in ("expectations", "other_topics"):
        raise OperationRefused("bad_field")
    submission = db.session.get(Submission, submission_id)
    if (submission is None or submission.assessment_id != assessment.id
            or submission.kind != QuestionnaireKind.STAKEHOLDER
            or submission.deleted_at is not None or submission.group_id is None):
        raise OperationRefused("no_such_answer")
    text = (getattr(submission, field) or "").strip()
    if not text:
        raise OperationRefused("no_such_answer")
    kind = StatementKind.EXPECTATION.value
    statement = GroupStatement(group_id=submission.group_id, kind=kind,
                               position=next_position(submission.group_id, kind))
    if normalize_locale(locale) == "zh_CN":
        statement.text_zh = text
    else:
        statement.text_en = text
    db.session.add(statement)
    db.session.flush()
    return statement
