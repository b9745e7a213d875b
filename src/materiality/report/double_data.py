"""Read a double-materiality assessment for its report: scores, table rows, matrix points.

The double-materiality counterpart of :mod:`.data`: the assessment's register and
assessor ratings (:mod:`.iro_data`) scored by ``services.scoring.double`` with the
assessment's own settings, kept per process under the same fingerprint as the classic
scores (:func:`.data.fingerprint`), and turned into the rows the IRO tables, the pages
and the matrix take. When the assessment also ran the stakeholder survey, each topic's
importance to stakeholders comes from the classic scoring (:func:`.data.scores_for`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..extensions import db
from ..frozen_configuration import ShownTopic, shown_topics
from ..models import Assessment, Iro, QuestionnaireKind, Submission
from ..services.documents import iro_tables
from ..services.documents.iro_tables import IroTableRow, MaterialTopicRow
from ..services.documents.tables import normalize_locale
from ..services.rounding import score_text
from ..services.scoring.double import (
    CRITERIA,
    IMPACT_KINDS,
    DoubleMaterialityResult,
    DoubleMaterialitySettings,
    applicable_criteria,
    score_double_materiality,
    threshold_preview,
)
from .data import (
    Fingerprint,
    _finite,
    fingerprint,
    label_positions,
    scores_for,
)
from .exports import ExportFile, _stem, html_document
from .iro_data import load_iro_ratings, load_iro_register
from .label_editor import LabelEditor, LabelRow
from .scores_page import preview_rows

MATERIALITY_ORDER = ("both", "impact", "financial", None)


def double_settings(assessment: Assessment) -> DoubleMaterialitySettings:
    """The assessment's stored settings (the ``dm_*`` columns) as the service's."""
    return DoubleMaterialitySettings(
        aggregate=assessment.dm_aggregate,
        combine=assessment.dm_combine,
        threshold_mode=assessment.dm_threshold_mode,
        threshold_impact=assessment.dm_threshold_impact,
        threshold_financial=assessment.dm_threshold_financial,
        top_n=assessment.dm_top_n,
        quantile=assessment.dm_quantile,
    )


def compute_double(assessment: Assessment) -> DoubleMaterialityResult:
    """Score the assessment's IROs and topics from the stored assessor ratings."""
    return score_double_materiality(
        load_iro_register(assessment.id), load_iro_ratings(assessment.id),
        [link.topic_id for link in assessment.topic_links], double_settings(assessment))


def double_scores_for(assessment: Assessment) -> tuple[DoubleMaterialityResult, Fingerprint]:
    """The assessment's double-materiality scores, computed once per process until its
    data or configuration changes (the classic cache, its own key)."""
    from .cache import caches

    current = fingerprint(assessment.id)
    result = caches().results.get_or_make((assessment.id, "double", current.scores),
                                          lambda: compute_double(assessment))
    return result, current


def ran_stakeholder_survey(assessment_id: int) -> bool:
    """Whether stakeholders answered the assessment's survey (responses not deleted)."""
    return db.session.scalar(db.select(Submission.id).where(
        Submission.assessment_id == assessment_id,
        Submission.kind == QuestionnaireKind.STAKEHOLDER,
        Submission.deleted_at.is_(None)).limit(1)) is not None


@dataclass(frozen=True)
class DoubleReportData:
    """A double-materiality assessment scored, with the names to show it in one language
    (topics as the assessment shows them: as kept at closing once closed)."""

    assessment: Assessment
    result: DoubleMaterialityResult
    locale: str
    topics: dict[int, ShownTopic]
    iros: dict[int, Iro]
    #: importance to stakeholders per topic (classic scoring), None without a survey
    stakeholder: dict[int, float | None] | None = None
    fingerprint: Fingerprint | None = None

    @property
    def horizons(self) -> tuple[int, int]:
        return (self.assessment.horizon_short_years, self.assessment.horizon_medium_years)


