"""Scoring of a materiality assessment: the two axes, their intervals, tiers and ranks.

This docstring is the published methodology. Every figure can be recomputed from the
raw rating rows (one row per respondent, topic and answer) with plain pandas/numpy.

Answers. Scores run from ``scale_min`` to ``scale_max`` (1-5); "don't know" is stored as
NaN. "Don't know" is left out of every mean and counted in ``dont_know_share`` =
("don't know" answers) / (all answers) of a group to a topic. A respondent answers each
topic at most once and belongs to one stakeholder group (or one rater kind). Ratings of
topics outside ``topic_ids`` are ignored.

Importance to stakeholders (y axis). For each topic, each group's mean is the plain
mean of that group's numeric answers. The topic's stakeholder score is the weighted
mean of the group means over the groups with at least one numeric answer to that topic:

    score = sum(w_g * mean_g) / sum(w_g)        (sums over the groups present)

with w_g = ``group_weights[g]`` (1.0 when not set), so each group counts by its weight
and not by its head count, and a group without answers to a topic neither drags it
down nor inflates the others. ``by_group.weight`` is w_g / sum(w_g) for that topic.
``group_weights_used`` reports the same normalisation over every group with at least
one numeric answer in the assessment (its shares sum to 1).

Importance to the company (x axis). The same rule over the rater kinds (management,
internal experts, external experts) with ``rater_kind_weights``. An administrator may
override a topic's company score (``company_overrides``); the override replaces the
computed score, its interval becomes NaN and ``company_overridden`` is True.

Confidence intervals. Bootstrap over respondents, stratified: in each replicate, each
group's respondents (those with at least one answer row) are resampled with
replacement, as many as the group has; group means and the weighted score are
recomputed as above (a group none of whose drawn respondents answered a topic is left
out of that replicate's score for the topic). The interval is the percentile interval
of ``bootstrap_samples`` replicates (numpy's default linear quantile), at
``confidence``. Draws come from ``numpy.random.default_rng(seed)``, one generator per
axis: for each group in ascending group_id order (rater kinds in the order
management, internal_expert, external_expert), skipping those without respondents,
``rng.integers(0, n_g, size=(bootstrap_samples, n_g))`` picks positions among the
group's n_g respondents sorted by respondent_id. The same data and seed always give the
same intervals. With one respondent the interval is the point; with none, NaN.
``bootstrap_samples=0`` skips the bootstrap (all intervals NaN).

Counts. ``stakeholder_n`` / ``company_n``: respondents with a numeric answer to the
topic (kept when the company score is overridden). In ``by_group`` / ``by_rater_kind``:
``answers`` = answer rows incl. "don't know", ``n`` = numeric answers, ``mean``, ``std``
(sample, ddof=1; NaN when n < 2), ``dont_know_share`` (NaN when no answers) and
``weight`` (the stratum's share in that topic's score; 0 when it has no numeric answer).

Respondents. ``group_respondents`` / ``rater_kind_respondents`` count, per stratum, the
respondents with at least one numeric answer (``respondents``) and, apart, those whose
every answer was "don't know" (``dont_know_only``); only the first are "respondents" in
the report. (The bootstrap resamples both, as described above: a "don't know"-only
respondent drawn adds nothing to any mean.)

Tiers. With thresholds tx (company) and ty (stakeholders), a topic is
"highly_material" when both scores reach their threshold (>=), "material" when exactly
one does and "to_watch" when neither does; None when a score is missing. Thresholds:
"midpoint" - (scale_min + scale_max) / 2 on both axes (3.0 on 1-5); "mean" - on each
axis, the mean of the topics' scores; "value" - the given ``threshold_company`` and
``threshold_stakeholder``; "quantile" - on each axis, that quantile (numpy's default
linear method) of the topics' scores; "top_n" - the N best-ranked topics are
"highly_material", the next N "material", the rest "to_watch" (thresholds reported as
NaN). Means and quantiles are taken over the topics with a score on that axis.

Replicates. ``stakeholder_replicates`` / ``company_replicates`` keep the bootstrap's
(bootstrap_samples, topics) replicate scores (an overridden company score is the same
in every replicate) for the sensitivity analysis (``services.sensitivity``).

Rank. 1 = most material, by the combined score = (company + stakeholder) / 2, ties
broken by the higher stakeholder score, then by the topic's order in the assessment.
Topics missing a score rank last, in the same order. Scores are compared after
rounding to 9 decimals so floating-point noise never decides a tie or a threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from materiality.services.scoring.bootstrap import (
    AxisData,
    bootstrap_scores,
    normalised_weights,
    percentile_interval,
    prepare_axis,
    safe_divide,
    weighted_scores,
)

TIERS = ("highly_material", "material", "to_watch")
RATER_KINDS = ("management", "internal_expert", "external_expert")
THRESHOLD_MODES = ("midpoint", "mean", "value", "top_n", "quantile")
TOPIC_COLUMNS = (
    "stakeholder_score", "stakeholder_ci_low", "stakeholder_ci_high", "stakeholder_n",
    "company_score", "company_ci_low", "company_ci_high", "company_n", "company_overridden",
    "combined_score", "tier", "rank",
)
BREAKDOWN_COLUMNS = ("n", "mean", "std", "dont_know_share", "answers", "weight")
RESPONDENT_COLUMNS = ("respondents", "dont_know_only")
_DECIMALS = 9


@dataclass(frozen=True)
class ScoringSettings:
    """How an assessment is scored; see the module docstring for the method."""

    group_weights: Mapping[int, float] = field(default_factory=dict)
    rater_kind_weights: Mapping[str, float] = field(default_factory=dict)
    threshold_mode: str = "midpoint"
    threshold_company: float | None = None
    threshold_stakeholder: float | None = None
    top_n: int | None = None
    quantile: float | None = None
    bootstrap_samples: int = 1000
    confidence: float = 0.95
    seed: int = 2023
    scale_min: int = 1
    scale_max: int = 5

    def __post_init__(self) -> None:
        """Validate, and freeze the weight mappings so settings cannot change under us."""
        for name in ("group_weights", "rater_kind_weights"):
            weights = dict(getattr(self, name))
            if any(not math.isfinite(w) or w < 0 for w in weights.values()):
                raise ValueError(f"{name} must be finite and >= 0")
            object.__setattr__(self, name, MappingProxyType(weights))
        if self.threshold_mode not in THRESHOLD_MODES:
            raise ValueError(f"threshold_mode must be one of {THRESHOLD_MODES}")
        if self.threshold_mode == "value" and (
            self.threshold_company is None or self.threshold_stakeholder is None
        ):
            raise ValueError("value mode needs threshold_company and threshold_stakeholder")
        if self.threshold_mode == "top_n" and (self.top_n is None or self.top_n < 1):
            raise ValueError("top_n mode needs top_n >= 1")
        if self.threshold_mode == "quantile" and (
            self.quantile is None or not 0.0 <= self.quantile <= 1.0
        ):
            raise ValueError("quantile mode needs 0 <= quantile <= 1")
        if self.bootstrap_samples < 0:
            raise ValueError("bootstrap_samples must be >= 0 (0 skips the intervals)")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError("confidence must lie strictly between 0 and 1")
        if self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")


@dataclass(frozen=True)
class ScoreResult:
    """Everything the matrix, the report tables and the exports show."""

    #: indexed by topic_id in assessment order; columns ``TOPIC_COLUMNS``
    topics: pd.DataFrame
    #: MultiIndex (topic_id, group_id); columns ``BREAKDOWN_COLUMNS``
    by_group: pd.DataFrame
    #: MultiIndex (topic_id, rater_kind); columns ``BREAKDOWN_COLUMNS``
    by_rater_kind: pd.DataFrame
    #: thresholds actually used (NaN in top_n mode)
    threshold_company: float
    threshold_stakeholder: float
    #: weights normalised to sum 1 over the groups / kinds with any numeric answer
    group_weights_used: dict[int, float]
    rater_kind_weights_used: dict[str, float]
    settings: ScoringSettings
    #: indexed by group_id / rater_kind (breakdown order); columns ``RESPONDENT_COLUMNS``
    group_respondents: pd.DataFrame = field(default_factory=pd.DataFrame)
    rater_kind_respondents: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: (bootstrap_samples, topics) replicate scores, topics in ``topics`` order
    stakeholder_replicates: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    company_replicates: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))


def score_assessment(
    stakeholder_ratings: pd.DataFrame,
    company_ratings: pd.DataFrame,
    topic_ids: Sequence[int],
    settings: ScoringSettings = ScoringSettings(),  # noqa: B008 - frozen, so safe to share
    company_overrides: Mapping[int, float] | None = None,
    group_ids: Sequence[int] | None = None,
) -> ScoreResult:
    """Score every topic on both axes, with intervals, tiers and ranks.

    ``stakeholder_ratings`` has columns respondent_id, group_id, topic_id, score;
    ``company_ratings`` has respondent_id, rater_kind, topic_id, score (NaN = "don't
    know"). ``group_ids`` lists every configured group so that groups without answers
    still get rows; groups found in the ratings but not listed are appended.
    """
    topic_ids = list(topic_ids)
    if len(set(topic_ids)) != len(topic_ids):
        raise ValueError("topic_ids contains duplicates")
    scale = (float(settings.scale_min), float(settings.scale_max))

    groups = list(group_ids or [])
    seen = set(groups)
    groups += sorted(int(g) for g in pd.unique(stakeholder_ratings["group_id"]) if g not in seen)
    kinds = set(pd.unique(company_ratings["rater_kind"]))
    if kinds - set(RATER_KINDS):
        raise ValueError(f"unknown rater_kind {sorted(kinds - set(RATER_KINDS))}")

    stakeholders = prepare_axis(stakeholder_ratings, "group_id", groups, topic_ids, scale)
    company = prepare_axis(company_ratings, "rater_kind", RATER_KINDS, topic_ids, scale)
    group_weights = np.array([settings.group_weights.get(g, 1.0) for g in groups], dtype=float)
    kind_weights = np.array([settings.rater_kind_weights.get(k, 1.0) for k in RATER_KINDS])

    by_id = np.argsort(np.array(groups, dtype=np.int64), kind="stable")
    stake_score, stake_low, stake_high, stake_reps = _score_axis(
        stakeholders, group_weights, settings, draw_order=by_id)
    comp_score, comp_low, comp_high, comp_reps = _score_axis(company, kind_weights, settings)
    overridden = np.zeros(len(topic_ids), dtype=bool)
    position = {t: i for i, t in enumerate(topic_ids)}
    for topic, value in (company_overrides or {}).items():
        if topic not in position:
            raise ValueError(f"override for topic {topic}, which is not in the assessment")
        if not scale[0] <= value <= scale[1]:
            raise ValueError(f"override {value} for topic {topic} is outside the scale")
        i = position[topic]
        comp_score[i], comp_low[i], comp_high[i], overridden[i] = value, np.nan, np.nan, True
        comp_reps[:, i] = value

    combined = (stake_score + comp_score) / 2.0
    index = pd.Index(topic_ids, name="topic_id")
    rank = _rank(combined, stake_score)
    tx, ty, tier = classify(comp_score, stake_score, settings)
    topics = pd.DataFrame(
        {
            "stakeholder_score": stake_score,
            "stakeholder_ci_low": stake_low,
            "stakeholder_ci_high": stake_high,
            "stakeholder_n": stakeholders.n.sum(axis=0),
            "company_score": comp_score,
            "company_ci_low": comp_low,
            "company_ci_high": comp_high,
            "company_n": company.n.sum(axis=0),
            "company_overridden": overridden,
            "combined_score": combined,
            "tier": pd.Series(tier, index=index, dtype=object),  # keeps None
            "rank": rank,
        },
        index=index,
    )
    return ScoreResult(
        topics=topics,
        by_group=_breakdown(stakeholders, group_weights, topic_ids, "group_id"),
        by_rater_kind=_breakdown(company, kind_weights, topic_ids, "rater_kind"),
        threshold_company=tx,
        threshold_stakeholder=ty,
        group_weights_used=_weights_used(stakeholders, group_weights),
        rater_kind_weights_used=_weights_used(company, kind_weights),
        settings=settings,
        group_respondents=_respondents(stakeholders, "group_id"),
        rater_kind_respondents=_respondents(company, "rater_kind"),
        stakeholder_replicates=stake_reps,
        company_replicates=comp_reps,
    )


def _score_axis(
    axis: AxisData,
    weights: np.ndarray,
    settings: ScoringSettings,
    draw_order: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Point score, bootstrap interval and replicates of every topic on one axis."""
    point = weighted_scores(axis.sums, axis.n, weights)
    replicates = bootstrap_scores(axis, weights, settings.bootstrap_samples,
                                  np.random.default_rng(settings.seed), draw_order)
    low, high = percentile_interval(replicates, point, settings.confidence)
    return point, low, high, replicates


def _descending(values: np.ndarray) -> np.ndarray:
    """Sort key: higher first, missing last, compared at 9 decimals."""
    rounded = np.round(values, _DECIMALS)
    return np.where(np.isnan(rounded), np.inf, -rounded)


def rank_rows(combined: np.ndarray, stakeholder: np.ndarray) -> np.ndarray:
    """1-based ranks along the last axis (see the module docstring); rows rank apart."""
    combined, stakeholder = np.atleast_2d(combined), np.atleast_2d(stakeholder)
    order_in_assessment = np.broadcast_to(np.arange(combined.shape[-1]), combined.shape)
    order = np.lexsort((order_in_assessment, _descending(stakeholder), _descending(combined)),
                       axis=-1)
    rank = np.empty(combined.shape, dtype=np.int64)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(1, combined.shape[-1] + 1),
                                                   combined.shape), axis=-1)
    return rank


