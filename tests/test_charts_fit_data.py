"""Charts that fit their data: the per-day chart counts per week or month over a long
period and marks the survey window; the methodology's survey period is the window."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from materiality.extensions import db
from materiality.fieldwork.operations import ensure_links
from materiality.fieldwork.results import bar_chart, chart_period, group_counts
from materiality.models import (
    Assessment,
    AssessmentTopic,
    Category,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
)


def days(first: date, count: int, value: int = 1) -> list[tuple[date, int]]:
    return [(first + timedelta(days=n), value) for n in range(count)]


@pytest.mark.parametrize(("length", "period"), [
    (1, "day"), (60, "day"), (61, "week"), (366, "week"), (367, "month"), (1122, "month")])
def test_the_period_follows_the_length(length, period):
    assert chart_period(days(date(2023, 1, 1), length)) == period


def test_weeks_start_on_monday_and_months_on_the_first():
    series = days(date(2024, 1, 3), 12)  # Wednesday 3 to Sunday 14 January
    assert group_counts(series, "week") == [
        (date(2024, 1, 1), 5), (date(2024, 1, 8), 7)]
    series = days(date(2024, 1, 30), 3)
    assert group_counts(series, "month") == [(date(2024, 1, 1), 2), (date(2024, 2, 1), 1)]
    assert group_counts(series, "day") == series


def test_a_long_period_keeps_a_sane_chart():
    # 1,122 days made a 24,684-unit strip shown 7 px high: now 37 monthly bars in 480 units.
    series = days(date(2023, 3, 1), 1122, value=0)
    series[0] = (series[0][0], 40)
    series[-1] = (series[-1][0], 1)
    chart = bar_chart(series)
    assert chart.period == "month"
    assert len(chart.bars) == 37
    assert chart.width == 480 and chart.height == 190
    assert chart.bars[-1].x + chart.bars[-1].width <= chart.width
    assert all(bar.width >= 10 for bar in chart.bars)  # 13 units of 480: visible
    assert chart.bars[0].label == "2023-03" and chart.bars[0].value == 40
    assert sum(bar.value for bar in chart.bars) == 41
    assert len(chart.ticks) <= 5


def test_the_survey_window_is_marked():
    series = days(date(2024, 3, 1), 30)
    chart = bar_chart(series, (date(2024, 3, 5), date(2024, 3, 14)))
    step = 480 / 30
    assert chart.window == (round(4 * step, 2), round(10 * step, 2))
    assert bar_chart(series).window is None
    # Only an opening day: the band runs to the end.
    assert bar_chart(series, (date(2024, 3, 29), None)).window == (round(28 * step, 2),
                                                                   round(2 * step, 2))
    # A window wholly before the responses has no band.
    assert bar_chart(series, (date(2023, 1, 1), date(2023, 2, 1))).window is None


# -- through the web ------------------------------------------------------------------------


def survey(opens_on: date | None, closes_on: date | None, moments: list[datetime]) -> Assessment:
    """An assessment with one group and one topic, and a rated response at each moment."""
    category = db.session.scalars(db.select(Category)).first()
    topic = Topic(name_zh="议题", name_en="Topic", category_id=category.id)
    group = StakeholderGroup(name_zh="客户", name_en="Customers", position=0)
    db.session.add_all([topic, group])
    db.session.flush()
    assessment = Assessment(title="Window", reporting_year=2025, status="open",
                            opens_on=opens_on, closes_on=closes_on)
    assessment.topic_links = [AssessmentTopic(topic_id=topic.id, position=0)]
    db.session.add(assessment)
    db.session.flush()
    ensure_links(assessment, [group])
    link = db.session.scalar(db.select(SurveyLink).where(
        SurveyLink.assessment_id == assessment.id, SurveyLink.group_id == group.id))
    for n, moment in enumerate(moments):
        submission = Submission(uid=f"w{n}", assessment_id=assessment.id, link_id=link.id,
                                kind="stakeholder", group_id=group.id, submitted_at=moment)
        submission.ratings = [Rating(topic_id=topic.id, score=4)]
        db.session.add(submission)
    db.session.commit()
    return assessment


def at(day: date, hour: int = 4) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_the_responses_page_groups_a_long_period_and_marks_the_window(admin_client):
    opens, closes = date(2023, 3, 1), date(2023, 3, 31)
    assessment = survey(opens, closes, [at(opens + timedelta(days=n)) for n in range(20)]
                        + [at(date(2026, 3, 26))])  # one stray response three years on
    page = admin_client.get(f"/fieldwork/assessments/{assessment.id}/responses?lang=en")
    text = page.get_data(as_text=True)
    assert "Per month" in text and 'aria-label="Responses per month"' in text
    assert text.count('class="bar"') == 37
    assert 'class="survey-window" x="0.0"' in text
    assert "Shaded: the survey dates (2023-03-01 – 2023-03-31)" in text


def test_the_note_states_the_window_and_the_responses_outside_it(admin_client):
    opens, closes = date(2023, 3, 1), date(2023, 3, 31)
    # 08:00 in Shanghai on 1 April is 00:00 UTC: outside; 23:00 UTC on 31 March too.
    moments = [at(opens), at(closes, 15), at(date(2023, 3, 31), 23), at(date(2026, 3, 26)),
               datetime(2023, 2, 28, 15, 59, tzinfo=UTC)]  # 23:59 on 28 February, local
    assessment = survey(opens, closes, moments)
    note = admin_client.get(f"/report/{assessment.id}/methodology?locale=en").get_data(
        as_text=True)
    assert "ran from 1 March 2023 to 31 March 2023" in note
    assert "3 of the questionnaires were submitted outside this period" in note
    zh = admin_client.get(f"/report/{assessment.id}/methodology?locale=zh_CN").get_data(
        as_text=True)
    assert "其中3份问卷在调查期间之外提交" in zh


def test_without_a_window_the_period_is_that_of_the_responses(admin_client):
    assessment = survey(None, None, [at(date(2024, 5, 2)), at(date(2024, 5, 9))])
    note = admin_client.get(f"/report/{assessment.id}/methodology?locale=en").get_data(
        as_text=True)
    assert "ran from 2 May 2024 to 9 May 2024" in note
    assert "outside this period" not in note
