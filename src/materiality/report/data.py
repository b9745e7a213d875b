"""Read an assessment's data for scoring, the matrix and the report's tables.

Turns database rows into the plain values the services in ``materiality.services``
take: scoring settings, table rows, matrix points, the methodology input. The ratings
themselves come from :mod:`.ratings`.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import String, case, cast, func, literal, or_, union_all

from ..extensions import db
from ..frozen_configuration import (
    ShownGroup,
    ShownTopic,
    frozen_response_table,
    group_weights,
    listed_group_ids,
    shown_groups,
    shown_organisation_names,
    shown_topics,
)
from ..i18n import from_local_time
from ..models import (
    Assessment,
    AssessmentGroupWeight,
    AssessmentTopic,
    Category,
    CompanyScoreOverride,
    Iro,
    LabelPosition,
    QuestionnaireKind,
    Rating,
    StakeholderGroup,
    Submission,
    Topic,
    TrailEntry,
    ordered_groups,
    pick_language,
)
from ..services.documents.methodology import GroupCount, MethodologyInput, Robustness, scenario_phrase
from ..services.documents.methodology_texts import TEXTS as METHODOLOGY_TEXTS
from ..services.documents.tables import (
    ResponseTableRow,
    TopicScoreRow,
    normalize_locale,
    scenario_name,
)
from ..services.scoring.classic import (
    RATER_KINDS,
    ScoreResult,
    ScoringSettings,
    score_assessment,
)
from ..services.scoring.sensitivity import Sensitivity, analyse, threshold_preview
from ..trail import Action
from .ratings import load_ratings

# --------------------------------------------------------------------------- scoring


def scoring_settings(assessment: Assessment) -> ScoringSettings:
    """The assessment's own weights and thresholds as the scoring service's settings.

    Group weights are the assessment's (archived groups keep theirs), never the groups'
    current defaults.
    """
    return ScoringSettings(
        group_weights=group_weights(assessment),
        rater_kind_weights=assessment.rater_kind_weights,
        threshold_mode=assessment.threshold_mode,
        threshold_company=assessment.threshold_company,
        threshold_stakeholder=assessment.threshold_stakeholder,
        top_n=assessment.top_n,
        quantile=assessment.quantile,
    )


def overrides(assessment_id: int) -> list[CompanyScoreOverride]:
    """The admin's company-score overrides of an assessment."""
    return list(db.session.scalars(
        db.select(CompanyScoreOverride).where(CompanyScoreOverride.assessment_id == assessment_id)
    ))


#: Trail entries that change the matrix's picture but not the scores.
_CHART_ONLY_ACTIONS = (Action.LABELS_MOVED.value, Action.LABELS_RESET.value)


class Fingerprint(NamedTuple):
    """Digests of what an assessment's results depend on: ``scores`` (responses,
    configuration, overrides, topics, groups) and ``chart`` (all that, plus the names
    drawn and the labels editors moved)."""

    scores: str
    chart: str


def _row_text(*columns):  # noqa: ANN002, ANN202
    """One text value from several columns of any type (NULL shown as a mark)."""
    text = None
    for column in columns:
        part = func.coalesce(cast(column, String), "~")
        text = part if text is None else text.concat("|").concat(part)
    return text


def _columns(model) -> list:  # noqa: ANN001
    return [getattr(model, c.key) for c in model.__table__.columns]


