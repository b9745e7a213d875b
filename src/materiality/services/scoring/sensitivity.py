"""How robust each topic's tier is: bootstrap probabilities and leave-one-out scenarios.

Plain numpy/pandas, no Flask; it reads a :class:`~.scoring.ScoreResult` and computes
nothing from the ratings again.

Probabilities. The bootstrap replicates of the two axes are independent draws (different
respondents), so replicate r of the stakeholder scores is paired with replicate r of the
company scores. In each replicate the tiers are cut exactly as in the published result,
with thresholds that depend on the scores (mean, quantile, top N) recomputed from that
replicate. Per topic: ``p_company`` / ``p_stakeholder`` = share of replicates in which
the score reaches its threshold (NaN in top-N mode, which has none); ``p_material`` =
share in which the topic is highly material or material; ``p_highly`` = share in which
it is highly material; ``p_same_tier`` = share in which it keeps its published tier.
Replicates in which a topic has no score (no drawn respondent rated it) are left out of
its shares. An overridden company score is the same in every replicate. A tier kept in
fewer than ``CERTAIN`` (90 %) of the replicates is "uncertain".

Scenarios. The point scores are recomputed from the group and rater-kind means with
other weights: every weight 1 ("equal weights"), and each stakeholder group and each
rater kind with a weight above 0 and a numeric answer left out in turn (its weight set
to 0; the others are renormalised per topic as in the scoring). Overrides stay. A topic
whose tier differs from the published one in any scenario is "sensitive".

Checks. Strata with 1 to ``SMALL_STRATUM - 1`` respondents are "small": the bootstrap
resamples each stratum within itself, so a stratum of one respondent always redraws that
respondent and adds no uncertainty, and a small one adds too little. A topic none of
whose respondents in a weighted stratum (weight above 0, respondents in the assessment)
gave a numeric answer is scored without that stratum and is flagged. One tier holding
more than ``CONCENTRATION`` (three quarters) of the scored topics means the thresholds
do not separate the topics.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .classic import TIERS, ScoreResult, ScoringSettings, classify, tier_levels

__all__ = [
    "CERTAIN",
    "CONCENTRATION",
    "SMALL_STRATUM",
    "ModePreview",
    "Scenario",
    "Sensitivity",
    "analyse",
    "dominant_tier",
    "threshold_preview",
    "tier_counts",
]

SMALL_STRATUM = 5
CERTAIN = 0.9
CONCENTRATION = 0.75
PROBABILITY_COLUMNS = ("p_company", "p_stakeholder", "p_material", "p_highly", "p_same_tier")


@dataclass(frozen=True)
class Scenario:
    """Weights other than the configured ones: ``kind`` is "equal_weights",
    "without_group" or "without_rater_kind"; ``stratum`` the group id or rater kind left out."""

    kind: str
    stratum: Hashable | None = None


@dataclass(frozen=True)
class Sensitivity:
    """Robustness of every topic's tier, and the checks on the data behind it."""

    #: indexed by topic_id (assessment order): PROBABILITY_COLUMNS, ``uncertain``,
    #: ``sensitive`` and ``changes`` (tuple of (Scenario, tier or None) that differ)
    topics: pd.DataFrame
    scenarios: tuple[Scenario, ...]
    #: (topic_id x scenario) tier under each scenario (None: no tier)
    scenario_tiers: pd.DataFrame
    #: strata with 1..SMALL_STRATUM-1 respondents -> respondents
    small_groups: dict[int, int]
    small_rater_kinds: dict[str, int]
    #: topic_id -> weighted strata without a numeric answer: ("group", id) / ("rater_kind", k)
    unanswered: dict[int, tuple[tuple[str, Hashable], ...]]
    #: scored topics per tier (published), and the tier holding more than CONCENTRATION
    counts: dict[str, int]
    concentrated: str | None
    samples: int


def tier_counts(tiers: Sequence[str | None]) -> dict[str, int]:
    """Topics per tier, every tier present (topics without a tier are not counted)."""
    return {tier: sum(1 for t in tiers if t == tier) for tier in TIERS}


def dominant_tier(counts: dict[str, int]) -> str | None:
    """The tier holding more than three quarters of the scored topics, if any."""
    total = sum(counts.values())
    for tier, count in counts.items():
        if total and count > CONCENTRATION * total:
            return tier
    return None


