"""Changes editors and admins make from the report pages.

Functions here only flush; the view (or CLI command) commits once at the edge.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..admin.operations import OperationRefused, next_position
from ..extensions import db
from ..frozen_configuration import is_closed
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
from ..services.documents.tables import normalize_locale
from ..trail import Action, record


def _thresholds(assessment: Assessment) -> dict:
    return {"mode": assessment.threshold_mode, "company": assessment.threshold_company,
            "stakeholder": assessment.threshold_stakeholder, "top_n": assessment.top_n,
            "quantile": assessment.quantile}


def _refuse_when_closed(assessment: Assessment) -> None:
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")


def save_scoring_settings(assessment: Assessment, *, threshold_mode: str,
                          threshold_company: float | None, threshold_stakeholder: float | None,
                          top_n: int | None, quantile: float | None,
                          rater_kind_weights: Mapping[str, float],
                          reason: str | None = None) -> bool:
    """Store how tiers are cut and how the company-side rater kinds are weighted.

    A change moves results, so it needs a reason and is refused once the assessment is
    closed; returns False when nothing changed.
    """
    _refuse_when_closed(assessment)
    thresholds_before = _thresholds(assessment)
    kinds_before = {k: float(w) for k, w in assessment.rater_kind_weights.items()}
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
    thresholds_after = _thresholds(assessment)
    kinds_after = {k: float(w) for k, w in assessment.rater_kind_weights.items()}
    changes = [(Action.THRESHOLDS_CHANGED, thresholds_before, thresholds_after),
               (Action.RATER_KIND_WEIGHTS_CHANGED, kinds_before, kinds_after)]
    changes = [change for change in changes if change[1] != change[2]]
    if changes and not (reason or "").strip():
        raise OperationRefused("settings_reason_required")
    for action, before, after in changes:
        record(assessment, action, before=before, after=after, reason=reason)
    db.session.flush()
    return bool(changes)


def set_company_override(assessment: Assessment, topic_id: int, score: float, reason: str,
                         user_id: int | None) -> CompanyScoreOverride:
    """Set (or replace) a topic's company score; the written reason is required and kept."""
    _refuse_when_closed(assessment)
    if topic_id not in {link.topic_id for link in assessment.topic_links}:
        raise OperationRefused("topic_not_in_assessment")
    if not reason.strip():
        raise OperationRefused("reason_required")
    override = db.session.get(CompanyScoreOverride, (assessment.id, topic_id))
    before = None
    if override is None:
        override = CompanyScoreOverride(assessment_id=assessment.id, topic_id=topic_id)
        db.session.add(override)
    else:
        before = {"score": override.score, "reason": override.reason}
    override.score = float(score)
    override.reason = reason.strip()
    override.set_by_id = user_id
    override.set_at = now_utc()
    db.session.flush()
    record(assessment, Action.OVERRIDE_SET, subject=f"topic:{topic_id}", before=before,
           after={"score": override.score}, reason=override.reason)
    return override


def remove_company_override(assessment: Assessment, topic_id: int,
                            reason: str | None = None) -> bool:
    """Go back to the computed company score, saying why; False when there was no override."""
    _refuse_when_closed(assessment)
    override = db.session.get(CompanyScoreOverride, (assessment.id, topic_id))
    if override is None:
        return False
    if not (reason or "").strip():
        raise OperationRefused("remove_reason_required")
    before = {"score": override.score, "reason": override.reason}
    db.session.delete(override)
    db.session.flush()
    record(assessment, Action.OVERRIDE_REMOVED, subject=f"topic:{topic_id}", before=before,
           reason=reason)
    return True


def save_label_positions(assessment: Assessment, locale: str,
                         positions: Mapping[int, tuple[float, float]]) -> int:
    """Keep label centres (data coordinates) for the assessment's topics in one language.

    A centre off the plot is kept on its edge; one that is not a finite number is refused.
    """
    from ..services.charts.matrix import label_area  # matplotlib: load when used
    from ..services.charts.point_labels import clamp_to_plot

    locale = normalize_locale(locale)
    allowed = {link.topic_id for link in assessment.topic_links}
    xlim, ylim = label_area()
    saved = 0
    before: dict[str, list[float] | None] = {}
    after: dict[str, list[float]] = {}
    for topic_id, position in positions.items():
        if topic_id not in allowed:
            continue
        clamped = clamp_to_plot(position, xlim, ylim)
        if clamped is None:
            raise OperationRefused("position_not_finite")
        x, y = clamped
        row = db.session.get(LabelPosition, (assessment.id, topic_id, locale))
        if row is None:
            row = LabelPosition(assessment_id=assessment.id, topic_id=topic_id, locale=locale)
            db.session.add(row)
            before[str(topic_id)] = None
        else:
            before[str(topic_id)] = [row.x, row.y]
        row.x, row.y = float(x), float(y)
        after[str(topic_id)] = [row.x, row.y]
        saved += 1
    db.session.flush()
    if saved:
        # Labels are presentation, allowed on a closed assessment, but the published
        # picture changes: kept in the trail.
        record(assessment, Action.LABELS_MOVED, subject=f"locale:{locale}", before=before,
               after=after)
    return saved


