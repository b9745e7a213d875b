"""Year over year: how each topic moved between two assessments sharing library topics.

Plain pandas, no Flask. Both assessments come as the scoring's topic tables
(``ScoreResult.topics``: indexed by topic_id, with company_score, stakeholder_score,
tier and rank). A topic is *shared* when both assessments ask it, *new* when only the
current one does and *dropped* when only the baseline does.

Per assessment each topic gets its rank on each axis: 1 = the highest score on that
axis among the assessment's topics, equal scores share the better rank (1, 2, 2, 4),
scores compared after rounding to 9 decimals like the scoring does; a topic without a
score on an axis has no rank there. The overall rank and the tier are the scoring's.
The *material set* is the topics whose tier is one of ``MATERIAL_TIERS``; a shared topic
*entered* it when it is in the set now and was not before, and *left* it the other way.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

MATERIAL_TIERS = ("highly_material", "material")
STATUSES = ("shared", "new", "dropped")
_DECIMALS = 9


@dataclass(frozen=True)
class TopicStanding:
    """One topic's scores, ranks and tier in one assessment (None where it has none)."""

    company_score: float | None
    stakeholder_score: float | None
    company_rank: int | None
    stakeholder_rank: int | None
    rank: int | None
    tier: str | None

    @property
    def material(self) -> bool:
        """True when the topic's tier puts it in the material set."""
        return self.tier in MATERIAL_TIERS

    @property
    def position(self) -> tuple[float, float] | None:
        """The topic's point on the matrix (company, stakeholders), when it has both scores."""
        if self.company_score is None or self.stakeholder_score is None:
            return None
        return self.company_score, self.stakeholder_score


@dataclass(frozen=True)
class TopicChange:
    """One topic across the two assessments."""

    topic_id: int
    status: str  # one of STATUSES
    baseline: TopicStanding | None
    current: TopicStanding | None

    def _difference(self, name: str) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        before, after = getattr(self.baseline, name), getattr(self.current, name)
        return None if before is None or after is None else after - before

    @property
    def company_change(self) -> float | None:
        """Current minus baseline company score (shared topics with both scores)."""
        return self._difference("company_score")

    @property
    def stakeholder_change(self) -> float | None:
        """Current minus baseline stakeholder score (shared topics with both scores)."""
        return self._difference("stakeholder_score")

    @property
    def tier_changed(self) -> bool:
        """True when a shared topic's tier differs between the assessments."""
        return self.status == "shared" and self.baseline.tier != self.current.tier

    @property
    def material_change(self) -> str | None:
        """"entered" or "left" the material set (shared topics only), else None."""
        if self.status != "shared" or self.baseline.material == self.current.material:
            return None
        return "entered" if self.current.material else "left"


@dataclass(frozen=True)
class Comparison:
    """Every topic of either assessment: current topics by current rank, then dropped ones."""

    changes: tuple[TopicChange, ...]

    def topics(self, status: str) -> list[int]:
        """Topic ids with one status ("shared", "new" or "dropped")."""
        return [c.topic_id for c in self.changes if c.status == status]

    def material_changes(self, direction: str) -> list[int]:
        """Topic ids that "entered" or "left" the material set."""
        return [c.topic_id for c in self.changes if c.material_change == direction]

    def previous_positions(self) -> dict[int, tuple[float, float]]:
        """Baseline matrix points of the shared topics that have a point in both."""
        return {c.topic_id: c.baseline.position for c in self.changes
                if c.status == "shared" and c.baseline.position and c.current.position}


def axis_ranks(scores: pd.Series) -> pd.Series:
    """Rank on one axis: 1 = highest; ties share the better rank; no score, no rank (NA)."""
    ranks = scores.astype(float).round(_DECIMALS).rank(method="min", ascending=False)
    return ranks.astype("Int64")


def standings(topics: pd.DataFrame) -> dict[int, TopicStanding]:
    """Each topic's standing from a scoring topic table."""
    company_rank = axis_ranks(topics["company_score"])
    stakeholder_rank = axis_ranks(topics["stakeholder_score"])
    return {
        int(topic_id): TopicStanding(
            company_score=_number(row["company_score"]),
            stakeholder_score=_number(row["stakeholder_score"]),
            company_rank=_integer(company_rank.loc[topic_id]),
            stakeholder_rank=_integer(stakeholder_rank.loc[topic_id]),
            rank=_integer(row["rank"]),
            tier=row["tier"] if isinstance(row["tier"], str) else None,
        )
        for topic_id, row in topics.iterrows()
    }


def shared_topics(baseline_ids: Iterable[int], current_ids: Iterable[int]) -> set[int]:
    """The library topics both assessments ask."""
    return set(baseline_ids) & set(current_ids)


def compare(baseline: pd.DataFrame, current: pd.DataFrame) -> Comparison:
    """The change of every topic from ``baseline`` to ``current`` (scoring topic tables).

    Raises ValueError when the assessments share no topic: there is nothing to compare.
    """
    if not shared_topics(baseline.index, current.index):
        raise ValueError("the assessments share no topic")
    before, after = standings(baseline), standings(current)
    ordered = sorted(after, key=lambda t: (after[t].rank is None, after[t].rank or 0))
    changes = [TopicChange(t, "shared" if t in before else "new", before.get(t), after[t])
               for t in ordered]
    dropped = sorted((t for t in before if t not in after),
                     key=lambda t: (before[t].rank is None, before[t].rank or 0))
    changes += [TopicChange(t, "dropped", before[t], None) for t in dropped]
    return Comparison(tuple(changes))


def _number(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _integer(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