def _matrix(breakdown: pd.DataFrame, column: str, strata: list, topics: list) -> np.ndarray:
    """(strata, topics) array of one breakdown column."""
    return breakdown[column].to_numpy(dtype=float).reshape(len(topics), len(strata)).T


def _strata(breakdown: pd.DataFrame) -> list:
    return list(dict.fromkeys(breakdown.index.get_level_values(1)))


def _scenario_scores(means: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(S, T) weighted means of the strata means for S weight vectors (S, G)."""
    present = counts > 0
    filled = np.where(present, means, 0.0)
    used = weights[:, :, None] * present[None, :, :]
    total = used.sum(axis=1)
    out = np.full(total.shape, math.nan)
    np.divide((used * filled[None]).sum(axis=1), total, out=out, where=total > 0)
    return out


def _share(hits: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Per column: hits among the valid rows (NaN without any)."""
    count = valid.sum(axis=0)
    out = np.full(hits.shape[1], math.nan)
    np.divide((hits & valid).sum(axis=0), count, out=out, where=count > 0)
    return out


def _probabilities(result: ScoreResult, published: np.ndarray) -> np.ndarray:
    """(5, T) PROBABILITY_COLUMNS from the paired bootstrap replicates."""
    settings = result.settings
    stake, comp = result.stakeholder_replicates, result.company_replicates
    topic_count = len(result.topics)
    if stake.shape[0] == 0 or stake.shape != comp.shape:
        return np.full((len(PROBABILITY_COLUMNS), topic_count), math.nan)
    tx, ty, levels = tier_levels(comp, stake, settings)
    defined = levels >= 0
    rounded = 9
    if settings.threshold_mode == "top_n":
        p_company = p_stakeholder = np.full(topic_count, math.nan)
    else:
        finite_c, finite_s = ~np.isnan(comp), ~np.isnan(stake)
        p_company = _share(np.round(comp, rounded) >= np.round(tx, rounded)[:, None], finite_c)
        p_stakeholder = _share(np.round(stake, rounded) >= np.round(ty, rounded)[:, None],
                               finite_s)
    return np.vstack([
        p_company,
        p_stakeholder,
        _share((levels == 0) | (levels == 1), defined),
        _share(levels == 0, defined),
        _share(levels == published[None, :], defined),
    ])


def analyse(result: ScoreResult) -> Sensitivity:
    """Probabilities, scenario tiers and checks for a scored assessment."""
    settings = result.settings
    topics = result.topics
    topic_ids = list(topics.index)
    groups, kinds = _strata(result.by_group), _strata(result.by_rater_kind)
    g_means = _matrix(result.by_group, "mean", groups, topic_ids)
    g_n = _matrix(result.by_group, "n", groups, topic_ids)
    k_means = _matrix(result.by_rater_kind, "mean", kinds, topic_ids)
    k_n = _matrix(result.by_rater_kind, "n", kinds, topic_ids)
    g_weights = np.array([settings.group_weights.get(g, 1.0) for g in groups], dtype=float)
    k_weights = np.array([settings.rater_kind_weights.get(k, 1.0) for k in kinds], dtype=float)
    g_answered = g_n.sum(axis=1) > 0
    k_answered = k_n.sum(axis=1) > 0

    scenarios = [Scenario("equal_weights")]
    rows_g, rows_k = [np.ones_like(g_weights)], [np.ones_like(k_weights)]
    for i, group in enumerate(groups):
        if g_weights[i] > 0 and g_answered[i]:
            scenarios.append(Scenario("without_group", group))
            rows_g.append(np.where(np.arange(len(groups)) == i, 0.0, g_weights))
            rows_k.append(k_weights)
    for i, kind in enumerate(kinds):
        if k_weights[i] > 0 and k_answered[i]:
            scenarios.append(Scenario("without_rater_kind", kind))
            rows_g.append(g_weights)
            rows_k.append(np.where(np.arange(len(kinds)) == i, 0.0, k_weights))
    stake = _scenario_scores(g_means, g_n, np.array(rows_g))
    comp = _scenario_scores(k_means, k_n, np.array(rows_k))
    overridden = topics["company_overridden"].to_numpy(dtype=bool)
    comp[:, overridden] = topics["company_score"].to_numpy(dtype=float)[overridden]
    _, _, levels = tier_levels(comp, stake, settings)

    published_tiers = list(topics["tier"])
    published = np.array([TIERS.index(t) if t in TIERS else -1 for t in published_tiers])
    changed = levels != published[None, :]
    scenario_tiers = pd.DataFrame(
        [[TIERS[v] if v >= 0 else None for v in row] for row in levels.T],
        index=topics.index, columns=range(len(scenarios)), dtype=object)
    changes = [tuple((scenarios[s], scenario_tiers.iat[t, s])
                     for s in np.flatnonzero(changed[:, t]))
               for t in range(len(topic_ids))]

    probabilities = _probabilities(result, published)
    frame = pd.DataFrame(dict(zip(PROBABILITY_COLUMNS, probabilities, strict=True)),
                         index=topics.index)
    frame["uncertain"] = (frame["p_same_tier"] < CERTAIN).to_numpy(dtype=bool)
    frame["sensitive"] = changed.any(axis=0) if len(scenarios) else False
    frame["changes"] = pd.Series(changes, index=topics.index, dtype=object)

    counts = tier_counts(published_tiers)
    return Sensitivity(
        topics=frame,
        scenarios=tuple(scenarios),
        scenario_tiers=scenario_tiers,
        small_groups=_small(result.group_respondents),
        small_rater_kinds=_small(result.rater_kind_respondents),
        unanswered=_unanswered(topic_ids, [("group", groups, g_n, g_weights),
                                           ("rater_kind", kinds, k_n, k_weights)]),
        counts=counts,
        concentrated=dominant_tier(counts),
        samples=int(result.stakeholder_replicates.shape[0]),
    )


def _small(respondents: pd.DataFrame) -> dict:
    """Strata with at least one but fewer than SMALL_STRATUM respondents."""
    if respondents.empty:
        return {}
    counts = respondents["respondents"]
    return {key: int(n) for key, n in counts.items() if 0 < n < SMALL_STRATUM}


def _unanswered(topic_ids: list, axes: list) -> dict[int, tuple[tuple[str, Hashable], ...]]:
    """Per topic, the weighted strata with respondents but no numeric answer to it."""
    out: dict[int, list] = {}
    for name, strata, n, weights in axes:
        weighted = (weights > 0) & (n.sum(axis=1) > 0)
        for g, t in zip(*np.nonzero(weighted[:, None] & (n == 0)), strict=True):
            out.setdefault(topic_ids[t], []).append((name, strata[g]))
    return {t: tuple(v) for t, v in out.items()}


# --------------------------------------------------------------------------- threshold modes


@dataclass(frozen=True)
class ModePreview:
    """How one way of cutting the tiers would classify the topics."""

    settings: ScoringSettings
    threshold_company: float
    threshold_stakeholder: float
    counts: dict[str, int]
    concentrated: str | None


def threshold_preview(result: ScoreResult, quantile: float = 0.5,
                      top_n: int | None = None) -> list[ModePreview]:
    """Tier counts under each threshold mode, on the published scores.

    Uses the assessment's own values where it has them (its quantile, N and threshold
    values), else ``quantile`` and ``top_n`` (default: a quarter of the topics); the
    "value" mode is left out when no values are set.
    """
    settings = result.settings
    topic_count = len(result.topics)
    q = settings.quantile if settings.quantile is not None else quantile
    n = settings.top_n or top_n or max(1, round(topic_count / 4))
    candidates = [
        replace(settings, threshold_mode="midpoint"),
        replace(settings, threshold_mode="mean"),
        replace(settings, threshold_mode="quantile", quantile=q),
        replace(settings, threshold_mode="top_n", top_n=n),
    ]
    if settings.threshold_company is not None and settings.threshold_stakeholder is not None:
        candidates.append(replace(settings, threshold_mode="value"))
    company = result.topics["company_score"].to_numpy(dtype=float)
    stakeholder = result.topics["stakeholder_score"].to_numpy(dtype=float)
    previews = []
    for candidate in candidates:
        tx, ty, tiers = classify(company, stakeholder, candidate)
        counts = tier_counts(tiers)
        previews.append(ModePreview(candidate, tx, ty, counts, dominant_tier(counts)))
    return previews
