"""Scoring of a double-materiality assessment: impacts, risks and opportunities (IROs).

This docstring is the published method. Every figure can be recomputed from the raw
assessor ratings (one row per IRO, assessor and criterion) with plain pandas.

Register. Each IRO belongs to one topic and is of one kind: ``negative_impact``,
``positive_impact``, ``risk`` or ``opportunity``. An impact is ``actual`` or
``potential``; a negative impact may concern human rights.

Criteria, each rated 1-5 by assessors or "cannot judge" (stored as NaN):

- negative impact: scale, scope, irremediable (character), and likelihood if potential;
- positive impact: scale, scope, and likelihood if potential;
- risk or opportunity: magnitude (of the financial effect) and likelihood.

Ratings of a criterion that does not apply to the IRO's kind are ignored (the IRO's
kind may have been changed after it was rated), as are ratings of IROs not in the
register. "Cannot judge" is left out of every figure: per criterion, only numeric
ratings count.

Criterion value. For each IRO and criterion, the mean of the assessors' numeric ratings
(option ``aggregate="median"``: their median). No numeric rating: no value.

Severity. Negative impact: mean of scale, scope and irremediable. Positive impact: mean
of scale and scope. Risks and opportunities have no severity.

Score. Actual impact: its severity. Potential impact: the combination of severity and
likelihood, by default their geometric mean sqrt(severity x likelihood) (options
``combine="arithmetic"``: (severity + likelihood) / 2; ``combine="product"``:
severity x likelihood / scale_max, i.e. / 5 on 1-5). A potential negative impact on human
rights scores its severity alone (ESRS 1 §45: severity takes precedence over
likelihood); its likelihood is still shown. Risk or opportunity: the same combination of
magnitude and likelihood. An IRO lacking the value of a criterion its score needs gets
no score, and ``missing_criteria`` names those criteria.

Assessors and review. ``assessors`` counts the assessors with at least one numeric
rating of the IRO. An IRO is flagged ``needs_review`` when the numeric ratings of any
one of its criteria span ``review_span`` (2) points or more (max - min);
``review_criteria`` names them.

Topics. A topic's impact materiality is the highest score among its impacts (negative
and positive), its financial materiality the highest among its risks and opportunities.
A topic with no scored IRO of a kind has no score on that axis (NaN).

Thresholds, one per axis, by ``threshold_mode``: "value" (default) - the given
``threshold_impact`` and ``threshold_financial`` (3.0 each); "midpoint" - (scale_min +
scale_max) / 2; "mean" - the mean of the topics' scores on that axis; "quantile" - that
quantile of them (numpy's linear method); "top_n" - the N topics with the highest score
on that axis (ties broken by the topics' order) reach it, and the threshold is reported
as NaN. Means and quantiles are taken over the topics with a score on that axis. A
topic is material by impact when its impact score reaches (>=) the impact threshold,
by financial materiality likewise, and material when it reaches either;
``materiality`` says "impact", "financial" or "both" (None when neither). Scores are
compared after rounding to 9 decimals so floating-point noise never decides a threshold.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

# The classic method's quantile over the topics with a score: one rule for both methods.
from materiality.services.scoring.classic import _quantile

KINDS = ("negative_impact", "positive_impact", "risk", "opportunity")
IMPACT_KINDS = ("negative_impact", "positive_impact")
FINANCIAL_KINDS = ("risk", "opportunity")
ACTUALITIES = ("actual", "potential")
CRITERIA = ("scale", "scope", "irremediable", "likelihood", "magnitude")
AGGREGATES = ("mean", "median")
COMBINATIONS = ("geometric", "arithmetic", "product")
THRESHOLD_MODES = ("value", "midpoint", "mean", "quantile", "top_n")
MATERIALITY = ("impact", "financial", "both")
IRO_COLUMNS = (
    "topic_id", "kind", "actuality", "human_rights", *CRITERIA, "severity", "score",
    "assessors", "needs_review", "review_criteria", "missing_criteria",
)
TOPIC_COLUMNS = (
    "impact_score", "financial_score", "impact_iros", "financial_iros",
    "material_impact", "material_financial", "material", "materiality",
)
_DECIMALS = 9


def applicable_criteria(kind: str, actuality: str | None) -> tuple[str, ...]:
    """The criteria assessors rate for an IRO of this kind (the assessor panel asks these)."""
    if kind == "negative_impact":
        base = ("scale", "scope", "irremediable")
    elif kind == "positive_impact":
        base = ("scale", "scope")
    elif kind in FINANCIAL_KINDS:
        return ("magnitude", "likelihood")
    else:
        raise ValueError(f"unknown IRO kind {kind!r}")
    return (*base, "likelihood") if actuality == "potential" else base


def scored_criteria(kind: str, actuality: str | None, human_rights: bool) -> tuple[str, ...]:
    """The criteria the IRO's score needs: without a value for each, no score."""
    criteria = applicable_criteria(kind, actuality)
    if kind == "negative_impact" and human_rights and actuality == "potential":
        return tuple(c for c in criteria if c != "likelihood")  # ESRS 1 §45
    return criteria


