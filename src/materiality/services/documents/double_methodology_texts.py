"""The wording of the double-materiality methodology note, in "zh_CN" and "en".

Plain data, no logic: ``services.documents.double_methodology`` fills these templates
with the assessment's figures and settings. The wording is report content, so it lives
here rather than in the gettext catalogue. Every paragraph number cited was read in the
standard's own text; where that was not possible the sources list says so (see
``sources`` and ``unverified`` below, and data/README.md).
"""
from __future__ import annotations

__all__ = ["TEXTS"]

#: The guideline cited, in both languages: the three exchanges' texts are the same
#: article by article for everything cited here.
_GUIDELINE_ZH = (
    "《上海证券交易所上市公司自律监管指引第14号——可持续发展报告（试行）》"
    "《深圳证券交易所上市公司自律监管指引第17号——可持续发展报告（试行）》"
    "《北京证券交易所上市公司持续监管指引第11号——可持续发展报告（试行）》（2024年4月12日发布，"
    "2024年5月1日起施行；以下简称《指引》，三家交易所相关条款内容相同）"
)
_GUIDELINE_EN = (
    "The sustainability reporting guidelines of the Shanghai, Shenzhen and Beijing stock "
    "exchanges (SSE Self-Regulatory Guideline No. 14, SZSE Self-Regulatory Guideline No. 17 "
    "and BSE Continuous Supervision Guideline No. 11, \u201cSustainability Report (Trial)\u201d, "
    "published 12 April 2024, in force 1 May 2024; \u201cthe Guideline\u201d, the articles "
    "cited read the same in all three)"
)

