"""Array kernels behind the scoring service: rating rows to matrices, and the bootstrap.

Plain numpy, no Flask. ``classic.py`` holds the methodology and the public interface;
this module only turns rating rows into per-respondent and per-group arrays and draws
the stratified bootstrap replicates described there.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Upper bound on the elements of one (replicates x respondents) block of the
#: bootstrap; about 32 MB per int64/float64 array, which bounds peak memory.
CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class AxisData:
    """One axis (stakeholders or company) as arrays; strata are groups or rater kinds."""

    #: stratum keys (group ids or rater kinds) in output order
    strata: tuple[Hashable, ...]
    #: (U, T) sum of numeric answers per respondent and topic; respondents are
    #: ordered by stratum (in ``strata`` order), then by ascending respondent_id
    unit_sums: np.ndarray
    #: (U, T) number of numeric answers per respondent and topic (0 or 1)
    unit_counts: np.ndarray
    #: (G,) respondents per stratum: those with at least one answer row
    stratum_sizes: np.ndarray
    #: (G, T) answer rows incl. "don't know", numeric answers, their sum and sample std
    answers: np.ndarray
    n: np.ndarray
    sums: np.ndarray
    std: np.ndarray


def prepare_axis(
    ratings: pd.DataFrame,
    stratum_column: str,
    strata: Sequence[Hashable],
    topic_ids: Sequence[int],
    scale: tuple[float, float],
) -> AxisData:
    """Turn rating rows into the respondent x topic and stratum x topic arrays."""
    missing = {"respondent_id", stratum_column, "topic_id", "score"} - set(ratings.columns)
    if missing:
        raise ValueError(f"ratings lack columns: {sorted(missing)}")
    topic_count = len(topic_ids)
    stratum_count = len(strata)
    # Ratings of topics outside the assessment are ignored (e.g. a topic removed later).
    topic_codes = pd.Index(topic_ids).get_indexer(ratings["topic_id"].to_numpy())
    keep = topic_codes >= 0
    topic_codes = topic_codes[keep]
    stratum_codes = pd.Index(list(strata)).get_indexer(ratings[stratum_column].to_numpy()[keep])
    scores = ratings["score"].to_numpy(dtype=np.float64, na_value=np.nan)[keep]
    numeric = ~np.isnan(scores)
    if np.any((scores[numeric] < scale[0]) | (scores[numeric] > scale[1])):
        raise ValueError(f"scores must lie within {scale[0]}..{scale[1]} or be NaN")

    respondent_codes, respondent_ids = pd.factorize(ratings["respondent_id"].to_numpy()[keep],
                                                    sort=True)
    stratum_of_respondent = np.full(len(respondent_ids), -1, dtype=np.int64)
    stratum_of_respondent[respondent_codes] = stratum_codes
    if np.any(stratum_of_respondent[respondent_codes] != stratum_codes):
        raise ValueError(f"a respondent_id appears under more than one {stratum_column}")
    # Units ordered by stratum, then by respondent id, so each stratum is one block.
    order = np.lexsort((np.arange(len(respondent_ids)), stratum_of_respondent))
    unit_of_respondent = np.empty_like(order)
    unit_of_respondent[order] = np.arange(len(order))
    units = unit_of_respondent[respondent_codes]
    unit_count = len(respondent_ids)

    cells = units * topic_count + topic_codes
    per_cell = np.bincount(cells, minlength=unit_count * topic_count)
    if per_cell.size and per_cell.max() > 1:
        raise ValueError("a respondent rated the same topic more than once")
    filled = np.where(numeric, scores, 0.0)
    unit_sums = np.bincount(cells, weights=filled, minlength=unit_count * topic_count)
    unit_counts = np.bincount(cells, weights=numeric.astype(np.float64),
                              minlength=unit_count * topic_count)

    size = stratum_count * topic_count
    keys = stratum_codes * topic_count + topic_codes
    answers = np.bincount(keys, minlength=size).reshape(stratum_count, topic_count)
    n = np.bincount(keys[numeric], minlength=size).reshape(stratum_count, topic_count)
    sums = np.bincount(keys, weights=filled, minlength=size).reshape(stratum_count, topic_count)
    means = safe_divide(sums, n)
    # Two-pass sample variance: exact 0 when all answers are equal.
    deviations = (scores[numeric] - means.ravel()[keys[numeric]]) ** 2
    squares = np.bincount(keys[numeric], weights=deviations, minlength=size)
    std = np.sqrt(safe_divide(squares.reshape(stratum_count, topic_count), n - 1))
    return AxisData(
        strata=tuple(strata),
        unit_sums=unit_sums.reshape(unit_count, topic_count),
        unit_counts=unit_counts.reshape(unit_count, topic_count),
        stratum_sizes=np.bincount(stratum_of_respondent, minlength=stratum_count),
        answers=answers,
        n=n,
        sums=sums,
        std=std,
    )


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise division giving NaN where the denominator is not positive."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def weighted_scores(sums: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean of stratum means over the strata present (axis 0 is the stratum).

    A stratum is present for a topic when it has at least one numeric answer; the
    weights are renormalised over the present strata. NaN when none is present.
    """
    present = counts > 0
    means = np.zeros(np.shape(sums))
    np.divide(sums, counts, out=means, where=present)
    shaped = weights.reshape((-1,) + (1,) * (means.ndim - 1))
    used = np.where(present, shaped, 0.0)
    return safe_divide((used * means).sum(axis=0), used.sum(axis=0))