@dataclass(frozen=True)
class DoubleMaterialitySettings:
    """How a double-materiality assessment is scored; see the module docstring."""

    aggregate: str = "mean"
    combine: str = "geometric"
    threshold_mode: str = "value"
    threshold_impact: float | None = 3.0
    threshold_financial: float | None = 3.0
    quantile: float | None = None
    top_n: int | None = None
    review_span: float = 2.0
    scale_min: int = 1
    scale_max: int = 5

    def __post_init__(self) -> None:
        """Refuse settings the method does not define."""
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"aggregate must be one of {AGGREGATES}")
        if self.combine not in COMBINATIONS:
            raise ValueError(f"combine must be one of {COMBINATIONS}")
        if self.threshold_mode not in THRESHOLD_MODES:
            raise ValueError(f"threshold_mode must be one of {THRESHOLD_MODES}")
        if self.threshold_mode == "value":
            for value in (self.threshold_impact, self.threshold_financial):
                if value is None or not math.isfinite(value):
                    raise ValueError("value mode needs threshold_impact and threshold_financial")
        if self.threshold_mode == "quantile" and (
                self.quantile is None or not 0.0 <= self.quantile <= 1.0):
            raise ValueError("quantile mode needs 0 <= quantile <= 1")
        if self.threshold_mode == "top_n" and (self.top_n is None or self.top_n < 1):
            raise ValueError("top_n mode needs top_n >= 1")
        if self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        if not self.review_span > 0:
            raise ValueError("review_span must be above 0")


@dataclass(frozen=True)
class DoubleMaterialityResult:
    """The IRO table and the topic table the matrix and the exports show."""

    #: indexed by iro_id in register order; columns ``IRO_COLUMNS``
    iros: pd.DataFrame
    #: indexed by topic_id in assessment order; columns ``TOPIC_COLUMNS``
    topics: pd.DataFrame
    #: thresholds actually used (NaN in top_n mode)
    threshold_impact: float
    threshold_financial: float
    settings: DoubleMaterialitySettings


def score_double_materiality(
    iros: pd.DataFrame,
    ratings: pd.DataFrame,
    topic_ids: Sequence[int],
    settings: DoubleMaterialitySettings = DoubleMaterialitySettings(),  # noqa: B008 - frozen
) -> DoubleMaterialityResult:
    """Score every IRO and every topic on both axes.

    ``iros`` has columns iro_id, topic_id, kind, actuality (None for risks and
    opportunities), human_rights; ``ratings`` has iro_id, assessor_id, criterion, value
    (1-5, NaN = "cannot judge"). ``topic_ids`` are the assessment's topics in order:
    each gets a row, with or without IROs.
    """
    topic_ids = list(topic_ids)
    if len(set(topic_ids)) != len(topic_ids):
        raise ValueError("topic_ids contains duplicates")
    register = _checked_register(iros, set(topic_ids))
    values, spans, assessors = _criterion_values(register, ratings, settings)

    table = register.join(values).join(spans.rename(columns=lambda c: f"span_{c}"))
    severity, score, missing = _scores(table, settings)
    review = [tuple(c for c in CRITERIA
                    if round(float(row.get(f"span_{c}", math.nan)), _DECIMALS)
                    >= settings.review_span)
              for _, row in table.iterrows()]
    result_iros = pd.DataFrame({
        "topic_id": register["topic_id"],
        "kind": register["kind"],
        "actuality": register["actuality"],
        "human_rights": register["human_rights"],
        **{c: table[c] for c in CRITERIA},
        "severity": severity,
        "score": score,
        "assessors": assessors.reindex(register.index, fill_value=0).astype("int64"),
        "needs_review": pd.Series([bool(r) for r in review], index=register.index, dtype=bool),
        "review_criteria": pd.Series(review, index=register.index, dtype=object),
        "missing_criteria": pd.Series(missing, index=register.index, dtype=object),
    }, index=register.index)
    topics, t_impact, t_financial = _topics(result_iros, topic_ids, settings)
    return DoubleMaterialityResult(iros=result_iros, topics=topics, threshold_impact=t_impact,
                                   threshold_financial=t_financial, settings=settings)