def reset_label_positions(assessment: Assessment, locale: str) -> int:
    """Forget the hand-placed labels in one language; the placer decides again."""
    locale = normalize_locale(locale)
    where = (LabelPosition.assessment_id == assessment.id, LabelPosition.locale == locale)
    before = {str(row.topic_id): [row.x, row.y]
              for row in db.session.scalars(db.select(LabelPosition).where(*where))}
    result = db.session.execute(db.delete(LabelPosition).where(*where))
    db.session.flush()
    if before:
        record(assessment, Action.LABELS_RESET, subject=f"locale:{locale}", before=before)
    return result.rowcount or 0


def promote_open_answer(assessment: Assessment, submission_id: int, field: str,
                        locale: str) -> GroupStatement:
    """Add a stakeholder's open answer to its group's expectations, at the end.

    The text goes into the field of the current language (``text_zh`` or ``text_en``).
    """
    _refuse_when_closed(assessment)
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
    record(assessment, Action.ANSWER_PROMOTED, subject=f"submission:{submission.id}",
           after={"group_id": statement.group_id, "statement_id": statement.id,
                  "field": field, "text": text})
    return statement


def _double_settings(assessment: Assessment) -> dict:
    return {"aggregate": assessment.dm_aggregate, "combine": assessment.dm_combine,
            "thresholds": {"mode": assessment.dm_threshold_mode,
                           "impact": assessment.dm_threshold_impact,
                           "financial": assessment.dm_threshold_financial,
                           "top_n": assessment.dm_top_n, "quantile": assessment.dm_quantile}}


def save_double_settings(assessment: Assessment, *, aggregate: str, combine: str,
                         threshold_mode: str, threshold_impact: float | None,
                         threshold_financial: float | None, top_n: int | None,
                         quantile: float | None, reason: str | None = None) -> bool:
    """Store how a double-materiality assessment is scored: the aggregation of the
    assessors' ratings, the combination with likelihood, the two axes' thresholds.

    As the classic settings: a change needs a reason, is kept in the trail with the
    values before and after, and is refused once the assessment is closed; returns
    False when nothing changed.
    """
    from ..services.scoring.double import DoubleMaterialitySettings

    _refuse_when_closed(assessment)
    if threshold_mode == "value" and (threshold_impact is None or threshold_financial is None):
        raise OperationRefused("value_needs_thresholds")
    if threshold_mode == "top_n" and not top_n:
        raise OperationRefused("top_n_needs_n")
    if threshold_mode == "quantile" and quantile is None:
        raise OperationRefused("quantile_needs_q")
    try:  # the service's own checks: one definition of what the method accepts
        DoubleMaterialitySettings(aggregate=aggregate, combine=combine,
                                  threshold_mode=threshold_mode,
                                  threshold_impact=threshold_impact,
                                  threshold_financial=threshold_financial, top_n=top_n,
                                  quantile=quantile)
    except ValueError as error:
        raise OperationRefused("settings_not_valid") from error
    before = _double_settings(assessment)
    assessment.dm_aggregate, assessment.dm_combine = aggregate, combine
    assessment.dm_threshold_mode = threshold_mode
    assessment.dm_threshold_impact = threshold_impact
    assessment.dm_threshold_financial = threshold_financial
    assessment.dm_top_n, assessment.dm_quantile = top_n, quantile
    after = _double_settings(assessment)
    if before == after:
        return False
    if not (reason or "").strip():
        raise OperationRefused("settings_reason_required")
    record(assessment, Action.DOUBLE_SETTINGS_CHANGED, before=before, after=after,
           reason=reason)
    db.session.flush()
    return True
