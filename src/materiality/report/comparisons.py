"""Year over year: which assessments an assessment can be compared with, and the results.

The figures come from ``services.comparison``; this module finds the baseline
assessments, scores both and names the topics in the report language.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import Assessment, AssessmentTopic
from ..services.documents import change_table
from ..services.documents.change_table import ChangeTableRow
from ..services.scoring.comparison import Comparison, compare
from .data import ReportData
from .exports import ExportFile, html_document

TABLE_FORMATS = ("xlsx", "csv", "docx", "html")


def baseline_choices(assessment: Assessment) -> list[Assessment]:
    """The other assessments sharing at least one library topic, latest year first."""
    mine = db.select(AssessmentTopic.topic_id).where(
        AssessmentTopic.assessment_id == assessment.id)
    sharing = db.select(AssessmentTopic.assessment_id).where(
        AssessmentTopic.topic_id.in_(mine), AssessmentTopic.assessment_id != assessment.id)
    return list(db.session.scalars(
        db.select(Assessment).where(Assessment.id.in_(sharing))
        .order_by(Assessment.reporting_year.desc(), Assessment.id.desc())))


def default_baseline(assessment: Assessment, choices: list[Assessment]) -> Assessment | None:
    """The assessment it was copied from, else the latest earlier reporting year's."""
    by_id = {choice.id: choice for choice in choices}
    if assessment.copied_from_id in by_id:
        return by_id[assessment.copied_from_id]
    earlier = [c for c in choices if c.reporting_year < assessment.reporting_year]
    return earlier[0] if earlier else None


def pick_baseline(assessment: Assessment, choices: list[Assessment],
                  wanted: int | None) -> tuple[Assessment | None, bool]:
    """The baseline asked for (one of ``choices``) or the default; and whether the ask was
    refused (an id that is not one of the choices)."""
    if wanted is None:
        return default_baseline(assessment, choices), False
    chosen = next((c for c in choices if c.id == wanted), None)
    return chosen, chosen is None


def labels(baseline: Assessment, current: Assessment) -> tuple[str, str]:
    """How the two assessments are named in headers: their years, or titles in one year."""
    if baseline.reporting_year != current.reporting_year:
        return str(baseline.reporting_year), str(current.reporting_year)
    return (f"{baseline.reporting_year} {baseline.title}",
            f"{current.reporting_year} {current.title}")


@dataclass(frozen=True)
class YearOverYear:
    """Two scored assessments and how their topics changed."""

    baseline: ReportData
    current: ReportData
    comparison: Comparison

    @property
    def labels(self) -> tuple[str, str]:
        return labels(self.baseline.assessment, self.current.assessment)

    def topic_name(self, topic_id: int) -> str:
        """A topic's name in the report language (from whichever assessment asks it)."""
        topic = self.current.topics.get(topic_id) or self.baseline.topics[topic_id]
        return topic.name(self.current.locale)

    def names(self, topic_ids: list[int]) -> list[str]:
        return [self.topic_name(t) for t in topic_ids]

    def previous_positions(self) -> dict[int, tuple[float, float]]:
        """Where each shared topic stood on the baseline's matrix."""
        return self.comparison.previous_positions()


def year_over_year(current: ReportData, baseline: ReportData) -> YearOverYear:
    """Compare two scored assessments (in ``current``'s language)."""
    return YearOverYear(baseline, current,
                        compare(baseline.result.topics, current.result.topics))


def change_rows(yoy: YearOverYear) -> list[ChangeTableRow]:
    """The change table's rows in the report language."""
    locale = yoy.current.locale
    rows = []
    for change in yoy.comparison.changes:
        topic = yoy.current.topics.get(change.topic_id) or yoy.baseline.topics[change.topic_id]

        def pair(name: str, change=change):  # noqa: ANN001, ANN202
            return tuple(None if standing is None else getattr(standing, name)
                         for standing in (change.baseline, change.current))

        rows.append(ChangeTableRow(
            topic=topic.name(locale),
            category=topic.category.name(locale),
            status=change.status,
            material_change=change.material_change,
            tier_changed=change.tier_changed,
            company=pair("company_score"),
            stakeholder=pair("stakeholder_score"),
            company_rank=pair("company_rank"),
            stakeholder_rank=pair("stakeholder_rank"),
            rank=pair("rank"),
            tier=pair("tier"),
        ))
    return rows


def change_table_fragment(yoy: YearOverYear) -> str:
    """The change table as an HTML fragment (escaped by the service)."""
    return change_table.change_table_html(change_rows(yoy), yoy.current.locale, *yoy.labels)


def change_table_file(yoy: YearOverYear, fmt: str) -> ExportFile:
    """The change table in one format, in the current assessment's report language."""
    current, baseline = yoy.current.assessment, yoy.baseline.assessment
    rows, locale = change_rows(yoy), yoy.current.locale
    stem = (f"materiality-{current.reporting_year}-{current.id}-changes-from-"
            f"{baseline.reporting_year}-{baseline.id}-{locale}")
    if fmt == "html":
        content = html_document(change_table.change_table_html(rows, locale, *yoy.labels),
                                change_table.change_title(locale, *yoy.labels), locale)
    else:
        content = getattr(change_table, f"change_table_{fmt}")(rows, locale, *yoy.labels)
    return ExportFile(content, f"{stem}.{fmt}")