def _checked_register(iros: pd.DataFrame, topics: set[int]) -> pd.DataFrame:
    """The register indexed by iro_id, its kinds and actualities checked."""
    register = iros.loc[:, ["iro_id", "topic_id", "kind", "actuality", "human_rights"]].copy()
    if register["iro_id"].duplicated().any():
        raise ValueError("iro_id contains duplicates")
    unknown = set(register["kind"]) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown IRO kind {sorted(unknown)}")
    stray = set(register["topic_id"]) - topics
    if stray:
        raise ValueError(f"IROs of topics not in the assessment: {sorted(stray)}")
    impacts = register["kind"].isin(IMPACT_KINDS)
    actuality = register["actuality"].where(impacts, None)
    if not actuality[impacts].isin(ACTUALITIES).all():
        raise ValueError("every impact must be actual or potential")
    register["actuality"] = actuality.astype(object)
    register["human_rights"] = (register["human_rights"].fillna(False).astype(bool)
                                & (register["kind"] == "negative_impact"))
    return register.set_index("iro_id")


def _criterion_values(
    register: pd.DataFrame, ratings: pd.DataFrame, settings: DoubleMaterialitySettings
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Per IRO: each criterion's value, the span of its ratings, and the assessors counted."""
    rated = ratings.loc[:, ["iro_id", "assessor_id", "criterion", "value"]]
    rated = rated[rated["iro_id"].isin(register.index)]
    if rated.duplicated(["iro_id", "assessor_id", "criterion"]).any():
        raise ValueError("an assessor rated a criterion of an IRO twice")
    unknown = set(rated["criterion"]) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criterion {sorted(unknown)}")
    numbers = pd.to_numeric(rated["value"], errors="raise").astype(float)
    outside = numbers.notna() & ~numbers.between(settings.scale_min, settings.scale_max)
    if outside.any():
        raise ValueError(f"rating {numbers[outside].iloc[0]} is outside the scale")
    rated = rated.assign(value=numbers).dropna(subset=["value"])
    applies = pd.Series(
        [(iro, c) for iro, row in register.iterrows()
         for c in applicable_criteria(row["kind"], row["actuality"])])
    wanted = pd.MultiIndex.from_tuples(list(applies), names=["iro_id", "criterion"])
    rated = rated.set_index(["iro_id", "criterion"])
    rated = rated[rated.index.isin(wanted)].reset_index()
    grouped = rated.groupby(["iro_id", "criterion"])["value"]
    centre = grouped.median() if settings.aggregate == "median" else grouped.mean()
    span = grouped.max() - grouped.min()

    def wide(series: pd.Series) -> pd.DataFrame:
        return (series.unstack("criterion").reindex(index=register.index, columns=list(CRITERIA))
                .astype(float))

    assessors = rated.groupby("iro_id")["assessor_id"].nunique()
    return wide(centre), wide(span), assessors


def _combine(first: pd.Series, second: pd.Series, settings: DoubleMaterialitySettings) -> pd.Series:
    if settings.combine == "arithmetic":
        return (first + second) / 2.0
    if settings.combine == "product":
        return first * second / settings.scale_max
    return np.sqrt(first * second)


def _scores(
    table: pd.DataFrame, settings: DoubleMaterialitySettings
) -> tuple[pd.Series, pd.Series, list[tuple[str, ...]]]:
    """Severity and score of every IRO, and the criteria a score lacks."""
    kind, potential = table["kind"], table["actuality"] == "potential"
    severity = pd.Series(math.nan, index=table.index)
    negative, positive = kind == "negative_impact", kind == "positive_impact"
    # A mean over a fixed set of criteria: a missing one leaves it NaN (no skipna).
    severity[negative] = table.loc[negative, ["scale", "scope", "irremediable"]].mean(
        axis=1, skipna=False)
    severity[positive] = table.loc[positive, ["scale", "scope"]].mean(axis=1, skipna=False)
    impact = negative | positive
    score = severity.where(impact & ~potential)
    combined_impact = _combine(severity, table["likelihood"], settings)
    score = score.mask(impact & potential, combined_impact)
    score = score.mask(negative & potential & table["human_rights"], severity)
    financial = kind.isin(FINANCIAL_KINDS)
    score = score.mask(financial, _combine(table["magnitude"], table["likelihood"], settings))
    missing = [tuple(c for c in scored_criteria(row["kind"], row["actuality"],
                                                row["human_rights"]) if pd.isna(row[c]))
               for _, row in table.iterrows()]
    return severity, score.astype(float), missing


def _topics(
    iros: pd.DataFrame, topic_ids: list[int], settings: DoubleMaterialitySettings
) -> tuple[pd.DataFrame, float, float]:
    """Each topic's score on both axes, whether it reaches each threshold, and the thresholds."""
    index = pd.Index(topic_ids, name="topic_id")
    is_impact = iros["kind"].isin(IMPACT_KINDS)
    impact = iros[is_impact].groupby("topic_id")["score"].max().reindex(index)
    financial = iros[~is_impact].groupby("topic_id")["score"].max().reindex(index)
    reached = {}
    thresholds = {}
    for axis, scores, given in (("impact", impact, settings.threshold_impact),
                                ("financial", financial, settings.threshold_financial)):
        thresholds[axis], reached[axis] = _reach(scores.to_numpy(float), given, settings)
    both = reached["impact"] & reached["financial"]
    materiality = np.where(both, "both", np.where(reached["impact"], "impact", np.where(
        reached["financial"], "financial", "")))
    topics = pd.DataFrame({
        "impact_score": impact.astype(float),
        "financial_score": financial.astype(float),
        "impact_iros": iros[is_impact].groupby("topic_id").size().reindex(index, fill_value=0),
        "financial_iros": iros[~is_impact].groupby("topic_id").size().reindex(
            index, fill_value=0),
        "material_impact": reached["impact"],
        "material_financial": reached["financial"],
        "material": reached["impact"] | reached["financial"],
        "materiality": pd.Series([str(m) or None for m in materiality], index=index, dtype=object),
    }, index=index)
    return topics, thresholds["impact"], thresholds["financial"]


def _reach(
    scores: np.ndarray, given: float | None, settings: DoubleMaterialitySettings
) -> tuple[float, np.ndarray]:
    """One axis's threshold and which topics reach it (a topic without a score never does)."""
    scored = ~np.isnan(scores)
    mode = settings.threshold_mode
    if mode == "top_n":
        rounded = np.where(scored, -np.round(scores, _DECIMALS), np.inf)
        order = np.lexsort((np.arange(len(scores)), rounded))
        top = np.zeros(len(scores), dtype=bool)
        top[order[:settings.top_n]] = True
        return math.nan, top & scored
    if mode == "value":
        threshold = float(given)  # type: ignore[arg-type]
    elif mode == "midpoint":
        threshold = (settings.scale_min + settings.scale_max) / 2.0
    elif mode == "mean":
        threshold = float(scores[scored].mean()) if scored.any() else math.nan
    else:
        threshold = _quantile(scores, float(settings.quantile))  # type: ignore[arg-type]
    if math.isnan(threshold):
        return threshold, np.zeros(len(scores), dtype=bool)
    return threshold, scored & (np.round(scores, _DECIMALS) >= round(threshold, _DECIMALS))


@dataclass(frozen=True)
class ModePreview:
    """How one threshold mode sorts the topics: its thresholds and the count of topics
    material by both axes, by impact alone, by financial materiality alone, and not."""

    settings: DoubleMaterialitySettings
    threshold_impact: float
    threshold_financial: float
    #: keyed "both", "impact", "financial" and None (not material)
    counts: dict[str | None, int]


def threshold_preview(result: DoubleMaterialityResult, quantile: float = 0.5,
                      top_n: int | None = None) -> list[ModePreview]:
    """Counts per materiality under each threshold mode, on the published scores.

    As the classic method's preview: the assessment's own quantile, N and values where
    it has them, else ``quantile`` and ``top_n`` (default: a quarter of the topics); the
    "value" mode is left out when no values are set.
    """
    settings = result.settings
    q = settings.quantile if settings.quantile is not None else quantile
    n = settings.top_n or top_n or max(1, round(len(result.topics) / 4))
    candidates = [replace(settings, threshold_mode="midpoint"),
                  replace(settings, threshold_mode="mean"),
                  replace(settings, threshold_mode="quantile", quantile=q),
                  replace(settings, threshold_mode="top_n", top_n=n)]
    if settings.threshold_impact is not None and settings.threshold_financial is not None:
        candidates.append(replace(settings, threshold_mode="value"))
    topic_ids = list(result.topics.index)
    previews = []
    for candidate in candidates:
        topics, t_impact, t_financial = _topics(result.iros, topic_ids, candidate)
        counts = {key: int((topics["materiality"] == key).sum()) for key in MATERIALITY}
        counts[None] = int((~topics["material"]).sum())
        previews.append(ModePreview(candidate, t_impact, t_financial, counts))
    return previews