def fingerprint(assessment_id: int) -> Fingerprint:
    """What the assessment's scores and matrix depend on, read in one small query.

    Every column of the assessment (its configuration, method version), of its group
    weights, overrides, topics (with their categories), IROs and label positions, and of the
    stakeholder groups (default weights, order, archiving); for the responses, their
    count and largest id and the count, id sum and latest time of the deleted ones
    (responses are never edited); and the trail's latest entry. Add here anything new a
    result comes to depend on: this is the only place that says what invalidates the
    caches.
    """
    deleted = Submission.deleted_at.is_not(None)
    parts = [
        db.select(literal("assessment"), _row_text(*_columns(Assessment)))
        .where(Assessment.id == assessment_id),
        db.select(literal("responses"), _row_text(
            func.count(), func.max(Submission.id),
            func.sum(case((deleted, 1), else_=0)),
            func.sum(case((deleted, Submission.id), else_=0)),
            func.max(Submission.deleted_at)))
        .where(Submission.assessment_id == assessment_id),
        db.select(literal("override"), _row_text(*_columns(CompanyScoreOverride)))
        .where(CompanyScoreOverride.assessment_id == assessment_id),
        db.select(literal("topic"), _row_text(AssessmentTopic.position, *_columns(Topic),
                                              *_columns(Category)))
        .join(Topic, Topic.id == AssessmentTopic.topic_id)
        .join(Category, Category.id == Topic.category_id)
        .where(AssessmentTopic.assessment_id == assessment_id),
        db.select(literal("group"), _row_text(*_columns(StakeholderGroup))),
        db.select(literal("weight"), _row_text(*_columns(AssessmentGroupWeight)))
        .where(AssessmentGroupWeight.assessment_id == assessment_id),
        # A double-materiality assessment's register (its ratings come with responses).
        db.select(literal("iro"), _row_text(*_columns(Iro)))
        .where(Iro.assessment_id == assessment_id),
        db.select(literal("label"), _row_text(*_columns(LabelPosition)))
        .where(LabelPosition.assessment_id == assessment_id),
        # The trail records every act that can change a result: its latest entry moves
        # with each (label moves count for the picture only).
        db.select(literal("trail"), _row_text(func.max(TrailEntry.id)))
        .where(TrailEntry.assessment_id == assessment_id,
               TrailEntry.action.not_in(_CHART_ONLY_ACTIONS)),
        db.select(literal("label trail"), _row_text(func.max(TrailEntry.id)))
        .where(TrailEntry.assessment_id == assessment_id),
    ]
    rows = sorted((kind, text or "") for kind, text in db.session.execute(union_all(*parts)))
    scores, chart = hashlib.sha256(), hashlib.sha256()
    for kind, text in rows:
        line = f"{kind}:{text}\n".encode()
        chart.update(line)
        if kind not in ("label", "label trail"):
            scores.update(line)
    return Fingerprint(scores.hexdigest(), chart.hexdigest())


def compute_scores(assessment: Assessment) -> ScoreResult:
    """Score the assessment from the stored ratings, weights, thresholds and overrides."""
    topic_ids = [link.topic_id for link in assessment.topic_links]
    allowed = set(topic_ids)
    return score_assessment(
        load_ratings(assessment.id, "stakeholder"),
        load_ratings(assessment.id, "company"),
        topic_ids,
        scoring_settings(assessment),
        company_overrides={o.topic_id: o.score for o in overrides(assessment.id)
                           if o.topic_id in allowed},
        # A closed assessment's columns as it was closed with, whatever the groups now.
        group_ids=listed_group_ids(assessment),
    )


# --------------------------------------------------------------------------- report


def scores_for(assessment: Assessment) -> tuple[ScoreResult, Fingerprint]:
    """The assessment's scores, computed at most once per process until its data or
    configuration changes, and the fingerprint they are kept under."""
    from .cache import caches

    current = fingerprint(assessment.id)
    result = caches().results.get_or_make((assessment.id, current.scores),
                                          lambda: compute_scores(assessment))
    return result, current


@dataclass(frozen=True)
class ReportData:
    """An assessment scored, with the names needed to show it in one language.

    ``topics`` and ``groups`` are named as the assessment shows them (as kept at closing
    once closed); ``fingerprint`` is what the result was computed from (None when it
    was given)."""

    assessment: Assessment
    result: ScoreResult
    locale: str
    topics: dict[int, ShownTopic]
    groups: dict[int, ShownGroup]
    fingerprint: Fingerprint | None = None

    def group_name(self, group_id: int) -> str:
        """A group's name in the report language (also for groups since archived)."""
        group = self.groups.get(group_id)
        return group.name(self.locale) if group else str(group_id)

    @property
    def group_ids(self) -> list[int]:
        """Groups in by_group order (configured ones, then any others with answers)."""
        return list(dict.fromkeys(self.result.by_group.index.get_level_values("group_id")))

    @property
    def group_names(self) -> list[str]:
        return [self.group_name(g) for g in self.group_ids]

    @cached_property
    def sensitivity(self) -> Sensitivity:
        """How robust the tiers are (computed once per report from the result)."""
        return analyse(self.result)

    def stratum_name(self, axis: str, key, note: bool = False) -> str:  # noqa: ANN001
        """A group's or rater kind's name in the report language (group id or kind key).

        ``note``: rater kinds in lower case for running text ("without management").
        """
        if axis == "group":
            return self.group_name(key)
        name = METHODOLOGY_TEXTS[self.locale]["rater_kinds"].get(key, str(key))
        return name.lower() if note and self.locale == "en" else name

    def scenario_name(self, scenario) -> str:  # noqa: ANN001
        """A sensitivity scenario's name in the report language."""
        if scenario.kind == "equal_weights":
            return scenario_name("equal_weights", None, self.locale)
        axis = "group" if scenario.kind == "without_group" else "rater_kind"
        return scenario_name(scenario.kind, self.stratum_name(axis, scenario.stratum),
                             self.locale)


