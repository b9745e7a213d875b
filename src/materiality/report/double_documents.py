"""A double-materiality assessment's documents for editors: the raw assessor ratings (CSV)
and the methodology note (page, Markdown, HTML, DOCX, in zh and en).

The raw ratings are the rows the scores are computed from (``iro_data.load_iro_ratings``
without deleted responses, and only the criteria that apply to each IRO's kind), one row
per IRO, assessor and criterion, with what the formulas need to know of the IRO. An
assessor is named only by the anonymous id of their response and their rater kind.
Anyone can recompute every IRO score and topic score from this file with the formulas
the methodology note states (tests/test_double_recompute.py does, with plain pandas).

The note (``services.documents.double_methodology``) is filled here from the assessment:
its register, assessors, anchors (``services.scoring.anchors`` over the assessment's own
wording) and its scores as the double-materiality report computes them.
"""
from __future__ import annotations

from datetime import date
from statistics import median

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func

from ..extensions import db
from ..frozen_configuration import in_shown_order, shown_groups, shown_topics
from ..models import (
    Assessment,
    CriterionAnchor,
    Iro,
    QuestionnaireKind,
    Rating,
    Submission,
)
from ..services.documents.double_methodology import (
    DoubleMethodologyInput,
    double_methodology_docx,
    double_methodology_html,
    double_methodology_markdown,
)
from ..services.documents.office_files import csv_bytes, normalize_locale
from ..services.scoring.anchors import merged_anchors
from ..services.scoring.double import CRITERIA, DoubleMaterialityResult, applicable_criteria
from ..view_lookups import double_assessment
from . import bp
from .data import _finite
from .double_data import double_scores_for
from .exports import ExportFile, _stem, html_document
from .iro_data import load_iro_ratings
from .routes import _download, _report_locale

#: One row per IRO, assessor and criterion; ``value`` empty is "cannot judge".
RAW_COLUMNS = ("iro_id", "topic_id", "topic", "kind", "actuality", "human_rights",
               "time_horizon", "assessor_id", "rater_kind", "criterion", "value")


def assessor_rating_rows(assessment: Assessment, locale: str) -> list[tuple]:
    """The counted assessor ratings as rows in RAW_COLUMNS order (topic names in ``locale``,
    as the assessment shows them).

    Ordered by IRO, then assessor, then criterion in the order the questionnaire asks them.
    """
    locale = normalize_locale(locale)
    iros = {iro.id: iro for iro in db.session.scalars(
        db.select(Iro).where(Iro.assessment_id == assessment.id))}
    topics = shown_topics(assessment)
    rater_kinds = dict(db.session.execute(
        db.select(Submission.id, Submission.rater_kind)
        .where(Submission.assessment_id == assessment.id)).all())
    order = {c: i for i, c in enumerate(CRITERIA)}
    rows = []
    ratings = load_iro_ratings(assessment.id)
    for iro_id, assessor_id, criterion, value in sorted(
            ratings.itertuples(index=False, name=None),
            key=lambda r: (r[0], r[1], order.get(r[2], len(order)))):
        iro = iros.get(int(iro_id))
        if iro is None or criterion not in applicable_criteria(iro.kind, iro.actuality):
            continue  # a criterion the IRO's kind no longer asks: it counts nowhere
        rows.append((
            iro.id, iro.topic_id, topics[iro.topic_id].name(locale), iro.kind, iro.actuality or "",
            int(bool(iro.human_rights)), iro.time_horizon, int(assessor_id),
            rater_kinds.get(int(assessor_id)) or "", criterion,
            "" if value != value else int(value),  # NaN: cannot judge
        ))
    return rows


def assessor_ratings_file(assessment: Assessment, locale: str) -> ExportFile:
    """The raw assessor ratings as CSV (UTF-8 with BOM, text guarded against formulas)."""
    locale = normalize_locale(locale)
    content = csv_bytes(RAW_COLUMNS, assessor_rating_rows(assessment, locale))
    return ExportFile(content, f"{_stem(assessment, 'assessor-ratings', locale)}.csv")


@bp.route("/<int:assessment_id>/double/assessor-ratings.csv")
def double_assessor_ratings(assessment_id: int):
    """Every counted assessor rating, one row per IRO, assessor and criterion (?locale=)."""
    return _download(assessor_ratings_file(double_assessment(assessment_id), _report_locale()))


# --------------------------------------------------------------------------- the note


def _rating_dates(assessment: Assessment) -> tuple[date | None, date | None]:
    """The assessment's dates, else the first and last assessor submissions'."""
    first, last = db.session.execute(
        db.select(func.min(Submission.submitted_at), func.max(Submission.submitted_at))
        .where(Submission.assessment_id == assessment.id,
               Submission.kind == QuestionnaireKind.ASSESSOR, Submission.deleted_at.is_(None))
    ).one()
    return (assessment.opens_on or (first.date() if first else None),
            assessment.closes_on or (last.date() if last else None))


def _assessors(assessment_id: int) -> dict[str | None, int]:
    """Assessors who submitted (not deleted), per rater kind."""
    rows = db.session.execute(
        db.select(Submission.rater_kind, func.count())
        .where(Submission.assessment_id == assessment_id,
               Submission.kind == QuestionnaireKind.ASSESSOR, Submission.deleted_at.is_(None))
        .group_by(Submission.rater_kind))
    return {kind: int(count) for kind, count in rows}


