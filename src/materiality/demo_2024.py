"""The demo's second year: a closed 2024 assessment copied from 2023, to compare years.

Copied from the 2023 assessment as staff would copy it, then one topic dropped
("行业交流", industry exchange) and one new library topic added (biodiversity). Every
counted 2023 respondent answers again in 2024 (same group or rater kind), with each
answer shifted deterministically: per topic and axis a drift ``d`` moves an answer one
step in the direction of ``d`` with probability ``|d|`` (``numpy.random.default_rng(2024)``),
kept within 1-5; "don't know" stays "don't know". The drifts tell a plausible story (the
"dual carbon" action and energy rise, charity falls out of the material set) and small
random ones move the rest. The new topic is rated around its own means. Added only when
the 2024 assessment has no submissions yet, so ``seed-demo`` stays idempotent.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert

from .admin.operations import change_status, copy_assessment, set_assessment_topics
from .extensions import db
from .fieldwork.operations import assessment_links, ensure_links
from .models import (
    Assessment,
    AssessmentStatus,
    Category,
    QuestionnaireKind,
    Rating,
    StakeholderGroup,
    Submission,
    Topic,
)

DEMO_YEAR = 2024
DEMO_TITLE = "2024年度实质性议题评估"
#: The topic the 2024 questionnaire no longer asks.
DROPPED_TOPIC_ZH = "行业交流"
#: The library topic added for 2024: (zh, en, category key, GRI, ESRS, description zh, en).
NEW_TOPIC = (
    "生物多样性保护", "Biodiversity protection", "environmental", "GRI 304", "E4",
    "在项目选址、建设和运营中识别并减少对生态系统和物种的影响。",
    "Identify and reduce the effects of siting, construction and operations on "
    "ecosystems and species.",
)
#: Mean answers to the new topic: (stakeholders, company raters).
NEW_TOPIC_MEANS = (3.9, 3.4)
#: Deliberate drifts per topic (zh name): (company, stakeholders), in answer steps.
STORY_DRIFTS = {
    "“双碳”行动": (0.8, 0.5),
    "能源管理": (0.3, 0.35),
    "科技创新": (0.3, 0.2),
    "公益慈善": (-0.6, -0.8),
    "员工身心健康": (-0.3, 0.1),
}
#: Random drifts of the other topics lie within +/- this many steps.
OTHER_DRIFT = 0.15


def add_demo_2024(source: Assessment) -> tuple[int, int, int]:
    """Add the 2024 assessment copied from ``source`` (2023) and its responses.

    Returns (topics, assessments, submissions) added. Flush only: the caller commits.
    """
    topic, topic_added = _new_topic()
    assessment = db.session.scalar(db.select(Assessment).where(
        Assessment.reporting_year == DEMO_YEAR, Assessment.title == DEMO_TITLE))
    assessment_added = assessment is None
    if assessment is None:
        assessment = copy_assessment(source, DEMO_TITLE, DEMO_YEAR)
        kept = [link.topic_id for link in assessment.topic_links
                if link.topic.name_zh != DROPPED_TOPIC_ZH]
        set_assessment_topics(assessment, [*kept, topic.id])
    added = _add_responses(source, assessment)
    if added:  # closed as staff close it: the configuration frozen, the act in the trail
        change_status(assessment, AssessmentStatus.CLOSED)
    return int(topic_added), int(assessment_added), added


def _new_topic() -> tuple[Topic, bool]:
    """The biodiversity topic, created in the library when missing."""
    zh, en, category_key, gri, esrs, description_zh, description_en = NEW_TOPIC
    topic = db.session.scalar(db.select(Topic).where(Topic.name_zh == zh))
    if topic is not None:
        return topic, False
    category = db.session.scalar(db.select(Category).where(Category.key == category_key))
    topic = Topic(name_zh=zh, name_en=en, category=category, gri_codes=gri, esrs_codes=esrs,
                  description_zh=description_zh, description_en=description_en)
    db.session.add(topic)
    db.session.flush()
    return topic, True


def _drifts(topics: list[Topic], rng: np.random.Generator) -> np.ndarray:
    """Per topic the (company, stakeholder) drift: the story's, or a small random one."""
    drifts = rng.uniform(-OTHER_DRIFT, OTHER_DRIFT, size=(len(topics), 2))
    for i, topic in enumerate(topics):
        if topic.name_zh in STORY_DRIFTS:
            drifts[i] = STORY_DRIFTS[topic.name_zh]
    return drifts


