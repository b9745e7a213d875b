"""Changes CSR staff make to the library and assessments.

Functions here only flush; the view (or CLI command) commits once at the edge.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import func

from ..extensions import db
from ..frozen_configuration import (
    freeze_group_weights,
    frozen_configuration,
    group_weights,
    is_closed,
    organisation_snapshot,
    response_table_snapshot,
    topics_snapshot,
)
from ..models import (
    Assessment,
    AssessmentGroupWeight,
    AssessmentStatus,
    AssessmentTopic,
    Category,
    GroupStatement,
    Iro,
    ResponseTarget,
    Submission,
    Topic,
)
from ..services.library.topic_files import TOPIC_COLUMNS, TopicRow
from ..services.library.topic_templates import TopicTemplate, missing_topics
from ..trail import Action, record


class OperationRefused(Exception):
    """A change that would make the data wrong; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def category_spellings() -> dict[str, str]:
    """Every accepted spelling of every category (key, zh, en; lower-cased) -> key."""
    spellings: dict[str, str] = {}
    for category in db.session.scalars(db.select(Category)):
        for spelling in (category.key, category.name_zh, category.name_en):
            if spelling:
                spellings[spelling.strip().lower()] = category.key
    return spellings


def import_topics(rows: Iterable[TopicRow]) -> tuple[int, int]:
    """Add new topics and update those whose Chinese or English name matches.

    Returns (created, updated). The caller has validated every row first.
    """
    categories = {c.key: c for c in db.session.scalars(db.select(Category))}
    by_zh = {t.name_zh: t for t in db.session.scalars(db.select(Topic)) if t.name_zh}
    by_en = {t.name_en: t for t in db.session.scalars(db.select(Topic)) if t.name_en}
    created = updated = 0
    for row in rows:
        topic = by_zh.get(row.name_zh or "") or by_en.get(row.name_en or "")
        if topic is None:
            topic = Topic()
            db.session.add(topic)
            created += 1
        else:
            updated += 1
        for column in ("name_zh", "name_en", "description_zh", "description_en",
                       "cass_codes", "gri_codes", "esrs_codes", "guideline_codes"):
            value = getattr(row, column)
            if value is not None or column.startswith("description"):
                setattr(topic, column, value)
        topic.category = categories[row.category_key]
        topic.archived = False
    db.session.flush()
    return created, updated


def add_template_topics(template: TopicTemplate, categories: Mapping[str, Category]) -> int:
    """Add the template's topics the library does not hold yet (by either name); returns
    how many were added. ``categories`` maps every key the template uses to a category."""
    names = [name for pair in db.session.execute(db.select(Topic.name_zh, Topic.name_en))
             for name in pair]
    added = missing_topics(template, names)
    for topic in added:
        db.session.add(Topic(name_zh=topic.name_zh, name_en=topic.name_en,
                             category=categories[topic.category_key],
                             gri_codes=topic.gri_codes, esrs_codes=topic.esrs_codes,
                             cass_codes=topic.cass_codes,
                             guideline_codes=topic.guideline_codes))
    db.session.flush()
    return len(added)


def topic_records(include_archived: bool = True) -> list[tuple[str | None, ...]]:
    """The library as rows in TOPIC_COLUMNS order, for CSV and XLSX export."""
    query = db.select(Topic).order_by(Topic.id)
    if not include_archived:
        query = query.where(Topic.archived.is_(False))
    records = []
    for topic in db.session.scalars(query):
        values = {column: getattr(topic, column, None) for column in TOPIC_COLUMNS}
        values["category"] = topic.category.key
        records.append(tuple(values[c] for c in TOPIC_COLUMNS))
    return records


def next_position(statement_group_id: int, kind: str) -> int:
    """The position after the group's last statement of this kind."""
    last = db.session.scalar(
        db.select(func.max(GroupStatement.position)).where(
            GroupStatement.group_id == statement_group_id, GroupStatement.kind == kind
        )
    )
    return (last if last is not None else -1) + 1