def _stakeholder_respondents(assessment_id: int) -> int:
    """Valid stakeholder questionnaires: not deleted, in a group, one numeric rating at least."""
    return int(db.session.scalar(
        db.select(func.count(func.distinct(Submission.id)))
        .join(Rating, Rating.submission_id == Submission.id)
        .where(Submission.assessment_id == assessment_id,
               Submission.kind == QuestionnaireKind.STAKEHOLDER,
               Submission.deleted_at.is_(None), Submission.group_id.is_not(None),
               Rating.score.is_not(None))) or 0)


def _anchors(assessment_id: int) -> tuple[dict, frozenset[tuple[str, int]]]:
    """The anchors the assessment uses, and the levels it words itself."""
    rows = [{"criterion": row.criterion, "level": row.level, "text_zh": row.text_zh,
             "text_en": row.text_en}
            for row in db.session.scalars(db.select(CriterionAnchor).where(
                CriterionAnchor.assessment_id == assessment_id))]
    own = frozenset((row["criterion"], int(row["level"])) for row in rows
                    if (row["text_zh"] or "").strip() or (row["text_en"] or "").strip())
    return merged_anchors(rows), own


def double_methodology_input(assessment: Assessment, result: DoubleMaterialityResult,
                             locale: str) -> DoubleMethodologyInput:
    """What the note states, from the assessment, its register and its scores."""
    locale = normalize_locale(locale)
    iros = list(db.session.scalars(db.select(Iro).where(Iro.assessment_id == assessment.id)
                                   .order_by(Iro.id)))
    impacts = [iro for iro in iros if iro.is_impact]
    with_iros = {iro.topic_id for iro in iros}
    start, end = _rating_dates(assessment)
    counts = [int(n) for n in result.iros["assessors"]]
    anchors, own = _anchors(assessment.id)
    table = result.iros
    by_id = {iro.id: iro for iro in iros}
    topics = shown_topics(assessment)

    def described(iro_id: int) -> tuple[str, str]:
        iro = by_id[iro_id]
        return topics[iro.topic_id].name(locale), iro.description(locale)

    return DoubleMethodologyInput(
        assessment_title=assessment.title if locale != "en" or not assessment.title_en
        else assessment.title_en,
        reporting_year=assessment.reporting_year,
        rating_start=start, rating_end=end,
        topics=len(topics),
        topics_without_iros=[topic.name(locale) for topic_id, topic in topics.items()
                             if topic_id not in with_iros],
        kinds={kind: sum(iro.kind == kind for iro in iros)
               for kind in ("negative_impact", "positive_impact", "risk", "opportunity")},
        actual=sum(iro.actuality == "actual" for iro in impacts),
        potential=sum(iro.actuality == "potential" for iro in impacts),
        human_rights=sum(bool(iro.human_rights) for iro in iros),
        stages={stage: sum(stage in iro.value_chain for iro in iros)
                for stage in ("upstream", "own_operations", "downstream")},
        horizons={h: sum(iro.time_horizon == h for iro in iros)
                  for h in ("short", "medium", "long")},
        horizon_short_years=assessment.horizon_short_years,
        horizon_medium_years=assessment.horizon_medium_years,
        assessors=_assessors(assessment.id),
        assessors_per_iro=(min(counts), max(counts), float(median(counts))) if counts else None,
        affected_groups=[group.name(locale) for group in in_shown_order(
            shown_groups(assessment), (group for iro in iros for group in iro.groups))],
        stakeholder_respondents=_stakeholder_respondents(assessment.id),
        anchors=anchors, overridden=own, settings=result.settings,
        threshold_impact=result.threshold_impact,
        threshold_financial=result.threshold_financial,
        flagged=[(*described(int(i)), tuple(row["review_criteria"]))
                 for i, row in table[table["needs_review"]].iterrows()],
        unscored=[(*described(int(i)), tuple(row["missing_criteria"]))
                  for i, row in table[table["score"].isna()].iterrows()],
        topic_results=[(topic.name(locale),
                        _finite(result.topics.loc[topic_id, "impact_score"]),
                        _finite(result.topics.loc[topic_id, "financial_score"]),
                        result.topics.loc[topic_id, "materiality"])
                       for topic_id, topic in topics.items()],
    )


def double_methodology_file(assessment: Assessment, result: DoubleMaterialityResult,
                            locale: str, fmt: str) -> ExportFile:
    """The note as Markdown, HTML or DOCX."""
    locale = normalize_locale(locale)
    note = double_methodology_input(assessment, result, locale)
    stem = _stem(assessment, "double-methodology", locale)
    if fmt == "md":
        content = double_methodology_markdown(note, locale).encode()
    elif fmt == "html":
        content = html_document(double_methodology_html(note, locale),
                                assessment.display_title(locale), locale)
    else:
        content = double_methodology_docx(note, locale)
    return ExportFile(content, f"{stem}.{fmt}")


@bp.route("/<int:assessment_id>/double/methodology")
def double_methodology(assessment_id: int):
    """The double-materiality methodology note generated from the data, in ?locale=."""
    assessment = double_assessment(assessment_id)
    locale = _report_locale()
    result, _fingerprint = double_scores_for(assessment)
    note = Markup(double_methodology_html(  # noqa: S704 - escaped by the service
        double_methodology_input(assessment, result, locale), locale))
    return render_template("report/double_methodology.html", assessment=assessment,
                           locale=locale, note=note,
                           download_endpoint="report.double_methodology_download")


@bp.route("/<int:assessment_id>/double/methodology.<any(md, html, docx):fmt>")
def double_methodology_download(assessment_id: int, fmt: str):
    """The double-materiality methodology note as Markdown, HTML or DOCX."""
    assessment = double_assessment(assessment_id)
    result, _fingerprint = double_scores_for(assessment)
    return _download(double_methodology_file(assessment, result, _report_locale(), fmt))
