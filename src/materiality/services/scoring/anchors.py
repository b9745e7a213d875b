"""The criteria assessors rate in a double-materiality assessment, and the written anchor of
every level of their 1-5 scales, in Chinese ("zh") and English ("en").

Plain data and three functions, no Flask: the assessor questionnaire shows these words,
the anchors page edits them, the methodology note prints them.

The criteria follow ESRS 1 §43-§49 and EFRAG IG 1 (materiality assessment):

- severity of an impact is its **scale** (how grave), its **scope** (how widespread) and,
  for a negative impact, its **irremediable character** (how hard it is to remedy);
- a potential impact, a risk and an opportunity also have a **likelihood**;
- a risk or an opportunity has a **magnitude** of its financial effect (on cash flows,
  performance, financial position, cost of capital or access to finance, ESRS 1 §49).

Which criteria an IRO asks is defined once, by ``services.scoring.double.applicable_criteria``;
:func:`criteria_for` is its name for the questionnaire and the documents.

The defaults are meant as a starting point a CSR team adapts: an assessment may replace
any level's wording (table ``criterion_anchor``); :func:`merged_anchors` lays those
replacements over the defaults. A replacement of one language keeps the other's default.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from materiality.services.scoring.double import CRITERIA, applicable_criteria

__all__ = [
    "CRITERIA", "CRITERION_NAMES", "CRITERION_QUESTIONS", "DEFAULT_ANCHORS", "LANGUAGES",
    "LEVELS", "MAX_ANCHOR_LENGTH", "anchor_text", "criteria_for", "merged_anchors",
]

LANGUAGES = ("zh", "en")
LEVELS = (1, 2, 3, 4, 5)
#: The longest wording an assessment may store for one level (column criterion_anchor.text_*).
MAX_ANCHOR_LENGTH = 300

#: Each criterion's name, as the questionnaire and the note print it.
CRITERION_NAMES: dict[str, dict[str, str]] = {
    "scale": {"zh": "规模（严重程度）", "en": "Scale"},
    "scope": {"zh": "范围（广泛程度）", "en": "Scope"},
    "irremediable": {"zh": "不可补救性", "en": "Irremediable character"},
    "likelihood": {"zh": "发生可能性", "en": "Likelihood"},
    "magnitude": {"zh": "财务影响程度", "en": "Magnitude of the financial effect"},
}

#: The question each criterion answers (ESRS 1 §45, §49; EFRAG IG 1).
CRITERION_QUESTIONS: dict[str, dict[str, str]] = {
    "scale": {
        "zh": "影响有多严重？正面影响则为带来的益处有多大。",
        "en": "How grave is the impact? For a positive impact: how large is the benefit?",
    },
    "scope": {
        "zh": "影响波及的范围有多广：涉及多少人、多大地域或价值链的多大部分？",
        "en": "How widespread is the impact: how many people, how large an area, "
              "how much of the value chain?",
    },
    "irremediable": {
        "zh": "负面影响造成的损害能否补救、恢复到原状有多难？",
        "en": "Can the harm be remedied, and how hard is it to restore the people or the "
              "environment affected to their prior state?",
    },
    "likelihood": {
        "zh": "在所述时间范围内，该影响、风险或机遇发生的可能性有多大？",
        "en": "How likely is the impact, risk or opportunity to occur within its time horizon?",
    },
    "magnitude": {
        "zh": "一旦发生，对公司现金流、经营业绩、财务状况、资本成本或融资渠道的影响有多大？",
        "en": "If it occurs, how large is the effect on the company's cash flows, performance, "
              "financial position, cost of capital or access to finance?",
    },
}

#: The default anchor of each level, criterion -> level -> language -> text.
DEFAULT_ANCHORS: dict[str, dict[int, dict[str, str]]] = {
    "scale": {
        1: {"zh": "极小：对人或环境的影响可以忽略，几乎察觉不到；正面影响则益处微乎其微。",
            "en": "Minimal: a negligible effect on people or the environment, hardly "
                  "noticeable; for a positive impact, a barely perceptible benefit."},
        2: {"zh": "较小：轻微、暂时的影响，如短时不便或局部环境的短暂变化，无持久损害；"
                  "正面影响则为有限的改善。",
            "en": "Low: a minor, temporary effect, such as short inconvenience or a brief local "
                  "change in the environment, with no lasting harm; for a positive impact, a "
                  "modest improvement."},
        3: {"zh": "中等：对人的健康、安全、生计或权利，或对生态系统造成明显但不严重的影响；"
                  "正面影响则为明显的改善。",
            "en": "Moderate: a noticeable but not serious effect on people's health, safety, "
                  "livelihoods or rights, or on an ecosystem; for a positive impact, a clear "
                  "improvement."},
        4: {"zh": "严重：如人身伤害、生计大量丧失、权利受到严重侵害或生态系统受到重大破坏；"
                  "正面影响则为显著、持久的改善。",
            "en": "High: a serious effect, such as injury, substantial loss of livelihood, a "
                  "serious infringement of rights or major damage to an ecosystem; for a "
                  "positive impact, a significant and lasting improvement."},
        5: {"zh": "极其严重：如造成死亡、严重侵犯人权或生态系统毁坏等极端后果；"
                  "正面影响则为根本性、长期的改善。",
            "en": "Very high: grave harm, such as loss of life, a grave human-rights abuse or "
                  "the destruction of an ecosystem; for a positive impact, a fundamental and "
                  "long-term improvement."},
    },
    "scope": {
        1: {"zh": "极有限：仅涉及个别人员，或单一场所、极小的区域。",
            "en": "Very limited: a few individuals, or a single site or very small area."},
        2: {"zh": "有限：涉及一小部分人（如一个班组、一个社区），或局部区域、价值链的个别环节。",
            "en": "Limited: a small group of people (one team, one community), or a local "
                  "area or a single link of the value chain."},
        3: {"zh": "中等：涉及相当数量的人（如较多员工、若干社区或供应商），或一个地区、"
                  "价值链的若干环节。",
            "en": "Moderate: a sizeable number of people (many employees, several communities "
                  "or suppliers), or a region or several links of the value chain."},
        4: {"zh": "广泛：涉及某类利益相关方的大部分（如多数员工、客户或整个供应商层级），"
                  "或多个地区、价值链的大部分。",
            "en": "Widespread: most of a stakeholder group (most employees, customers or a whole "
                  "supplier tier), or several regions or most of the value chain."},
        5: {"zh": "全面：涉及整个群体、整个价值链，或全国乃至全球范围。",
            "en": "Pervasive: whole populations, the entire value chain, or national or "
                  "global scale."},
    },
    "irremediable": {
        1: {"zh": "易于补救：损害可以迅速、完全恢复，所需成本很低。",
            "en": "Easily remedied: the harm can be reversed fully and quickly, at little cost."},
        2: {"zh": "较易补救：经适度努力，可在短期内（约一年内）完全恢复。",
            "en": "Remediable in the short term: fully reversible with moderate effort, within "
                  "about a year."},
        3: {"zh": "可补救但代价较大：需要大量投入、成本或数年时间才能恢复。",
            "en": "Remediable with significant effort: reversal takes substantial resources, "
                  "cost or several years."},
        4: {"zh": "难以补救：即使付出重大努力也只能部分恢复，会留下持久的后果。",
            "en": "Difficult to remedy: only partly reversible even with major effort; lasting "
                  "consequences remain."},
        5: {"zh": "不可补救：损害无法逆转，如死亡、物种灭绝或永久性的健康损害。",
            "en": "Irremediable: the harm cannot be reversed, such as loss of life, extinction "
                  "of a species or permanent damage to health."},
    },
    "likelihood": {
        1: {"zh": "极不可能：仅在特殊情况下才会发生（在所述时间范围内发生概率低于10%）。",
            "en": "Remote: would occur only in exceptional circumstances (below 10% within the "
                  "time horizon)."},
        2: {"zh": "不太可能：可能发生，但预计不会发生（约10%–30%）。",
            "en": "Unlikely: could occur but is not expected to (about 10-30%)."},
        3: {"zh": "有可能：发生与不发生的可能性相当（约30%–60%）。",
            "en": "Possible: might well occur (about 30-60%)."},
        4: {"zh": "很可能：在多数情况下预计会发生，或同行业中已有发生（约60%–90%）。",
            "en": "Likely: expected to occur in most circumstances, or has occurred in the "
                  "industry (about 60-90%)."},
        5: {"zh": "几乎肯定：预计必然发生或正在发生（高于90%）。",
            "en": "Almost certain: expected to occur, or already occurring (above 90%)."},
    },
    "magnitude": {
        1: {"zh": "可忽略：对公司现金流、经营业绩、财务状况、资本成本或融资渠道无明显影响。",
            "en": "Negligible: no noticeable effect on the company's cash flows, performance, "
                  "financial position, cost of capital or access to finance."},
        2: {"zh": "较小：影响可在日常经营和预算内消化，无需调整计划。",
            "en": "Minor: a small effect absorbed within normal operations and budgets; plans "
                  "are unchanged."},
        3: {"zh": "中等：对某一业务板块的收入、成本或资产有明显影响，需要管理层采取措施。",
            "en": "Moderate: a noticeable effect on a business line's revenue, costs or assets "
                  "that calls for management action."},
        4: {"zh": "重大：对公司整体业绩、财务状况或融资能力有显著影响，需提交董事会关注。",
            "en": "Major: a significant effect on the company's results, financial position or "
                  "access to finance, for the board's attention."},
        5: {"zh": "极其重大：影响公司战略、商业模式或持续经营，如失去关键市场、客户或经营许可。",
            "en": "Critical: an effect on the company's strategy, business model or continuity, "
                  "such as the loss of a key market, customer or licence to operate."},
    },
}


def criteria_for(kind: str, actuality: str | None, human_rights: bool = False) -> tuple[str, ...]:
    """The criteria an assessor rates for an IRO, in the order the questionnaire asks them.

    Negative impact: scale, scope, irremediable, and likelihood if potential; positive
    impact: scale, scope, and likelihood if potential; risk or opportunity: magnitude and
    likelihood. ``human_rights`` changes nothing asked: a potential human-rights impact's
    likelihood is still rated and shown, though its score is its severity alone (ESRS 1
    §45; see ``double.scored_criteria``).
    """
    del human_rights  # asked the same; see the docstring
    return applicable_criteria(kind, actuality)


def merged_anchors(
    overrides: Iterable[Mapping[str, Any]] = (),
) -> dict[str, dict[int, dict[str, str]]]:
    """Every criterion's anchors, an assessment's own wording laid over the defaults.

    ``overrides`` are plain rows (e.g. from ``CriterionAnchor``) with keys ``criterion``,
    ``level``, ``text_zh``, ``text_en``; an empty or missing text keeps that language's
    default. Rows of an unknown criterion or level are refused (ValueError).
    """
    anchors = {c: {level: dict(texts) for level, texts in levels.items()}
               for c, levels in DEFAULT_ANCHORS.items()}
    for row in overrides:
        criterion, level = row["criterion"], int(row["level"])
        if criterion not in anchors or level not in LEVELS:
            raise ValueError(f"no anchor {criterion!r} level {level!r}")
        for language in LANGUAGES:
            text = (row.get(f"text_{language}") or "").strip()
            if text:
                anchors[criterion][level][language] = text
    return anchors


def anchor_text(
    anchors: Mapping[str, Mapping[int, Mapping[str, str]]], criterion: str, level: int,
    locale: str,
) -> str:
    """One level's anchor in the reader's language ("en..." reads English, else Chinese)."""
    language = "en" if str(locale).startswith("en") else "zh"
    return anchors[criterion][level][language]