def report_data(assessment: Assessment, locale: str,
                result: ScoreResult | None = None) -> ReportData:
    """Score (unless given a result; from the cache when unchanged) and collect the
    names for one language."""
    current = None
    if result is None:
        result, current = scores_for(assessment)
    return ReportData(
        assessment=assessment,
        result=result,
        locale=normalize_locale(locale),
        topics=shown_topics(assessment),
        groups=shown_groups(assessment),
        fingerprint=current,
    )


def _finite(value: float) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _ci(low: float, high: float) -> tuple[float, float] | None:
    low, high = _finite(low), _finite(high)
    return None if low is None or high is None else (low, high)


def dont_know_shares(result: ScoreResult) -> dict[int, float | None]:
    """Per topic: the share of the stakeholders' answers that were "don't know"."""
    by_topic = result.by_group.groupby(level="topic_id", sort=False)[["answers", "n"]].sum()
    return {int(t): (float((a - n) / a) if a else None)
            for t, a, n in zip(by_topic.index, by_topic["answers"], by_topic["n"], strict=True)}


def topic_score_rows(data: ReportData) -> list[TopicScoreRow]:
    """The topic score table's rows, best rank first."""
    n = data.result.by_group["n"]
    names = dict(zip(data.group_ids, data.group_names, strict=True))
    robust = data.sensitivity
    dont_know = dont_know_shares(data.result)
    rows = []
    for topic_id, row in data.result.topics.sort_values("rank").iterrows():
        topic = data.topics[topic_id]
        odds = robust.topics.loc[topic_id]
        rows.append(TopicScoreRow(
            rank=int(row["rank"]),
            topic=topic.name(data.locale),
            category=topic.category.name(data.locale),
            company_score=_finite(row["company_score"]),
            company_ci=_ci(row["company_ci_low"], row["company_ci_high"]),
            stakeholder_score=_finite(row["stakeholder_score"]),
            stakeholder_ci=_ci(row["stakeholder_ci_low"], row["stakeholder_ci_high"]),
            tier=row["tier"],
            n_by_group={names[g]: int(n.loc[(topic_id, g)]) for g in data.group_ids},
            company_overridden=bool(row["company_overridden"]),
            dont_know_share=dont_know[topic_id],
            p_material=_finite(odds["p_material"]),
            p_same_tier=_finite(odds["p_same_tier"]),
            tier_changes=[(data.scenario_name(s), tier) for s, tier in odds["changes"]],
            unanswered=[data.stratum_name(axis, key)
                        for axis, key in robust.unanswered.get(topic_id, ())],
        ))
    return rows


def matrix_points(data: ReportData, *, error_bars: bool = False,
                  saved_labels: bool = True,
                  saved: dict[int, tuple[float, float]] | None = None) -> list:
    """The topics with both scores as points, in assessment order, labels in the locale.

    Numbers follow the assessment's topic order; labels an editor moved (``saved``,
    read here unless given) are kept.
    """
    from ..services.charts.matrix import MatrixPoint

    if saved is None:
        saved = label_positions(data.assessment.id, data.locale) if saved_labels else {}
    points = []
    for number, (topic_id, row) in enumerate(data.result.topics.iterrows(), 1):
        x, y = _finite(row["company_score"]), _finite(row["stakeholder_score"])
        if x is None or y is None:
            continue
        topic = data.topics[topic_id]
        x_ci = _ci(row["company_ci_low"], row["company_ci_high"])
        y_ci = _ci(row["stakeholder_ci_low"], row["stakeholder_ci_high"])
        points.append(MatrixPoint(
            key=int(topic_id),
            label=topic.name(data.locale),
            x=x,
            y=y,
            category=topic.category.key,
            category_label=topic.category.name(data.locale),
            x_err=x_ci if error_bars else None,
            y_err=y_ci if error_bars else None,
            number=number,
            label_offset=saved.get(int(topic_id)),
        ))
    return points


