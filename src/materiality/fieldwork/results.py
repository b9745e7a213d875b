"""What staff read about the fieldwork: responses per group and per day, feedback counts.

Deleted responses are left out of every figure here.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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


def responses_per_day(assessment_id: int, timezone: str,
                      window: tuple[date | None, date | None] = (None, None),
                      ) -> list[tuple[date, int]]:
    """Live responses per local calendar day, oldest first, gaps filled with zero.

    The days run over the responses and the survey ``window`` (opens_on, closes_on)
    together, so the chart shows the whole window even before anyone answered.
    """
    zone = ZoneInfo(timezone)
    moments = db.session.scalars(select(Submission.submitted_at).where(
        Submission.assessment_id == assessment_id, LIVE))
    per_day = Counter(
        as_utc(m).astimezone(zone).date() for m in moments)
    if not per_day:
        return []
    ends = [*per_day, *(day for day in window if day is not None)]
    first, last = min(ends), max(ends)
    days = [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
    return [(day, per_day.get(day, 0)) for day in days]


#: Longer than this, the chart counts per week; longer than a year, per month.
WEEKLY_AFTER_DAYS = 60
MONTHLY_AFTER_DAYS = 366


def chart_period(series: list[tuple[date, int]]) -> str:
    """"day", "week" or "month": the step that keeps a chart of the series readable."""
    if not series:
        return "day"
    span = (series[-1][0] - series[0][0]).days + 1
    if span > MONTHLY_AFTER_DAYS:
        return "month"
    return "week" if span > WEEKLY_AFTER_DAYS else "day"


def period_start(day: date, period: str) -> date:
    """The first day of the week (Monday) or month holding ``day``; the day itself."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def group_counts(series: list[tuple[date, int]], period: str) -> list[tuple[date, int]]:
    """Per-day counts summed per week or month (keyed by its first day), oldest first.

    The series has every day, so every week or month between the first and the last
    is there, with zero when nobody answered.
    """
    totals: dict[date, int] = {}
    for day, count in series:
        key = period_start(day, period)
        totals[key] = totals.get(key, 0) + count
    return sorted(totals.items())


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass
class BarChart:
    """A bar chart in SVG units: a fixed width whatever the number of bars."""

    period: str
    bars: list[Bar]
    width: int
    height: int
    #: (x, label) of the few dates written under the axis
    ticks: list[tuple[float, str]]
    #: (x, width) of the survey window's band, when the assessment has one
    window: tuple[float, float] | None


def _label(day: date, period: str, with_year: bool) -> str:
    if period == "month":
        return day.strftime("%Y-%m")
    return day.strftime("%Y-%m-%d" if with_year else "%m-%d")


def bar_chart(series: list[tuple[date, int]], window: tuple[date | None, date | None] = (None, None),
              width: int = 480, height: int = 160, max_ticks: int = 5) -> BarChart:
    """The per-day chart: grouped by week or month when long, the survey window marked.

    ``series`` is per day (from ``responses_per_day``); the chart's width stays
    ``width`` units, so a long period draws thinner bars, not a longer strip.
    """
    period = chart_period(series)
    counts = group_counts(series, period)
    top = max((value for _day, value in counts), default=0) or 1
    step = width / max(1, len(counts))
    gap = min(4.0, step * 0.2)
    with_year = bool(counts) and counts[0][0].year != counts[-1][0].year
    bars = []
    for index, (day, value) in enumerate(counts):
        bar_height = round(value / top * (height - 20), 1)
        bars.append(Bar(x=round(index * step, 2), y=height - bar_height,
                        width=round(step - gap, 2), height=bar_height,
                        label=_label(day, period, with_year), value=value))
    every = max(1, -(-len(bars) // max_ticks))  # ceiling: at most max_ticks labels
    ticks = [(bar.x, bar.label) for bar in bars[::every]]
    return BarChart(period, bars, width, height + 30, ticks, _window_band(counts, period, window,
                                                                          step))


def _window_band(counts: list[tuple[date, int]], period: str,
                 window: tuple[date | None, date | None], step: float,
                 ) -> tuple[float, float] | None:
    """Where the survey window lies on the chart, in SVG units (None without a window)."""
    opens, closes = window
    if not counts or (opens is None and closes is None):
        return None
    keys = [day for day, _count in counts]
    first = bisect_left(keys, period_start(opens, period)) if opens else 0
    last = bisect_right(keys, period_start(closes, period)) - 1 if closes else len(keys) - 1
    first, last = max(first, 0), min(last, len(keys) - 1)
    if last < first:  # the window lies wholly before or after the responses
        return None
    return round(first * step, 2), round((last - first + 1) * step, 2)


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