def double_report_data(assessment: Assessment, locale: str) -> DoubleReportData:
    """The scores (from the cache when unchanged), the stakeholder survey's scores when
    it ran, and the names for one language."""
    result, current = double_scores_for(assessment)
    stakeholder = None
    if ran_stakeholder_survey(assessment.id):
        classic, _fingerprint = scores_for(assessment)
        stakeholder = {int(t): _finite(s)
                       for t, s in classic.topics["stakeholder_score"].items()}
    iros = {iro.id: iro for iro in db.session.scalars(
        db.select(Iro).where(Iro.assessment_id == assessment.id).order_by(Iro.id))}
    return DoubleReportData(assessment=assessment, result=result,
                            locale=normalize_locale(locale),
                            topics=shown_topics(assessment), iros=iros,
                            stakeholder=stakeholder, fingerprint=current)


# --------------------------------------------------------------------------- rows


def axis_thresholds(result: DoubleMaterialityResult) -> dict[str, float | None]:
    """The threshold an IRO's score is held against on each axis: the one in force, or in
    top-N mode the lowest score of the topics material on that axis (what top N amounts
    to); None when no topic is."""
    found = {}
    for axis, given in (("impact", result.threshold_impact),
                        ("financial", result.threshold_financial)):
        value = _finite(given)
        if value is None:
            material = result.topics[f"material_{axis}"].astype(bool)
            value = _finite(result.topics.loc[material, f"{axis}_score"].min()) \
                if material.any() else None
        found[axis] = value
    return found


def _reaches(score: float | None, threshold: float | None) -> bool:
    return (score is not None and threshold is not None
            and round(score, 9) >= round(threshold, 9))


def iro_rows(data: DoubleReportData) -> list[IroTableRow]:
    """The IRO table's rows: topics in the assessment's order, IROs in register order."""
    table = data.result.iros
    thresholds = axis_thresholds(data.result)
    position = {topic_id: i for i, topic_id in enumerate(data.topics)}
    order = sorted(table.index, key=lambda iro_id: (position[int(table.at[iro_id, "topic_id"])],
                                                    iro_id))
    rows = []
    for iro_id in order:
        row = table.loc[iro_id]
        iro = data.iros[int(iro_id)]
        actuality = row["actuality"] if isinstance(row["actuality"], str) else None
        applies = applicable_criteria(row["kind"], actuality)
        score = _finite(row["score"])
        axis = "impact" if row["kind"] in IMPACT_KINDS else "financial"
        rows.append(IroTableRow(
            topic=data.topics[iro.topic_id].name(data.locale),
            iro_id=int(iro_id),
            description=iro.description(data.locale),
            kind=row["kind"],
            actuality=actuality,
            human_rights=bool(row["human_rights"]),
            value_chain=iro.value_chain,
            horizon=iro.time_horizon,
            criteria={c: _finite(row[c]) if c in applies else None for c in CRITERIA},
            severity=_finite(row["severity"]),
            score=score,
            assessors=int(row["assessors"]),
            needs_review=bool(row["needs_review"]),
            review_criteria=tuple(row["review_criteria"]),
            missing_criteria=tuple(row["missing_criteria"]),
            material=_reaches(score, thresholds[axis]),
        ))
    return rows


@dataclass(frozen=True)
class TopicRow:
    """One topic on the scores page: both axes, why it is material, its IROs."""

    topic_id: int
    topic: str
    category: str
    impact: str
    financial: str
    materiality: str | None
    stakeholder: str | None
    iros: list[IroTableRow]
    needs_review: int


def topic_rows(data: DoubleReportData, rows: list[IroTableRow] | None = None) -> list[TopicRow]:
    """Every topic of the assessment, in its order, numbers formatted for the page."""
    rows = iro_rows(data) if rows is None else rows
    by_topic: dict[int, list[IroTableRow]] = {}
    for row in rows:
        by_topic.setdefault(data.iros[row.iro_id].topic_id, []).append(row)
    found = []
    for topic_id, row in data.result.topics.iterrows():
        topic = data.topics[int(topic_id)]
        iros = by_topic.get(int(topic_id), [])
        stakeholder = None
        if data.stakeholder is not None:
            stakeholder = score_text(data.stakeholder.get(int(topic_id)))
        found.append(TopicRow(
            topic_id=int(topic_id), topic=topic.name(data.locale),
            category=topic.category.name(data.locale),
            impact=score_text(row["impact_score"]), financial=score_text(row["financial_score"]),
            materiality=row["materiality"], stakeholder=stakeholder, iros=iros,
            needs_review=sum(i.needs_review for i in iros)))
    return found