def normalised_weights(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(G, T) share of each stratum in each topic's score; NaN where no stratum is present."""
    used = np.where(counts > 0, weights[:, None], 0.0)
    return safe_divide(used, used.sum(axis=0))


def bootstrap_scores(
    axis: AxisData,
    weights: np.ndarray,
    samples: int,
    rng: np.random.Generator,
    draw_order: Sequence[int] | None = None,
) -> np.ndarray:
    """(samples, T) replicate scores of the stratified bootstrap over respondents.

    For each stratum in ``draw_order`` (positions in ``axis.strata``; default: that
    order) with n_g > 0 respondents, the draws are
    exactly ``rng.integers(0, n_g, size=(samples, n_g))`` (respondent positions in
    ascending respondent_id order), made in row chunks, which gives the same stream.
    Each replicate's stratum sums and counts are the resampled respondents' sums and
    counts, obtained as (how often each respondent was drawn) @ (respondent matrix).
    """
    stratum_count, topic_count = axis.n.shape
    replicate_sums = np.zeros((stratum_count, samples, topic_count))
    replicate_counts = np.zeros((stratum_count, samples, topic_count))
    starts = np.concatenate([[0], np.cumsum(axis.stratum_sizes)])
    for g in range(stratum_count) if draw_order is None else draw_order:
        size = int(axis.stratum_sizes[g])
        if size == 0:
            continue
        block = np.hstack([axis.unit_sums[starts[g]:starts[g + 1]],
                           axis.unit_counts[starts[g]:starts[g + 1]]])
        rows = max(1, CHUNK_ELEMENTS // size)
        offsets = (np.arange(rows, dtype=np.int64) * size)[:, None]
        for first in range(0, samples, rows):
            chunk = min(rows, samples - first)
            drawn = rng.integers(0, size, size=(chunk, size))
            drawn += offsets[:chunk]
            times = np.bincount(drawn.ravel(), minlength=chunk * size).reshape(chunk, size)
            totals = times.astype(np.float64) @ block
            replicate_sums[g, first:first + chunk] = totals[:, :topic_count]
            replicate_counts[g, first:first + chunk] = totals[:, topic_count:]
    return weighted_scores(replicate_sums, replicate_counts, weights)


def percentile_interval(
    replicates: np.ndarray, point: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile-method interval per topic; replicates with no numeric answer are left out."""
    topic_count = replicates.shape[1]
    low = np.full(topic_count, np.nan)
    high = np.full(topic_count, np.nan)
    if replicates.shape[0] == 0:
        return low, high
    tail = (1.0 - confidence) / 2.0
    finite = np.isfinite(replicates)
    complete = finite.all(axis=0) & np.isfinite(point)
    if complete.any():
        low[complete], high[complete] = np.quantile(replicates[:, complete], [tail, 1 - tail],
                                                    axis=0)
    for t in np.flatnonzero(~complete & np.isfinite(point) & finite.any(axis=0)):
        low[t], high[t] = np.quantile(replicates[finite[:, t], t], [tail, 1 - tail])
    return low, high
