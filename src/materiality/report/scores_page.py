"""What the scores page shows beside the scores: each stratum's answers, the weights
in force, how robust the tiers are, and how each threshold mode would cut them.

Numbers come formatted by the one rounding rule (services.rounding).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..services.rounding import percent_text, score_text
from ..services.scoring.classic import RATER_KINDS, TIERS
from ..services.scoring.sensitivity import SMALL_STRATUM, threshold_preview
from .data import ReportData, respondent_pair


def _cell(mean: float, std: float, n: int, dont_know: float) -> str:
    """One group's answers to one topic: mean ± sd (n; don't-know share)."""
    if not n:
        return "—"
    sd = "" if std is None or math.isnan(std) else f" ± {score_text(std)}"
    dk = "" if dont_know is None or math.isnan(dont_know) else f"; ? {percent_text(dont_know)}"
    return f"{score_text(mean)}{sd} (n {int(n)}{dk})"


def breakdown_rows(data: ReportData) -> list[tuple[str, list[str], list[str]]]:
    """Per topic: each group's and each rater kind's mean ± sd (n; don't-know share)."""
    by_group, by_kind = data.result.by_group, data.result.by_rater_kind
    rows = []
    for topic_id in data.result.topics.index:
        groups = [_cell(*by_group.loc[(topic_id, g), ["mean", "std", "n", "dont_know_share"]])
                  for g in data.group_ids]
        kinds = [_cell(*by_kind.loc[(topic_id, k), ["mean", "std", "n", "dont_know_share"]])
                 for k in RATER_KINDS]
        rows.append((data.topics[topic_id].name(data.locale), groups, kinds))
    return rows


def weights_in_force(data: ReportData) -> dict:
    """The weights set and the shares they give, the respondents, and the thresholds used.

    Numbers come formatted by the one rounding rule (services.rounding); a share is
    None for a stratum without answers.
    """
    result = data.result
    settings = result.settings

    def share(value: float | None) -> str | None:
        return None if value is None else percent_text(value)

    return {
        "groups": [(data.group_name(g), f"{settings.group_weights.get(g, 1.0):g}",
                    share(result.group_weights_used.get(g)),
                    *respondent_pair(result.group_respondents, g)) for g in data.group_ids],
        "kinds": [(k, f"{settings.rater_kind_weights.get(k, 1.0):g}",
                   share(result.rater_kind_weights_used.get(k)),
                   *respondent_pair(result.rater_kind_respondents, k)) for k in RATER_KINDS],
        "mode": settings.threshold_mode,
        "threshold_company": score_text(result.threshold_company, missing="—"),
        "threshold_stakeholder": score_text(result.threshold_stakeholder, missing="—"),
        "top_n": settings.top_n,
        "quantile": settings.quantile,
        "bootstrap_samples": settings.bootstrap_samples,
        "seed": settings.seed,
    }


@dataclass(frozen=True)
class RobustnessRow:
    """One topic on the scores page's robustness table, its numbers formatted."""

    topic: str
    tier: str | None
    p_company: str
    p_stakeholder: str
    p_material: str
    p_same_tier: str
    #: per scenario (page column): (tier or None, differs from the published tier)
    scenarios: list[tuple[str | None, bool]]
    uncertain: bool
    sensitive: bool


def robustness(data: ReportData) -> dict:
    """What the scores page says about how robust the tiers are, in the page's language."""
    robust = data.sensitivity
    topics = data.result.topics
    rows = []
    for position, (topic_id, odds) in enumerate(robust.topics.iterrows()):
        published = topics.at[topic_id, "tier"]
        scenario_tiers = robust.scenario_tiers.iloc[position]
        rows.append(RobustnessRow(
            topic=data.topics[topic_id].name(data.locale),
            tier=published,
            p_company=percent_text(odds["p_company"]),
            p_stakeholder=percent_text(odds["p_stakeholder"]),
            p_material=percent_text(odds["p_material"]),
            p_same_tier=percent_text(odds["p_same_tier"]),
            scenarios=[(tier, tier != published) for tier in scenario_tiers],
            uncertain=bool(odds["uncertain"]),
            sensitive=bool(odds["sensitive"]),
        ))
    scored = sum(robust.counts.values())
    return {
        "rows": rows,
        "scenarios": [data.scenario_name(s) for s in robust.scenarios],
        "counts": robust.counts,
        "scored": scored,
        "concentrated": robust.concentrated,
        "sensitive": sum(r.sensitive for r in rows),
        "uncertain": sum(r.uncertain for r in rows),
        "samples": robust.samples,
        "small": [(data.stratum_name("group", g), n) for g, n in robust.small_groups.items()]
        + [(data.stratum_name("rater_kind", k), n) for k, n in robust.small_rater_kinds.items()],
        "small_limit": SMALL_STRATUM,
        "unanswered": [(data.topics[t].name(data.locale),
                        [data.stratum_name(axis, key) for axis, key in strata])
                       for t, strata in robust.unanswered.items()],
        "dont_know_only": int(data.result.group_respondents["dont_know_only"].sum())
        if not data.result.group_respondents.empty else 0,
    }


def preview_rows(previews, current: str, thresholds: tuple[str, ...],  # noqa: ANN001
                 categories) -> list[dict]:  # noqa: ANN001
    """A settings preview's rows for a page, for either method: each mode, whether it is
    the one in force, its parameters, its thresholds (the named attributes, formatted)
    and its counts in the order of ``categories``."""
    return [{
        "mode": p.settings.threshold_mode,
        "current": p.settings.threshold_mode == current,
        "quantile": p.settings.quantile,
        "top_n": p.settings.top_n,
        **{name: score_text(getattr(p, name), missing="—") for name in thresholds},
        "counts": [p.counts[c] for c in categories],
        "concentrated": getattr(p, "concentrated", None) is not None,
    } for p in previews]


def mode_previews(data: ReportData) -> list[dict]:
    """How each threshold mode would cut this assessment's tiers (the settings' preview)."""
    return preview_rows(threshold_preview(data.result), data.result.settings.threshold_mode,
                        ("threshold_company", "threshold_stakeholder"), TIERS)