def _rank(combined: np.ndarray, stakeholder: np.ndarray) -> np.ndarray:
    """1-based ranks: combined desc, stakeholder desc, assessment order; missing last."""
    return rank_rows(combined, stakeholder)[0]


def tier_levels(
    company: np.ndarray, stakeholder: np.ndarray, settings: ScoringSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thresholds and tier levels of every row of scores (rows: scenarios or replicates).

    ``company`` and ``stakeholder`` are (R, T); returns tx (R,), ty (R,) and levels (R, T)
    with 0 = highly_material, 1 = material, 2 = to_watch and -1 where a score is missing.
    Thresholds that depend on the scores (mean, quantile) are computed per row.
    """
    company, stakeholder = np.atleast_2d(company), np.atleast_2d(stakeholder)
    rows = company.shape[0]
    scored = ~np.isnan(company) & ~np.isnan(stakeholder)
    mode = settings.threshold_mode
    if mode == "top_n":
        rank = rank_rows((company + stakeholder) / 2.0, stakeholder)
        n = settings.top_n
        levels = np.where(rank <= n, 0, np.where(rank <= 2 * n, 1, 2))
        nan = np.full(rows, math.nan)
        return nan, nan.copy(), np.where(scored, levels, -1)
    if mode == "midpoint":
        tx = ty = np.full(rows, (settings.scale_min + settings.scale_max) / 2.0)
    elif mode == "value":
        tx = np.full(rows, float(settings.threshold_company))
        ty = np.full(rows, float(settings.threshold_stakeholder))
    elif mode == "mean":
        tx, ty = _row_mean(company), _row_mean(stakeholder)
    else:
        tx, ty = _row_quantile(company, settings.quantile), _row_quantile(
            stakeholder, settings.quantile)
    reached = (np.round(company, _DECIMALS) >= np.round(tx, _DECIMALS)[:, None]).astype(int) + (
        np.round(stakeholder, _DECIMALS) >= np.round(ty, _DECIMALS)[:, None]
    ).astype(int)
    return tx, ty, np.where(scored, 2 - reached, -1)


def classify(
    company: np.ndarray, stakeholder: np.ndarray, settings: ScoringSettings
) -> tuple[float, float, list[str | None]]:
    """Thresholds used and each topic's tier (None when a score is missing)."""
    tx, ty, levels = tier_levels(company, stakeholder, settings)
    return float(tx[0]), float(ty[0]), [TIERS[lv] if lv >= 0 else None for lv in levels[0]]


def _row_mean(values: np.ndarray) -> np.ndarray:
    """Mean of each row's finite values (NaN for a row without any)."""
    finite = ~np.isnan(values)
    return safe_divide(np.where(finite, values, 0.0).sum(axis=1), finite.sum(axis=1))


def _row_quantile(values: np.ndarray, q: float) -> np.ndarray:
    """Quantile of each row's finite values (numpy's linear method; NaN when none)."""
    if values.shape[0] == 1:
        return np.array([_quantile(values[0], q)])
    out = np.full(values.shape[0], math.nan)
    finite = ~np.isnan(values)
    complete = finite.all(axis=1)
    if complete.any():
        out[complete] = np.quantile(values[complete], q, axis=1)
    for r in np.flatnonzero(~complete & finite.any(axis=1)):
        out[r] = _quantile(values[r], q)
    return out


def _quantile(values: np.ndarray, q: float) -> float:
    """Quantile of the finite values (NaN when there are none)."""
    finite = values[~np.isnan(values)]
    return float(np.quantile(finite, q)) if finite.size else math.nan


def _breakdown(
    axis: AxisData, weights: np.ndarray, topic_ids: list[int], stratum_name: str
) -> pd.DataFrame:
    """One row per (topic, stratum): counts, mean, std, "don't know" share and weight."""
    def flat(values: np.ndarray) -> np.ndarray:
        return values.T.ravel()  # topic-major, matching the MultiIndex below

    index = pd.MultiIndex.from_product([topic_ids, list(axis.strata)],
                                       names=["topic_id", stratum_name])
    return pd.DataFrame(
        {
            "n": flat(axis.n),
            "mean": flat(safe_divide(axis.sums, axis.n)),
            "std": flat(axis.std),
            "dont_know_share": flat(safe_divide(axis.answers - axis.n, axis.answers)),
            "answers": flat(axis.answers),
            "weight": flat(normalised_weights(axis.n, weights)),
        },
        index=index,
    )


def _respondents(axis: AxisData, stratum_name: str) -> pd.DataFrame:
    """Per stratum: respondents with a numeric answer, and those with only "don't know"."""
    stratum_of_unit = np.repeat(np.arange(len(axis.strata)), axis.stratum_sizes)
    numeric = axis.unit_counts.sum(axis=1) > 0
    size = len(axis.strata)
    answered = np.bincount(stratum_of_unit[numeric], minlength=size)
    return pd.DataFrame(
        {"respondents": answered, "dont_know_only": axis.stratum_sizes - answered},
        index=pd.Index(list(axis.strata), name=stratum_name),
    )


def _weights_used(axis: AxisData, weights: np.ndarray) -> dict:
    """Weights normalised over the strata with at least one numeric answer."""
    answered = axis.n.sum(axis=1) > 0
    total = weights[answered].sum()
    return {
        key: (float(w / total) if total > 0 else math.nan)
        for key, w, ok in zip(axis.strata, weights, answered, strict=True)
        if ok
    }