TEXTS: dict[str, dict] = {
    "zh_CN": {
        "title": "双重重要性评估方法说明",
        "intro": (
            "本说明介绍“{title}”（{year}年度报告）双重重要性评估的流程、评分标准与计算规则，"
            "所列数据均由评估系统根据评估登记表和评估人评分自动生成。"
        ),
        "h_disclosure": "一、遵循的规则与对应的披露要求",
        "guideline": (
            _GUIDELINE_ZH + "：第五条（识别每个议题的财务重要性和影响重要性，并说明分析过程）、"
            "第九条（通过访谈、问卷调查等方式征集利益相关方意见）、第十四条（识别风险和机遇及其"
            "时间范围，说明对短期、中期和长期的定义，评估对经济、社会和环境的重大影响）、第十八条"
            "（识别、评估影响、风险和机遇的方法，评估其发生的可能性和大小，优先级排序及排序标准）、"
            "第五十九条第（五）项（财务方面的重大性从影响发生的可能性和财务影响的程度判断，对经济、"
            "社会和环境影响的重大性从规模、范围和不可补救性判断）和第（十三）项（由公司界定短期、"
            "中期和长期）。"
        ),
        "esrs1": (
            "欧洲可持续发展报告准则ESRS 1《一般要求》（欧盟委员会授权条例(EU) 2023/2772）："
            "第28段（议题符合影响重要性或财务重要性标准之一即为重要）、第42段（以适当阈值"
            "判定重要性）、第43–46段（影响重要性：实际和潜在、正面和负面影响；负面影响的严重程度"
            "由规模、范围和不可补救性决定，潜在负面人权影响的严重程度优先于可能性；正面影响依据"
            "规模、范围及潜在影响的可能性）、第47–51段（财务重要性：依据发生可能性与财务影响的"
            "潜在程度）、第77段（时间范围）及应用要求AR 16（可持续发展事项清单）。"
        ),
        "iro1": (
            "ESRS 2《一般披露》IRO-1第53段：本说明披露所用方法与假设（a）、影响的识别与评估流程，"
            "包括与受影响利益相关方和外部专家的沟通以及按严重程度和可能性进行的优先级排序和阈值"
            "（b）、风险和机遇按可能性和程度评估的流程及阈值（c）以及输入参数（g）。"
        ),
        "ig1": (
            "EFRAG《实施指南第1号：重要性评估》（IG 1，2024年5月，非强制性指南）："
            "重要性评估覆盖公司的整个价值链，议题从影响角度、财务角度或两者兼具被判定为重要。"
        ),
        "gri31": (
            "《GRI 3：实质性议题 2021》披露项GRI 3-1“确定实质性议题的流程”：即本说明。"
        ),
        "h_process": "二、评估流程",
        "register": (
            "评估工作组在本次评估的{topics}项议题下登记了{total}项影响、风险和机遇（IRO）："
            "负面影响{negative}项、正面影响{positive}项、风险{risk}项、机遇{opportunity}项。"
            "影响中实际影响{actual}项、潜在影响{potential}项，涉及人权的负面影响{human_rights}项。"
            "每项IRO登记其所处价值链环节（上游{upstream}项、自身运营{own_operations}项、"
            "下游{downstream}项，可多选）、时间范围、受影响的利益相关方及中英文描述。"
        ),
        "no_iro_topics": "以下{n}项议题未登记IRO，在两个维度上均无得分：{names}。",
        "horizons": (
            "时间范围：短期为{short_span}以内，中期为{short}至{medium_span}，长期为{medium_span}以上{source}。"
            "按时间范围，短期IRO {s}项、中期{m}项、长期{l}项。"
        ),
        "horizons_default": "（ESRS 1第77段的默认划分；《指引》第五十九条第（十三）项要求公司自行界定）",
        "horizons_own": "（由评估工作组界定，《指引》第五十九条第（十三）项；ESRS 1第77段默认为1年和5年）",
        "assessors_dates_both": "评估人评分于{start}至{end}进行。",
        "assessors_dates_start": "评估人评分自{start}起进行。",
        "assessors_dates_end": "评估人评分截至{end}。",
        "assessors_dates_none": "",
        "assessors": (
            "评估人由评估工作组通过邀请码邀请（每个邀请码只能使用一次），共{total}名：{kinds}。"
            "每名评估人只对每项IRO适用的标准评分，分值为1至5分，无法判断时选择“无法判断”。"
        ),
        "assessor_kind": "{name}{n}名",
        "no_assessors": "本次评估尚无评估人提交评分。",
        "per_iro": (
            "每项IRO的评估人数（对该IRO至少给出一个数值评分的评估人）为{low}至{high}人，"
            "中位数为{median}人；各IRO的评估人数列于IRO表中。"
        ),
        "affected": "登记表中受影响的利益相关方：{names}。",
        "survey": (
            "本次评估同时开展了利益相关方问卷调查，共回收有效问卷{n}份（《指引》第九条）。"
            "各议题对利益相关方的重要性列于评分表中，作为识别和评估影响的参考，不计入双重重要性得分。"
        ),
        "no_survey": "本次评估未开展利益相关方问卷调查；利益相关方的关切通过登记表中受影响的利益相关方体现。",
        "h_criteria": "三、评分标准",
        "criteria_rule": (
            "各类IRO评分的标准（ESRS 1第45、46、51段；《指引》第五十九条第（五）项）："
        ),
        "criteria_items": [
            "负面影响：规模、范围、不可补救性；潜在负面影响另加发生可能性。",
            "正面影响：规模、范围；潜在正面影响另加发生可能性。",
            "风险和机遇：财务影响程度、发生可能性。",
        ],
        "anchors_lead": "各标准每一分值的说明如下，评估人在评分页面上看到相同的文字。",
        "anchors_own": "标注*的{n}处为评估工作组对默认说明的修改。",
        "anchor_headers": ["分值", "说明"],
        "criterion_heading": "{name}：{question}",
        "h_scoring": "四、计算规则",
        "value_mean": (
            "标准取值：某项IRO某一标准的取值为给出数值评分的评估人评分的算术平均值。"
        ),
        "value_median": (
            "标准取值：某项IRO某一标准的取值为给出数值评分的评估人评分的中位数。"
        ),
        "value_rest": (
            "“无法判断”不计入任何计算；无人给出数值评分的标准没有取值。对IRO不适用的标准的"
            "评分（如IRO类型在评分后被修改）不计入，也不列入原始评分表。"
        ),
        "severity": (
            "严重程度：负面影响为（规模＋范围＋不可补救性）÷3；正面影响为（规模＋范围）÷2。"
            "风险和机遇不计算严重程度。"
        ),
        "impact_score": (
            "影响得分：实际影响的得分为其严重程度；潜在影响的得分为{impact_formula}。"
            "潜在的负面人权影响以严重程度为得分（ESRS 1第45段：严重程度优先于可能性），"
            "其发生可能性仍列于IRO表中。"
        ),
        "financial_score": "财务得分：风险和机遇的得分为{financial_formula}。",
        "combine_geometric": "{a}与{b}的几何平均数，即√（{a}×{b}）",
        "combine_arithmetic": "{a}与{b}的算术平均数，即（{a}＋{b}）÷2",
        "combine_product": "{a}与{b}的乘积除以{top}，即{a}×{b}÷{top}",
        "severity_word": "严重程度",
        "likelihood_word": "发生可能性",
        "magnitude_word": "财务影响程度",
        "missing": (
            "缺少计算所需标准取值的IRO没有得分，IRO表中注明所缺的标准。"
        ),
        "missing_items": "本次无得分的IRO：{items}。",
        "missing_item": "{topic}：{description}（缺少{criteria}）",
        "topic_rule": (
            "议题得分：议题的影响重要性得分为其下各项影响（正面和负面）得分的最高值，财务重要性"
            "得分为其下各项风险和机遇得分的最高值；没有相应IRO的议题在该维度上没有得分。"
        ),
        "review_rule": (
            "需复核标记：某项IRO任一标准的数值评分中，最高分与最低分相差{span}分及以上的，"
            "标记为“需复核”，由评估工作组核实评估人的不同判断。"
        ),
        "review_items": "本次标记为需复核的IRO共{n}项：{items}。",
        "review_item": "{topic}：{description}（{criteria}）",
        "no_review": "本次没有IRO被标记为需复核。",
        "rounding": (
            "得分以两位小数列示；与阈值比较时先四舍五入到小数点后9位，以免浮点误差影响判定。"
        ),
        "h_thresholds": "五、重要性判定",
        "threshold_value": (
            "判定阈值由评估工作组设定（ESRS 1第42段）：影响重要性{impact}，财务重要性{financial}。"
        ),
        "threshold_midpoint": (
            "判定阈值取评分量表中点：影响重要性和财务重要性均为{impact}。"
        ),
        "threshold_mean": (
            "判定阈值取每个维度上有得分议题的得分平均值（本次影响重要性{impact}，财务重要性{financial}）。"
        ),
        "threshold_quantile": (
            "判定阈值取每个维度上有得分议题得分的第{q}百分位数（线性插值；本次影响重要性{impact}，"
            "财务重要性{financial}）。"
        ),
        "threshold_top_n": (
            "按排名判定：每个维度上得分最高的{n}项议题达到该维度的重要性（得分相同时按议题顺序），"
            "此方式不设分值阈值。"
        ),
        "either_rule": (
            "议题在任一维度上达到（不低于）阈值即为实质性议题，并注明依据：影响重要性、财务重要性"
            "或二者兼具（ESRS 1第28段；《指引》第五条）。"
        ),
        "results": (
            "本次{total}项议题中，{both}项兼具影响重要性和财务重要性，{impact}项仅具影响重要性，"
            "{financial}项仅具财务重要性，{none}项未达到任一阈值（其中{unscored}项在两个维度上"
            "均无得分）。"
        ),
        "results_headers": ["议题", "影响重要性", "财务重要性", "判定"],
        "materiality": {"both": "二者兼具", "impact": "影响重要性", "financial": "财务重要性",
                        None: "—"},
        "h_sources": "六、资料来源",
        "sources_lead": "本说明引用的条款均已对照下列文本核实：",
        "sources": [
            "ESRS 1、ESRS 2：欧盟委员会授权条例(EU) 2023/2772，2023年12月22日合并版本"
            "（CELEX 02023R2772-20231222）。",
            "EFRAG IG 1：EFRAG知识中心（knowledgehub.efrag.org）所载《实施指南第1号：重要性"
            "评估》要点。",
            "《指引》：上海证券交易所、深圳证券交易所、北京证券交易所发布的指引正文（DOCX）。",
            "GRI 3：全球报告倡议组织（globalreporting.org）发布的《GRI 3：实质性议题 2021》。",
        ],
        "unverified": (
            "未能核实的部分：GRI 3-1的具体要求条文未能对照原文逐项核实，本说明仅引用该披露项的"
            "名称；财政部《企业可持续披露准则——基本准则》未作引用。"
        ),
        "years": "{n}年",
        "year": "{n}年",
        "date": "{d.year}年{d.month}月{d.day}日",
        "not_set": "未设定",
        "list_sep": "；",
        "name_sep": "、",
        "criterion_sep": "、",
        "kinds": {"management": "管理层", "internal_expert": "内部专家",
                  "external_expert": "外部专家", None: "未注明类别"},
    },
    "en": {
        "title": "Methodology: double materiality assessment",
        "intro": (
            "This note describes how the double materiality of the topics of the assessment "
            "\u201c{title}\u201d (reporting year {year}) was assessed: the process, the criteria "
            "and the calculation rules. All figures are generated by the assessment tool from "
            "the register of impacts, risks and opportunities and the assessors' ratings."
        ),
        "h_disclosure": "1. Rules followed and disclosures served",
        "guideline": (
            _GUIDELINE_EN + ": Article 5 (identify each topic's financial materiality and "
            "impact materiality and explain the analysis), Article 9 (seek stakeholders' views "
            "through interviews, questionnaires and the like), Article 14 (identify risks and "
            "opportunities and their time horizons, define short, medium and long term, and "
            "assess significant impacts on the economy, society and the environment), Article "
            "18 (the methods used to identify and assess impacts, risks and opportunities, "
            "their likelihood and size, and their prioritisation and its criteria), and "
            "Article 59 items (5) (significance judged by likelihood and the size of the "
            "financial effect, and by the scale, scope and irremediability of the impact) "
            "and (13) (the company defines short, medium and long term)."
        ),
        "esrs1": (
            "ESRS 1 General requirements (Commission Delegated Regulation (EU) 2023/2772): "
            "paragraph 28 (a matter is material when it meets the criteria of impact "
            "materiality or financial materiality or both), 42 (appropriate thresholds), 43-46 "
            "(impact materiality: actual and potential, negative and positive impacts; the "
            "severity of a negative impact is its scale, scope and irremediable character; for "
            "a potential negative human rights impact severity takes precedence over "
            "likelihood; positive impacts by scale, scope and, if potential, likelihood), "
            "47-51 (financial materiality: likelihood of occurrence and potential magnitude of "
            "the financial effects), 77 (time horizons) and AR 16 (the sustainability matters)."
        ),
        "iro1": (
            "ESRS 2 General disclosures, IRO-1 paragraph 53: this note gives the methodologies "
            "and assumptions (a); the process for impacts, including the consultation of "
            "affected stakeholders and external experts and the prioritisation by severity and "
            "likelihood with its thresholds (b); the process for risks and opportunities by "
            "likelihood and magnitude with its thresholds (c); and the input parameters (g)."
        ),
        "ig1": (
            "EFRAG IG 1 Materiality Assessment Implementation Guidance (May 2024, "
            "non-authoritative): the assessment covers the undertaking's entire value chain, "
            "and matters are material from the impact perspective, the financial perspective "
            "or both."
        ),
        "gri31": (
            "GRI 3: Material Topics 2021, Disclosure 3-1 \"Process to determine material "
            "topics\": this note."
        ),
        "h_process": "2. Process",
        "register": (
            "Under the assessment's {topics} topics the assessment team registered {total} "
            "impacts, risks and opportunities (IROs): {negative} negative impacts, {positive} "
            "positive impacts, {risk} risks and {opportunity} opportunities. Of the impacts, "
            "{actual} are actual and {potential} potential; {human_rights} negative impacts "
            "concern human rights. Each IRO records where in the value chain it lies "
            "(upstream {upstream}, own operations {own_operations}, downstream {downstream}; "
            "an IRO may lie in several), its time horizon, the stakeholders affected and a "
            "description in Chinese and English."
        ),
        "no_iro_topics": "Topics without an IRO, and so without a score ({n}): {names}.",
        "horizons": (
            "Time horizons: short term up to {short_span}, medium term {short} to "
            "{medium_span}, long term over {medium_span}{source}. By horizon: {s} short-term, "
            "{m} medium-term and {l} long-term IROs."
        ),
        "horizons_default": (
            " (the defaults of ESRS 1 paragraph 77; Article 59 item (13) of the Guideline has "
            "the company define them)"
        ),
        "horizons_own": (
            " (set by the assessment team, Article 59 item (13) of the Guideline; ESRS 1 "
            "paragraph 77's defaults are 1 and 5 years)"
        ),
        "assessors_dates_both": "Assessors rated from {start} to {end}.",
        "assessors_dates_start": "Assessors rated from {start}.",
        "assessors_dates_end": "Assessors rated until {end}.",
        "assessors_dates_none": "",
        "assessors": (
            "The assessment team invited the assessors by single-use invitation codes; {total} "
            "rated: {kinds}. Each assessor rated only the criteria that apply to each IRO, from "
            "1 to 5, or answered \"cannot judge\"."
        ),
        "assessor_kind": "{n} {name}",
        "no_assessors": "No assessor has submitted ratings yet.",
        "per_iro": (
            "Each IRO was rated by {low} to {high} assessors (median {median}), counting the "
            "assessors who gave it at least one numeric rating; the IRO table gives each "
            "IRO's count."
        ),
        "affected": "Stakeholders affected, as the register names them: {names}.",
        "survey": (
            "The assessment also ran the stakeholder survey: {n} valid questionnaires "
            "(Article 9 of the Guideline). Each topic's importance to stakeholders is shown in "
            "the score table as an input to identifying and assessing impacts; it is not part "
            "of the double materiality scores."
        ),
        "no_survey": (
            "The assessment ran no stakeholder survey; stakeholders' concerns enter through "
            "the stakeholders affected that the register names."
        ),
        "h_criteria": "3. Criteria",
        "criteria_rule": (
            "The criteria rated for each kind of IRO (ESRS 1 paragraphs 45, 46 and 51; Article "
            "59 item (5) of the Guideline):"
        ),
        "criteria_items": [
            "Negative impact: scale, scope, irremediable character; if potential, also "
            "likelihood.",
            "Positive impact: scale, scope; if potential, also likelihood.",
            "Risk or opportunity: magnitude of the financial effect, likelihood.",
        ],
        "anchors_lead": (
            "The levels of each criterion are anchored as follows; assessors read the same "
            "words on the rating page."
        ),
        "anchors_own": "Levels marked * ({n}) are worded by the assessment team.",
        "anchor_headers": ["Level", "Meaning"],
        "criterion_heading": "{name}: {question}",
        "h_scoring": "4. Calculation",
        "value_mean": (
            "Criterion value: for each IRO and criterion, the mean of the numeric ratings "
            "given."
        ),
        "value_median": (
            "Criterion value: for each IRO and criterion, the median of the numeric ratings "
            "given."
        ),
        "value_rest": (
            "\"Cannot judge\" enters no figure; a criterion nobody rated numerically has no "
            "value. Ratings of a criterion that does not apply to the IRO (its kind was "
            "changed after it was rated) do not count and are not in the raw ratings file."
        ),
        "severity": (
            "Severity: of a negative impact, (scale + scope + irremediable character) / 3; of a "
            "positive impact, (scale + scope) / 2. Risks and opportunities have no severity."
        ),
        "impact_score": (
            "Impact score: an actual impact scores its severity; a potential impact scores "
            "{impact_formula}. A potential negative human rights impact scores its severity "
            "alone (ESRS 1 paragraph 45: severity takes precedence over likelihood); its "
            "likelihood is still shown in the IRO table."
        ),
        "financial_score": "Financial score: a risk or opportunity scores {financial_formula}.",
        "combine_geometric": "the geometric mean of {a} and {b}, \u221a({a} \u00d7 {b})",
        "combine_arithmetic": "the arithmetic mean of {a} and {b}, ({a} + {b}) / 2",
        "combine_product": "the product of {a} and {b} divided by {top}, {a} \u00d7 {b} / {top}",
        "severity_word": "severity",
        "likelihood_word": "likelihood",
        "magnitude_word": "magnitude",
        "missing": (
            "An IRO lacking the value of a criterion its score needs has no score; the IRO "
            "table names the criteria missing."
        ),
        "missing_items": "IROs without a score this time: {items}.",
        "missing_item": "{topic}: {description} (missing {criteria})",
        "topic_rule": (
            "Topic scores: a topic's impact materiality is the highest score among its impacts "
            "(negative and positive), its financial materiality the highest among its risks "
            "and opportunities; a topic without an IRO of a kind has no score on that axis."
        ),
        "review_rule": (
            "Needs review: an IRO is flagged when the numeric ratings of any one of its "
            "criteria span {span} points or more (highest minus lowest), for the assessment "
            "team to look into the assessors' differing judgements."
        ),
        "review_items": "IROs flagged this time ({n}): {items}.",
        "review_item": "{topic}: {description} ({criteria})",
        "no_review": "No IRO is flagged for review this time.",
        "rounding": (
            "Scores are shown with two decimals; they are rounded to 9 decimals before they "
            "are compared with a threshold, so floating-point noise never decides one."
        ),
        "h_thresholds": "5. Thresholds and material topics",
        "threshold_value": (
            "Thresholds set by the assessment team (ESRS 1 paragraph 42): {impact} for impact "
            "materiality, {financial} for financial materiality."
        ),
        "threshold_midpoint": (
            "Thresholds at the midpoint of the scale: {impact} on both axes."
        ),
        "threshold_mean": (
            "Thresholds at the mean score of the topics scored on each axis ({impact} for "
            "impact materiality, {financial} for financial materiality)."
        ),
        "threshold_quantile": (
            "Thresholds at percentile {q} of the scores of the topics scored on each axis "
            "(linear interpolation; {impact} for impact materiality, {financial} for financial "
            "materiality)."
        ),
        "threshold_top_n": (
            "Thresholds by rank: on each axis the {n} topics with the highest scores reach it "
            "(ties go to the topic listed first); no score threshold is used in this mode."
        ),
        "either_rule": (
            "A topic is material when it reaches (is at or above) the threshold on either "
            "axis, and the result says which: impact, financial, or both (ESRS 1 paragraph 28; "
            "Article 5 of the Guideline)."
        ),
        "results": (
            "Topics: {total}; material by both impact and financial materiality: {both}; by "
            "impact materiality alone: {impact}; by financial materiality alone: {financial}; "
            "reaching neither threshold: {none} (of which without a score on either axis: "
            "{unscored})."
        ),
        "results_headers": ["Topic", "Impact materiality", "Financial materiality",
                            "Material by"],
        "materiality": {"both": "both", "impact": "impact", "financial": "financial",
                        None: "\u2014"},
        "h_sources": "6. Sources",
        "sources_lead": "Every paragraph and article cited was checked against these texts:",
        "sources": [
            "ESRS 1 and ESRS 2: Commission Delegated Regulation (EU) 2023/2772, consolidated "
            "version of 22 December 2023 (CELEX 02023R2772-20231222).",
            "EFRAG IG 1: the key points of IG 1 Materiality Assessment in EFRAG's knowledge "
            "hub (knowledgehub.efrag.org).",
            "The Guideline: the texts (DOCX) published by the Shanghai, Shenzhen and Beijing "
            "stock exchanges.",
            "GRI 3: GRI 3: Material Topics 2021 as published by GRI (globalreporting.org).",
        ],
        "unverified": (
            "Not verified: the requirements of GRI 3-1 could not be checked against their "
            "wording item by item, so only the disclosure's title is cited; the Ministry of "
            "Finance's basic standard for corporate sustainability disclosure is not cited."
        ),
        "years": "{n} years",
        "year": "{n} year",
        "date": "{d.day} {month} {d.year}",
        "not_set": "not set",
        "list_sep": "; ",
        "name_sep": ", ",
        "criterion_sep": ", ",
        "kinds": {"management": "from management", "internal_expert": "internal experts",
                  "external_expert": "external experts", None: "of no stated kind"},
    },
}
