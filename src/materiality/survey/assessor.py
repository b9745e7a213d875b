"""The assessor questionnaire of a double-materiality assessment: what it asks, reading a
posted answer, storing it.

An assessor opens the panel's link with a single-use invitation code, as a company rater
does, and rates each IRO of the register on the criteria that apply to its kind
(``services.scoring.anchors.criteria_for``), 1-5 or "cannot judge" (stored as NULL).
One assessor is one Submission(kind="assessor") with one IroRating per IRO and criterion.

The panel is a few dozen people, not a crowd at a poster: reads and the write go through
the ORM session, and the write is one transaction the view commits: the submission, its
ratings and the code marked used, all or nothing. The code is used once: the UNIQUE
submission.invitation_code_id, and the UPDATE that marks it used only while unused.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update

from ..extensions import db
from ..models import (
    AssessmentTopic,
    CriterionAnchor,
    InvitationCode,
    Iro,
    IroRating,
    QuestionnaireKind,
    Submission,
)
from ..services.scoring.anchors import criteria_for, merged_anchors
from .operations import CodeFacts, LinkFacts
from .questionnaires import DONT_KNOW, RATER_KINDS

#: The posted value of "cannot judge" (stored as NULL), the survey's "don't know".
CANNOT_JUDGE = DONT_KNOW
LEVELS = frozenset({"1", "2", "3", "4", "5"})
#: A rating's field: "r12_scale" rates criterion scale of IRO 12. Any field named "r" and
#: a digit is taken for a rating, so a malformed one is refused rather than ignored.
_FIELD = re.compile(r"r([0-9]{1,18})_([a-z_]{1,20})\Z")
_RATING_LIKE = re.compile(r"r[0-9]")


def rating_field(iro_id: int, criterion: str) -> str:
    """The form field that rates one criterion of one IRO."""
    return f"r{iro_id}_{criterion}"


def asked_iros(assessment_id: int) -> list[Iro]:
    """The register as the questionnaire asks it: by topic in the assessment's order,
    then in the order the IROs were added."""
    return list(db.session.scalars(
        select(Iro).join(AssessmentTopic, (AssessmentTopic.assessment_id == Iro.assessment_id)
                         & (AssessmentTopic.topic_id == Iro.topic_id), isouter=True)
        .where(Iro.assessment_id == assessment_id)
        .order_by(AssessmentTopic.position, Iro.id)))


def asked_criteria(iros: list[Iro]) -> dict[int, tuple[str, ...]]:
    """Each IRO's criteria, by IRO id, in the order they are asked."""
    return {iro.id: criteria_for(iro.kind, iro.actuality, iro.human_rights) for iro in iros}


def assessment_anchors(assessment_id: int) -> dict[str, dict[int, dict[str, str]]]:
    """The written anchors the assessment's assessors read: its own wording over the defaults."""
    rows = db.session.scalars(select(CriterionAnchor).where(
        CriterionAnchor.assessment_id == assessment_id))
    return merged_anchors({"criterion": row.criterion, "level": row.level,
                           "text_zh": row.text_zh, "text_en": row.text_en} for row in rows)


@dataclass
class AssessorResponse:
    """An assessor's answers as posted, checked against the questions asked."""

    rater_kind: str | None = None
    #: (iro id, criterion) -> 1-5, or None for "cannot judge"
    ratings: dict[tuple[int, str], int | None] = field(default_factory=dict)
    #: field -> "missing" (no level chosen) or "rater_kind" (how they take part)
    errors: dict[str, str] = field(default_factory=dict)
    #: posted ratings of questions not asked (a criterion that does not apply, an IRO
    #: not in the register): the whole answer is refused and shown again
    stray: list[str] = field(default_factory=list)


def read_assessor_response(form: Mapping[str, str], asked: Mapping[int, tuple[str, ...]],
                           link_rater_kind: str | None) -> AssessorResponse:
    """Check a posted answer: every criterion asked needs a level or "cannot judge"."""
    posted = AssessorResponse(rater_kind=link_rater_kind)
    if link_rater_kind is None:
        chosen = form.get("rater_kind", "")
        if chosen in {value for value, _label in RATER_KINDS}:
            posted.rater_kind = chosen
        else:
            posted.errors["rater_kind"] = "rater_kind"
    for iro_id, criteria in asked.items():
        for criterion in criteria:
            value = form.get(rating_field(iro_id, criterion), "")
            if value in LEVELS:
                posted.ratings[(iro_id, criterion)] = int(value)
            elif value == CANNOT_JUDGE:
                posted.ratings[(iro_id, criterion)] = None
            else:
                posted.errors[rating_field(iro_id, criterion)] = "missing"
    for name in form:
        if not _RATING_LIKE.match(name):
            continue
        match = _FIELD.match(name)
        if match is None or match.group(2) not in asked.get(int(match.group(1)), ()):
            posted.stray.append(name)
    return posted


class CodeUsed(Exception):  # noqa: N818 - an outcome, not a failure of ours
    """The invitation code was used by another response in the meantime."""


def store_assessor_response(*, uid: str, link: LinkFacts, code: CodeFacts,
                            rater_kind: str | None,
                            ratings: Mapping[tuple[int, str], int | None],
                            asked: Mapping[int, tuple[str, ...]], locale: str,
                            started_at: datetime | None) -> Submission:
    """Add one assessor's submission, its ratings, and mark the code used (flush only).

    A rating of a criterion that does not apply to its IRO (or of an IRO not asked) is
    refused with ValueError: scores must never rest on a question nobody was asked.
    Raises :class:`CodeUsed` when the code is used already; a second store of the same
    ``uid`` fails on the UNIQUE submission.uid (IntegrityError) at the flush.
    """
    for iro_id, criterion in ratings:
        if criterion not in asked.get(iro_id, ()):
            raise ValueError(f"criterion {criterion!r} is not asked of IRO {iro_id}")
        value = ratings[(iro_id, criterion)]
        if value is not None and not 1 <= value <= 5:
            raise ValueError(f"rating {value!r} is outside 1-5")
    now = datetime.now(UTC)
    used = db.session.execute(
        update(InvitationCode)
        .where(InvitationCode.id == code.id, InvitationCode.link_id == link.id,
               InvitationCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise CodeUsed
    submission = Submission(
        uid=uid, assessment_id=link.assessment_id, link_id=link.id,
        kind=QuestionnaireKind.ASSESSOR.value, rater_kind=rater_kind,
        invitation_code_id=code.id, locale=locale, started_at=started_at, submitted_at=now)
    db.session.add(submission)
    db.session.flush()
    db.session.add_all(IroRating(submission_id=submission.id, iro_id=iro_id,
                                 criterion=criterion, value=value)
                       for (iro_id, criterion), value in ratings.items())
    db.session.flush()
    return submission