def label_positions(assessment_id: int, locale: str) -> dict[int, tuple[float, float]]:
    """Label centres an editor set by hand, per topic, in one language."""
    rows = db.session.scalars(db.select(LabelPosition).where(
        LabelPosition.assessment_id == assessment_id,
        LabelPosition.locale == normalize_locale(locale)))
    return {row.topic_id: (row.x, row.y) for row in rows}


def response_rows(assessment: Assessment, locale: str) -> list[ResponseTableRow]:
    """The assessment's response table: as kept at closing once it is closed, else from
    the configured groups (named as the assessment shows them) and their statements."""
    frozen = frozen_response_table(assessment)
    if frozen and locale in frozen:
        return [ResponseTableRow(group=row["group"], expectations=tuple(row["expectations"]),
                                 responses=tuple(row["responses"])) for row in frozen[locale]]
    shown = shown_groups(assessment)
    return [
        ResponseTableRow(
            group=shown[group.id].name(locale),
            expectations=[s.text(locale) for s in group.expectations],
            responses=[s.text(locale) for s in group.responses],
        )
        for group in ordered_groups()
    ]


def answer_groups(assessment: Assessment) -> list[ShownGroup]:
    """The groups the responses page lists open answers under, in order and named as the
    assessment's tables have them (a closed assessment's as it was closed with)."""
    shown = shown_groups(assessment)
    return [shown[group_id] for group_id in listed_group_ids(assessment)]


@dataclass(frozen=True)
class OpenAnswer:
    """One open answer of a stakeholder submission, for staff to review."""

    submission_id: int
    field: str  # "expectations" or "other_topics"
    text: str


def open_answers(assessment_id: int) -> dict[int, list[OpenAnswer]]:
    """Open answers of the assessment's stakeholder submissions (not deleted), by group."""
    rows = db.session.execute(
        db.select(Submission.id, Submission.group_id, Submission.expectations,
                  Submission.other_topics)
        .where(Submission.assessment_id == assessment_id,
               Submission.kind == QuestionnaireKind.STAKEHOLDER,
               Submission.deleted_at.is_(None),
               Submission.group_id.is_not(None))
        .where((Submission.expectations.is_not(None)) | (Submission.other_topics.is_not(None)))
        .order_by(Submission.id))
    answers: dict[int, list[OpenAnswer]] = {}
    for submission_id, group_id, expectations, other_topics in rows:
        for name, value in (("expectations", expectations), ("other_topics", other_topics)):
            if value and value.strip():
                answers.setdefault(group_id, []).append(
                    OpenAnswer(submission_id, name, value.strip()))
    return answers


def respondent_counts(assessment_id: int) -> tuple[dict[int, int], dict[str, int], int]:
    """Submissions (not deleted) per group, per rater kind, and feedback forms."""
    rows = db.session.execute(
        db.select(Submission.kind, Submission.group_id, Submission.rater_kind, func.count())
        .where(Submission.assessment_id == assessment_id, Submission.deleted_at.is_(None))
        .group_by(Submission.kind, Submission.group_id, Submission.rater_kind))
    groups: dict[int, int] = {}
    kinds: dict[str, int] = {}
    feedback = 0
    for kind, group_id, rater_kind, count in rows:
        if kind == QuestionnaireKind.STAKEHOLDER and group_id is not None:
            groups[group_id] = groups.get(group_id, 0) + count
        elif kind == QuestionnaireKind.COMPANY and rater_kind:
            kinds[rater_kind] = kinds.get(rater_kind, 0) + count
        elif kind == QuestionnaireKind.FEEDBACK:
            feedback += count
    return groups, kinds, feedback


def _survey_dates(assessment: Assessment) -> tuple[date | None, date | None, int]:
    """The survey period and the valid questionnaires submitted outside it.

    The period is the assessment's window (opens_on..closes_on, calendar days in the
    app's time zone), so one stray late response does not stretch it; only when no
    window was set does the period run from the first response to the last.
    """
    live = (Submission.assessment_id == assessment.id, Submission.deleted_at.is_(None))
    if assessment.opens_on is None and assessment.closes_on is None:
        first, last = db.session.execute(
            db.select(func.min(Submission.submitted_at), func.max(Submission.submitted_at))
            .where(*live)).one()
        return (first.date() if first else None), (last.date() if last else None), 0
    outside = []
    if assessment.opens_on is not None:
        outside.append(Submission.submitted_at < _local_midnight(assessment.opens_on))
    if assessment.closes_on is not None:
        outside.append(Submission.submitted_at
                       >= _local_midnight(assessment.closes_on + timedelta(days=1)))
    rated = db.select(Rating.submission_id).where(Rating.score.is_not(None))
    count = db.session.scalar(db.select(func.count()).select_from(Submission).where(
        *live, Submission.kind == QuestionnaireKind.STAKEHOLDER,
        Submission.id.in_(rated), or_(*outside)))
    return assessment.opens_on, assessment.closes_on, count or 0