def move_in_list(items: Sequence, item, direction: str) -> bool:  # noqa: ANN001
    """Swap ``item`` with its neighbour up or down and renumber positions 0..n-1."""
    ordered = list(items)
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    db.session.flush()
    return True


def has_responses(assessment: Assessment) -> bool:
    """True once anybody has answered any questionnaire of the assessment."""
    return bool(db.session.scalar(
        db.select(func.count()).select_from(Submission).where(
            Submission.assessment_id == assessment.id
        )
    ))


def set_assessment_topics(assessment: Assessment, topic_ids: Sequence[int]) -> None:
    """Replace the assessment's topic selection with ``topic_ids`` in that order.

    Refused once responses exist: the answers were given to the old list, so the
    scores would mix two questionnaires. Copy the assessment instead.
    """
    current = [link.topic_id for link in assessment.topic_links]
    if list(topic_ids) == current:
        return
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    if has_responses(assessment):
        raise OperationRefused("has_responses")
    if len(set(topic_ids)) != len(topic_ids):
        raise OperationRefused("duplicate_topic")
    # An IRO belongs to one of the assessment's topics: remove its IROs first.
    if db.session.scalar(db.select(func.count()).select_from(Iro).where(
            Iro.assessment_id == assessment.id, Iro.topic_id.not_in(list(topic_ids)))):
        raise OperationRefused("topic_has_iros")
    assessment.topic_links.clear()
    db.session.flush()
    for position, topic_id in enumerate(topic_ids):
        assessment.topic_links.append(AssessmentTopic(topic_id=topic_id, position=position))
    db.session.flush()
    record(assessment, Action.TOPICS_CHANGED, before={"topics": current},
           after={"topics": list(topic_ids),
                  "added": [t for t in topic_ids if t not in current],
                  "removed": [t for t in current if t not in topic_ids]})


def next_year_title(title: str, from_year: int, to_year: int) -> str:
    """A copied assessment's title: the source's year, where it stands alone, made the new one.

    "2024年度实质性议题评估" copied into 2025 reads "2025年度实质性议题评估"; a year inside a
    longer number (20241) is left alone, and so is a title that names no year.
    """
    return re.sub(rf"(?<!\d){from_year}(?!\d)", str(to_year), title)


def copy_assessment(source: Assessment, title: str, reporting_year: int,
                    title_en: str | None = None) -> Assessment:
    """A new draft with the source's topics, texts, thresholds, rater weights and targets.

    Group weights start from the groups' current weights, as for any new assessment
    (last year's stay last year's). Dates and responses are not copied: a new cycle
    asks again.
    """
    copy = Assessment(
        title=title,
        title_en=title_en,
        reporting_year=reporting_year,
        status=AssessmentStatus.DRAFT,
        copied_from_id=source.id,
    )
    for column in ("intro_zh", "intro_en", "privacy_zh", "privacy_en", "method",
                   "method_version", "horizon_short_years", "horizon_medium_years",
                   "threshold_mode",
                   "threshold_company", "threshold_stakeholder", "top_n", "quantile",
                   "weight_management", "weight_internal_expert", "weight_external_expert"):
        setattr(copy, column, getattr(source, column))
    for link in source.topic_links:
        if not link.topic.archived:
            copy.topic_links.append(AssessmentTopic(topic_id=link.topic_id, position=link.position))
    db.session.add(copy)
    db.session.flush()
    targets = db.session.scalars(
        db.select(ResponseTarget).where(ResponseTarget.assessment_id == source.id)
    )
    for target in targets:
        db.session.add(ResponseTarget(assessment_id=copy.id, group_id=target.group_id,
                                      target=target.target))
    freeze_group_weights(copy)
    record_creation(copy)
    from .iro_operations import copy_register  # it builds on this module

    copy_register(source, copy)
    return copy