def _source_answers(source: Assessment) -> tuple[list[Submission], dict[int, dict[int, int | None]]]:
    """The source's counted stakeholder and company submissions and their ratings."""
    submissions = list(db.session.scalars(
        db.select(Submission).where(
            Submission.assessment_id == source.id, Submission.deleted_at.is_(None),
            Submission.kind.in_([QuestionnaireKind.STAKEHOLDER, QuestionnaireKind.COMPANY]),
            (Submission.group_id.is_not(None)) | (Submission.rater_kind.is_not(None)))
        .order_by(Submission.id)))
    answers: dict[int, dict[int, int | None]] = {s.id: {} for s in submissions}
    rows = db.session.execute(db.select(Rating.submission_id, Rating.topic_id, Rating.score)
                              .join(Submission).where(Submission.assessment_id == source.id))
    for submission_id, topic_id, score in rows:
        if submission_id in answers:
            answers[submission_id][topic_id] = score
    return submissions, answers


def _add_responses(source: Assessment, assessment: Assessment) -> int:
    """Every counted source respondent answers again, shifted; return submissions added."""
    existing = db.session.scalar(db.select(func.count()).select_from(Submission).where(
        Submission.assessment_id == assessment.id))
    submissions, answers = _source_answers(source)
    if existing or not submissions:
        return 0
    topics = assessment.topics
    rng = np.random.default_rng(DEMO_YEAR)
    drifts = _drifts(topics, rng)
    new_means = dict(zip((QuestionnaireKind.STAKEHOLDER, QuestionnaireKind.COMPANY),
                         NEW_TOPIC_MEANS, strict=True))

    ensure_links(assessment, list(db.session.scalars(
        db.select(StakeholderGroup).where(StakeholderGroup.archived.is_(False))
        .order_by(StakeholderGroup.position, StakeholderGroup.id))))
    links = {(link.kind, link.group_id, link.rater_kind): link
             for link in assessment_links(assessment.id)}
    start = datetime(DEMO_YEAR, 11, 4, 9, 0, tzinfo=UTC)
    planned: list[tuple[Submission, Submission]] = []
    for index, old in enumerate(submissions):
        link = links.get((old.kind, old.group_id, old.rater_kind))
        if link is None:  # an archived group keeps its answers but gets no new link
            continue
        submitted = start + timedelta(minutes=int(index * 37 + rng.integers(0, 30)))
        planned.append((old, Submission(
            uid=f"demo-{assessment.id}-{index}", assessment_id=assessment.id,
            link_id=link.id, kind=old.kind, group_id=old.group_id,
            rater_kind=old.rater_kind, locale=old.locale, expectations=old.expectations,
            other_topics=old.other_topics, started_at=submitted - timedelta(minutes=6),
            submitted_at=submitted)))
    db.session.add_all([new for _old, new in planned])
    db.session.flush()  # one multi-row INSERT gives every submission its id

    ratings: list[dict] = []
    for old, new in planned:
        axis = 0 if old.kind == QuestionnaireKind.COMPANY else 1
        for i, topic in enumerate(topics):
            if topic.id in answers[old.id]:
                score = _shifted(answers[old.id][topic.id], drifts[i, axis], rng)
            else:  # the new topic
                score = int(np.clip(np.rint(rng.normal(new_means[old.kind], 0.8)), 1, 5))
            ratings.append({"submission_id": new.id, "topic_id": topic.id, "score": score})
    db.session.connection().execute(insert(Rating.__table__), ratings)
    db.session.flush()
    return len(planned)


def _shifted(score: int | None, drift: float, rng: np.random.Generator) -> int | None:
    """One answer moved a step in the drift's direction with probability |drift|, in 1-5.

    The random number is drawn for "don't know" too, so every answer uses one draw.
    """
    moves = rng.random() < abs(drift)
    if score is None:
        return None
    return int(min(5, max(1, score + (int(np.sign(drift)) if moves else 0))))