def _local_midnight(day: date) -> datetime:
    """The moment a calendar day starts in the app's time zone, in UTC."""
    return from_local_time(datetime.combine(day, time()))


def methodology_input(data: ReportData) -> MethodologyInput:
    """What the methodology note states, from the assessment and its scores.

    Respondents are those with at least one numeric rating (from the scoring); those who
    answered "don't know" to everything are reported apart.
    """
    assessment, result = data.assessment, data.result
    _groups, _kinds, feedback = respondent_counts(assessment.id)
    settings = result.settings
    start, end, outside = _survey_dates(assessment)
    groups = result.group_respondents
    kinds = result.rater_kind_respondents
    return MethodologyInput(
        # An English note quotes only an English title (a Chinese one would stand alone).
        assessment_title=(assessment.title if normalize_locale(data.locale) == "zh_CN"
                          else (assessment.title_en or "").strip()),
        organisation=pick_language(*shown_organisation_names(assessment), data.locale),
        reporting_year=assessment.reporting_year,
        survey_start=start,
        survey_end=end,
        topics=len(data.topics),
        groups=[GroupCount(data.group_name(g), respondent_pair(groups, g)[0],
                           float(settings.group_weights.get(g, 1.0)))
                for g in data.group_ids],
        company_raters={k: respondent_pair(kinds, k)[0] for k in RATER_KINDS},
        rater_kind_weights=dict(settings.rater_kind_weights),
        threshold_mode=settings.threshold_mode,
        threshold_company=_finite(result.threshold_company),
        threshold_stakeholder=_finite(result.threshold_stakeholder),
        top_n=settings.top_n,
        quantile=settings.quantile,
        bootstrap_samples=settings.bootstrap_samples,
        seed=settings.seed,
        overrides=[(data.topics[o.topic_id].name(data.locale), o.score, o.reason)
                   for o in overrides(assessment.id) if o.topic_id in data.topics],
        feedback_responses=feedback,
        dont_know_only=int(groups["dont_know_only"].sum()) if not groups.empty else 0,
        small_strata=_small_strata(data),
        unanswered=[(data.topics[t].name(data.locale),
                     [data.stratum_name(axis, key, note=True) for axis, key in strata])
                    for t, strata in data.sensitivity.unanswered.items()],
        robustness=_note_robustness(data),
        outside_period=outside,
    )


def _small_strata(data: ReportData) -> list[tuple[str, int]]:
    robust = data.sensitivity
    return ([(data.stratum_name("group", g), n) for g, n in robust.small_groups.items()]
            + [(data.stratum_name("rater_kind", k, note=True), n)
               for k, n in robust.small_rater_kinds.items()])


def _note_robustness(data: ReportData) -> Robustness:
    """The robustness paragraph's figures, with names in the report language."""
    robust = data.sensitivity
    mean = next(p for p in threshold_preview(data.result) if p.settings.threshold_mode == "mean")

    def phrase(scenario) -> str:  # noqa: ANN001
        if scenario.kind == "equal_weights":
            return scenario_phrase("equal_weights", None, data.locale)
        axis = "group" if scenario.kind == "without_group" else "rater_kind"
        return scenario_phrase(scenario.kind,
                               data.stratum_name(axis, scenario.stratum, note=True), data.locale)

    name = {t: data.topics[t].name(data.locale) for t in robust.topics.index}
    return Robustness(
        samples=robust.samples,
        counts=robust.counts,
        mean_counts=mean.counts,
        concentrated=robust.concentrated,
        uncertain=[(name[t], float(row["p_same_tier"]))
                   for t, row in robust.topics.iterrows() if row["uncertain"]],
        changes=[(name[t], [(phrase(s), tier) for s, tier in row["changes"]])
                 for t, row in robust.topics.iterrows() if row["sensitive"]],
    )


def respondent_pair(frame, key) -> tuple[int, int]:  # noqa: ANN001
    """(respondents with a numeric rating, "don't know"-only) of one stratum."""
    if key not in frame.index:
        return 0, 0
    row = frame.loc[key]
    return int(row["respondents"]), int(row["dont_know_only"])