def material_topic_rows(data: DoubleReportData,
                        rows: list[IroTableRow] | None = None) -> list[MaterialTopicRow]:
    """The material topics (both axes first, then impact, then financial; the assessment's
    order within each), with their IROs."""
    rows = iro_rows(data) if rows is None else rows
    by_topic: dict[int, list[IroTableRow]] = {}
    for row in rows:
        by_topic.setdefault(data.iros[row.iro_id].topic_id, []).append(row)
    topics = data.result.topics
    material = [(MATERIALITY_ORDER.index(r["materiality"]), i, int(t))
                for i, (t, r) in enumerate(topics.iterrows()) if r["material"]]
    found = []
    for _rank, _i, topic_id in sorted(material):
        row = topics.loc[topic_id]
        topic = data.topics[topic_id]
        found.append(MaterialTopicRow(
            topic=topic.name(data.locale), category=topic.category.name(data.locale),
            impact_score=_finite(row["impact_score"]),
            financial_score=_finite(row["financial_score"]),
            materiality=row["materiality"], iros=tuple(by_topic.get(topic_id, ())),
            stakeholder_score=(data.stakeholder or {}).get(topic_id)))
    return found


def settings_in_force(data: DoubleReportData) -> dict:
    """The settings and the thresholds they gave, formatted for the page."""
    settings = data.result.settings
    return {"aggregate": settings.aggregate, "combine": settings.combine,
            "mode": settings.threshold_mode, "top_n": settings.top_n,
            "quantile": settings.quantile,
            "threshold_impact": score_text(data.result.threshold_impact),
            "threshold_financial": score_text(data.result.threshold_financial)}


def mode_previews(data: DoubleReportData) -> list[dict]:
    """How each threshold mode would sort the topics (the settings' preview)."""
    return preview_rows(threshold_preview(data.result), data.result.settings.threshold_mode,
                        ("threshold_impact", "threshold_financial"), MATERIALITY_ORDER)


# --------------------------------------------------------------------------- matrix


def matrix_points(data: DoubleReportData,
                  saved: dict[int, tuple[float, float]] | None = None) -> list:
    """The topics with both scores as points, in assessment order, labels in the locale;
    labels an editor moved (``saved``, read here unless given) are kept."""
    from ..services.charts.double_matrix import DoubleMatrixPoint

    if saved is None:
        saved = label_positions(data.assessment.id, data.locale)
    points = []
    for number, (topic_id, row) in enumerate(data.result.topics.iterrows(), 1):
        x, y = _finite(row["financial_score"]), _finite(row["impact_score"])
        if x is None or y is None:
            continue
        topic = data.topics[int(topic_id)]
        points.append(DoubleMatrixPoint(
            key=int(topic_id), label=topic.name(data.locale), x=x, y=y,
            category=topic.category.key, category_label=topic.category.name(data.locale),
            number=number, label_offset=saved.get(int(topic_id)),
            materiality=row["materiality"]))
    return points


def unplotted_topics(data: DoubleReportData) -> list[str]:
    """Topics left off the matrix: they lack a score on one axis (or both)."""
    topics = data.result.topics
    missing = topics["impact_score"].isna() | topics["financial_score"].isna()
    return [data.topics[int(t)].name(data.locale) for t in topics.index[missing]]


def matrix_options(data: DoubleReportData, choice):  # noqa: ANN001, ANN201
    """The chart's options: the thresholds in force, the choices, the data's language."""
    from ..services.charts.double_matrix import double_matrix_options

    topics = data.result.topics
    return double_matrix_options(
        locale=data.locale, threshold_impact=data.result.threshold_impact,
        threshold_financial=data.result.threshold_financial, size=choice.size,
        zoom=choice.zoom,
        scores=[*topics["impact_score"].dropna(), *topics["financial_score"].dropna()])


def label_editor(data: DoubleReportData, render, saved: dict[int, tuple[float, float]],  # noqa: ANN001
                 points: list) -> LabelEditor:
    """Where every label of a drawn matrix sits, for the label editor."""
    ax = render.figure.axes[0]
    box = ax.get_position()
    return LabelEditor(
        axes_box=(box.x0, box.y0, box.x1, box.y1),
        xlim=tuple(float(v) for v in ax.get_xlim()),
        ylim=tuple(float(v) for v in ax.get_ylim()),
        rows=[LabelRow(p.key, p.label, round(render.label_positions[p.key][0], 4),
                       round(render.label_positions[p.key][1], 4), p.key in saved)
              for p in points if p.key in render.label_positions],
        unplaced=tuple(render.unplaced))


