"""Synthetic survey responses for the demo 2023 assessment, so a fresh install has a matrix.

Deterministic (``numpy.random.default_rng(2023)``): 40 stakeholder submissions per
group and 15 company raters (5 of each kind). Topic means are chosen so that most
topics sit in the upper-right region, as in the model report. Added only when the
assessment has no submissions yet, so ``seed-demo`` stays idempotent.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert

from .extensions import db
from .fieldwork.operations import assessment_links, ensure_links
from .models import (
    Assessment,
    QuestionnaireKind,
    RaterKind,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
)

STAKEHOLDERS_PER_GROUP = 40
RATERS_PER_KIND = 5
DONT_KNOW_SHARE = 0.05
_OPEN_ANSWERS = (
    "希望公司进一步加强信息披露，定期发布社会责任报告。",
    "希望加强与社区的沟通，公开环境监测数据。",
    "关注员工职业发展通道和培训机会。",
    "建议增加对供应商的ESG审核。",
    "Please publish more data on energy use and emissions.",
)


def add_demo_responses(assessment: Assessment) -> int:
    """Add the synthetic responses to ``assessment``; return how many submissions were added.

    Flush only: the caller commits.
    """
    existing = db.session.scalar(db.select(func.count()).select_from(Submission).where(
        Submission.assessment_id == assessment.id))
    topic_ids = [link.topic_id for link in assessment.topic_links]
    groups = list(db.session.scalars(
        db.select(StakeholderGroup).where(StakeholderGroup.archived.is_(False))
        .order_by(StakeholderGroup.position, StakeholderGroup.id)))
    if existing or not topic_ids or not groups:
        return 0

    rng = np.random.default_rng(2023)
    n_topics = len(topic_ids)
    # Most topics important on both axes; a few lower, like the model report's matrix.
    stake_means = rng.uniform(3.2, 4.7, size=n_topics)
    company_means = np.clip(stake_means + rng.normal(0.0, 0.35, size=n_topics), 2.6, 4.8)
    low = rng.choice(n_topics, size=max(1, n_topics // 6), replace=False)
    stake_means[low] -= rng.uniform(0.6, 1.2, size=low.size)
    company_means[low] -= rng.uniform(0.3, 1.0, size=low.size)
    start = datetime(2023, 11, 6, 9, 0, tzinfo=UTC)

    # The responses arrive through the demo's own links (created as staff would).
    ensure_links(assessment, groups)
    links = {(link.kind, link.group_id, link.rater_kind): link
             for link in assessment_links(assessment.id)}
    planned: list[tuple[Submission, np.ndarray]] = []
    for group in groups:
        link = links[(QuestionnaireKind.STAKEHOLDER, group.id, None)]
        bias = rng.normal(0.0, 0.25, size=n_topics)
        for _i in range(STAKEHOLDERS_PER_GROUP):
            answer = _OPEN_ANSWERS[rng.integers(len(_OPEN_ANSWERS))] if rng.random() < 0.1 else None
            submission = _submission(assessment, link, start, len(planned), rng,
                                     group_id=group.id, expectations=answer)
            planned.append((submission, stake_means + bias))
    for kind in RaterKind:
        link = links[(QuestionnaireKind.COMPANY, None, kind.value)]
        bias = rng.normal(0.0, 0.2, size=n_topics)
        for _i in range(RATERS_PER_KIND):
            submission = _submission(assessment, link, start, len(planned), rng,
                                     rater_kind=kind.value)
            planned.append((submission, company_means + bias))
    db.session.add_all([submission for submission, _means in planned])
    db.session.flush()  # one multi-row INSERT gives every submission its id
    ratings: list[dict] = []
    for submission, means in planned:
        ratings += _ratings(submission.id, topic_ids, means, rng)
    db.session.connection().execute(insert(Rating.__table__), ratings)
    db.session.flush()
    return len(planned)


def _submission(assessment: Assessment, link: SurveyLink, start: datetime, index: int,
                rng: np.random.Generator, **values) -> Submission:  # noqa: ANN003
    """One submission (added to the session by the caller)."""
    submitted = start + timedelta(minutes=int(index * 37 + rng.integers(0, 30)))
    submission = Submission(
        uid=f"demo-{assessment.id}-{index}", assessment_id=assessment.id, link_id=link.id,
        kind=link.kind, locale="zh_CN", started_at=submitted - timedelta(minutes=6),
        submitted_at=submitted, **values)
    return submission


def _ratings(submission_id: int, topic_ids: list[int], means: np.ndarray,
             rng: np.random.Generator) -> list[dict]:
    """One respondent's answers: around the means, 1-5, some "don't know"."""
    scores = np.clip(np.rint(rng.normal(means, 0.8)), 1, 5).astype(int)
    unknown = rng.random(len(topic_ids)) < DONT_KNOW_SHARE
    return [
        {"submission_id": submission_id, "topic_id": topic_id,
         "score": None if dont_know else int(score)}
        for topic_id, score, dont_know in zip(topic_ids, scores, unknown, strict=True)
    ]