def record_creation(assessment: Assessment) -> None:
    """Start the assessment's trail with the configuration it was created with."""
    record(assessment, Action.ASSESSMENT_CREATED,
           after={**frozen_configuration(assessment),
                  "copied_from_id": assessment.copied_from_id})


STATUS_ACTIONS = {AssessmentStatus.OPEN: Action.ASSESSMENT_OPENED,
                  AssessmentStatus.CLOSED: Action.ASSESSMENT_CLOSED,
                  AssessmentStatus.DRAFT: Action.ASSESSMENT_TO_DRAFT}


def change_status(assessment: Assessment, status: str, reason: str | None = None) -> bool:
    """Open, close or take back to draft; False when the status is already that.

    Closing freezes the configuration (every group weight in force is kept, with the
    groups' names), the responses, the response table, the topics' names and the
    organisation's. Leaving the closed status is reopening: an explicit act with a reason.
    """
    status = AssessmentStatus(status)
    if assessment.status == status:
        return False
    if status == AssessmentStatus.OPEN and not assessment.topic_links:
        raise OperationRefused("no_topics")
    reopening = is_closed(assessment)
    if reopening and not (reason or "").strip():
        raise OperationRefused("reopen_reason_required")
    before = assessment.status
    assessment.status = status.value
    after: dict = {"status": status.value}
    if status == AssessmentStatus.CLOSED:
        freeze_group_weights(assessment)
        after["configuration"] = frozen_configuration(assessment)
        # The published response table: later edits of the groups' statements serve
        # next year's report, not this one (read back by frozen_response_table).
        after["response_table"] = response_table_snapshot()
        # The topics as its outputs name them: renaming or recategorising a topic in the
        # library later leaves the published report alone (read back by shown_topics).
        after["shown_topics"] = topics_snapshot(assessment)
        # The organisation as its methodology note names it (shown_organisation_names);
        # the groups' names are kept in the configuration (shown_groups).
        after["organisation"] = organisation_snapshot()
    record(assessment, Action.ASSESSMENT_REOPENED if reopening else STATUS_ACTIONS[status],
           before={"status": before}, after=after, reason=reason)
    return True


def set_group_weights(assessment: Assessment, weights: Mapping[int, float],
                      reason: str | None) -> tuple[dict[str, float], dict[str, float]]:
    """Change the assessment's own group weights; returns (before, after) of those changed.

    Refused once the assessment is closed, for weights that are not positive finite
    numbers, and without a reason when anything changes: the scores move.
    """
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    if any(not math.isfinite(w) or w <= 0 for w in weights.values()):
        raise OperationRefused("weight_not_positive")
    current = group_weights(assessment)
    changed = {g: float(w) for g, w in weights.items()
               if g in current and not math.isclose(current[g], w, rel_tol=0, abs_tol=1e-12)}
    if not changed:
        return {}, {}
    if not (reason or "").strip():
        raise OperationRefused("reason_required")
    for group_id, weight in changed.items():
        row = db.session.get(AssessmentGroupWeight, (assessment.id, group_id))
        if row is None:
            db.session.add(AssessmentGroupWeight(assessment_id=assessment.id,
                                                 group_id=group_id, weight=weight))
        else:
            row.weight = weight
    before = {str(g): current[g] for g in changed}
    after = {str(g): w for g, w in changed.items()}
    record(assessment, Action.GROUP_WEIGHTS_CHANGED, before=before, after=after, reason=reason)
    return before, after


def assessment_exists(title: str, reporting_year: int, exclude_id: int | None = None) -> bool:
    """True when another assessment has this title in this year."""
    query = db.select(func.count()).select_from(Assessment).where(
        Assessment.title == title, Assessment.reporting_year == reporting_year
    )
    if exclude_id is not None:
        query = query.where(Assessment.id != exclude_id)
    return bool(db.session.scalar(query))