def plain_choice(choice):  # noqa: ANN001, ANN201
    """The classic matrix choice with what the double matrix ignores set to its default."""
    return replace(choice, error_bars=False, numbered=False, compare=None, axes="fixed")


# --------------------------------------------------------------------------- files


def iro_table_file(data: DoubleReportData, fmt: str) -> ExportFile:
    """The IRO table in one format, in the data's language."""
    rows = iro_rows(data)
    if fmt == "html":
        content = html_document(iro_tables.iro_table_html(rows, data.locale, data.horizons),
                                data.assessment.display_title(data.locale), data.locale)
    else:
        content = getattr(iro_tables, f"iro_table_{fmt}")(rows, data.locale, data.horizons)
    return ExportFile(content, f"{_stem(data.assessment, 'iro-table', data.locale)}.{fmt}")


def material_topics_file(data: DoubleReportData, fmt: str) -> ExportFile:
    """The material topics with their IROs in one format, in the data's language."""
    rows = material_topic_rows(data)
    survey = data.stakeholder is not None
    if fmt == "html":
        content = html_document(iro_tables.material_topics_html(rows, data.locale, survey),
                                data.assessment.display_title(data.locale), data.locale)
    else:
        content = getattr(iro_tables, f"material_topics_{fmt}")(rows, data.locale, survey)
    return ExportFile(content,
                      f"{_stem(data.assessment, 'material-topics', data.locale)}.{fmt}")


def matrix_file(data: DoubleReportData, choice, fmt: str,  # noqa: ANN001
                content: bytes | None = None) -> ExportFile:
    """The matrix as PNG (at ``choice.dpi``), SVG or PDF, with the editor's label moves
    (drawn here unless the caller drew it: ``content``)."""
    from ..services.charts.double_matrix import render_double_matrix

    if content is None:
        content = render_double_matrix(matrix_points(data), matrix_options(data, choice), fmt,
                                       choice.dpi)
    suffix = f"-{choice.dpi}dpi" if fmt == "png" else ""
    stem = _stem(data.assessment, f"double-matrix-{choice.size}{suffix}", data.locale)
    return ExportFile(content, f"{stem}.{fmt}")


def cached_matrix_file(data: DoubleReportData, choice, fmt: str) -> ExportFile:  # noqa: ANN001
    """The matrix file, drawn once per fingerprint, language, format and choices."""
    from .cache import caches

    if data.fingerprint is None:
        return matrix_file(data, choice, fmt)
    key = ("double-file", data.assessment.id, data.fingerprint.chart, data.locale, fmt, choice)
    return caches().charts.get_or_make(key, lambda: matrix_file(data, choice, fmt),
                                       size=lambda export: len(export.content))


def cached_editor(data: DoubleReportData, choice) -> LabelEditor:  # noqa: ANN001
    """Where the labels sit, drawn once per fingerprint, language and choices; the same
    drawing gives the preview PNG the page shows next, kept for that request."""
    from ..services.charts.double_matrix import draw_double_matrix
    from ..services.charts.files import figure_bytes
    from .cache import PREVIEW_DPI, caches

    chart = data.fingerprint.chart if data.fingerprint else None
    key = ("double-editor", data.assessment.id, chart, data.locale, replace(choice, dpi=0))
    editor = caches().charts.get(key) if chart else None
    if editor is not None:
        return editor
    saved = label_positions(data.assessment.id, data.locale)
    points = matrix_points(data, saved=saved)
    render = draw_double_matrix(points, matrix_options(data, choice))
    editor = label_editor(data, render, saved, points)
    if chart:
        caches().charts.put(key, editor)
        preview = replace(choice, dpi=PREVIEW_DPI)
        file_key = ("double-file", data.assessment.id, chart, data.locale, "png", preview)
        if caches().charts.get(file_key) is None:
            export = matrix_file(data, preview, "png",
                                 content=figure_bytes(render.figure, "png", PREVIEW_DPI))
            caches().charts.put(file_key, export, len(export.content))
    return editor
