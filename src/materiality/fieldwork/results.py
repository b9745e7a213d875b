"""What staff read about the fieldwork: responses per group and per day, feedback counts.

Deleted responses are left out of every figure here.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Answer,
    QuestionnaireKind,
    ResponseTarget,
    StakeholderGroup,
    Submission,
    as_utc,
)
from ..survey.questionnaires import FEEDBACK, ChoiceQuestion

LIVE = Submission.deleted_at.is_(None)


@dataclass
class GroupProgress:
    group: StakeholderGroup | None
    count: int
    target: int | None

    @property
    def share(self) -> float | None:
        """Responses as a share of the target (capped at 1 for the bar)."""
        return min(1.0, self.count / self.target) if self.target else None


def progress_by_group(assessment_id: int, groups: list[StakeholderGroup]) -> list[GroupProgress]:
    """Stakeholder responses per group against the targets staff set."""
    counts = dict(db.session.execute(
        select(Submission.group_id, func.count()).where(
            Submission.assessment_id == assessment_id,
            Submission.kind == QuestionnaireKind.STAKEHOLDER, LIVE)
        .group_by(Submission.group_id)).all())
    targets = group_targets(assessment_id)
    rows = [GroupProgress(g, counts.pop(g.id, 0), targets.get(g.id)) for g in groups]
    leftover = sum(counts.values())  # archived groups or a group since removed
    if leftover:
        rows.append(GroupProgress(None, leftover, None))
    return rows


def group_targets(assessment_id: int) -> dict[int, int]:
    """The number of responses aimed for, per group id (groups without one left out)."""
    return dict(db.session.execute(
        select(ResponseTarget.group_id, ResponseTarget.target)
        .where(ResponseTarget.assessment_id == assessment_id)).all())


def responses_by_link(assessment_id: int) -> dict[int, int]:
    """Live responses per link id (links without any left out)."""
    return dict(db.session.execute(
        select(Submission.link_id, func.count()).where(
            Submission.assessment_id == assessment_id, LIVE)
        .group_by(Submission.link_id)).all())


def link_responses(link_id: int) -> int:
    """Live responses received through one link."""
    return db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.link_id == link_id, LIVE))


def counts_by_kind(assessment_id: int) -> dict[str, int]:
    """Live responses per questionnaire kind."""
    return dict(db.session.execute(
        select(Submission.kind, func.count()).where(
            Submission.assessment_id == assessment_id, LIVE).group_by(Submission.kind)).all())


def responses_per_day(assessment_id: int, timezone: str) -> list[tuple[date, int]]:
    """Live responses per local calendar day, oldest first, gaps filled with zero."""
    zone = ZoneInfo(timezone)
    moments = db.session.scalars(select(Submission.submitted_at).where(
        Submission.assessment_id == assessment_id, LIVE))
    per_day = Counter(
        as_utc(m).astimezone(zone).date() for m in moments)
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    days = [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
    return [(day, per_day.get(day, 0)) for day in days]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(series: list[tuple[date, int]], height: int = 160,
              bar_width: int = 18, gap: int = 4) -> tuple[list[Bar], int, int]:
    """Bars of a per-day chart in SVG units: (bars, width, height incl. axis labels)."""
    top = max((value for _day, value in series), default=0) or 1
    bars = []
    for index, (day, value) in enumerate(series):
        bar_height = round(value / top * (height - 20), 1)
        bars.append(Bar(x=index * (bar_width + gap), y=height - bar_height, width=bar_width,
                        height=bar_height, label=day.strftime("%m-%d"), value=value))
    return bars, max(1, len(series) * (bar_width + gap)), height + 30


@dataclass
class OptionCount:
    value: str
    label: object
    count: int
    share: float


QuestionCounts = list[tuple[ChoiceQuestion, list[OptionCount]]]


def feedback_results(assessment_id: int) -> tuple[int, QuestionCounts, list[str]]:
    """(responses, counts and shares per option per question, open suggestions)."""
    live_feedback = select(Submission.id).where(
        Submission.assessment_id == assessment_id,
        Submission.kind == QuestionnaireKind.FEEDBACK, LIVE)
    total = db.session.scalar(select(func.count()).select_from(live_feedback.subquery()))
    rows = db.session.execute(select(Answer.question, Answer.value, func.count()).where(
        Answer.submission_id.in_(live_feedback)).group_by(Answer.question, Answer.value)).all()
    counts = {(question, value): n for question, value, n in rows}
    results = []
    for question in FEEDBACK.questions:
        if not isinstance(question, ChoiceQuestion):
            continue
        answered = sum(counts.get((question.key, v), 0) for v, _label in question.options)
        results.append((question, [
            OptionCount(v, label, counts.get((question.key, v), 0),
                        counts.get((question.key, v), 0) / answered if answered else 0.0)
            for v, label in question.options]))
    suggestions = list(db.session.scalars(select(Answer.value).where(
        Answer.submission_id.in_(live_feedback), Answer.question == "suggestions")
        .order_by(Answer.submission_id)))
    return total, results, suggestions


#: Rows of the responses list per page: a day's fieldwork fits on a few pages.
RESPONSES_PER_PAGE = 100


def submissions_page(assessment_id: int, page: int) -> Pagination:
    """One page of the responses, newest first (deleted ones too, marked).

    A page past the last one shows the last page, so a link kept from before a
    deletion still lands somewhere.
    """
    query = (select(Submission).where(Submission.assessment_id == assessment_id)
             .order_by(Submission.submitted_at.desc(), Submission.id.desc()))
    found = db.paginate(query, page=page, per_page=RESPONSES_PER_PAGE, error_out=False)
    if not found.items and found.pages and page > found.pages:
        found = db.paginate(query, page=found.pages, per_page=RESPONSES_PER_PAGE, error_out=False)
    return found


def today_utc() -> datetime:
    return datetime.now(UTC)
