"""The wording of the methodology note, in "zh_CN" and "en".

Plain data, no logic: ``services.methodology`` fills these templates with the
assessment's figures. The wording is report content, so it lives here rather than in
the gettext catalogue.
"""
from __future__ import annotations

__all__ = ["MONTHS", "TEXTS"]

TEXTS: dict[str, dict] = {
    "zh_CN": {
        "title": "实质性议题分析方法说明",
        "intro": (
            "本说明介绍{organisation}{assessment}实质性议题分析的方法、数据来源与计算规则，"
            "所列数据均由评估系统根据调查结果自动生成。"
        ),
        "assessment_named": "“{title}”（{year}年度报告）",
        "assessment_unnamed": "{year}年度报告",
        "h_disclosure": "一、对应的披露要求",
        "cass": (
            "《中国企业社会责任报告指南（CASS-CSR 4.0）》报告编制流程中的“议题分析”："
            "对照各议题对利益相关方的重要性与对企业发展的重要性，形成本年度实质性议题矩阵，"
            "作为报告编写的依据。"
        ),
        "gri31": "《GRI 3：实质性议题 2021》披露项 GRI 3-1“确定实质性议题的流程”：即本说明。",
        "gri32": (
            "《GRI 3：实质性议题 2021》披露项 GRI 3-2“实质性议题清单”：评定为“高度实质性”"
            "和“实质性”的议题即本年度实质性议题，详见议题评分表。"
        ),
        "h_survey": "二、议题与调查样本",
        "topics": (
            "本次评估共纳入{topics}项议题。议题清单在公司议题库基础上，"
            "结合公司发展战略、行业特点、国内外主流社会责任标准与指南以及报告评级要求确定。"
        ),
        "dates_both": "利益相关方调查于{start}至{end}开展，共回收有效问卷{total}份。",
        "dates_start": "利益相关方调查自{start}起开展，共回收有效问卷{total}份。",
        "dates_end": "利益相关方调查截至{end}，共回收有效问卷{total}份。",
        "dates_none": "共回收利益相关方有效问卷{total}份（调查起止日期未登记）。",
        "outside_period": "其中{n}份问卷在调查期间之外提交，已计入结果。",
        "valid_rule": "有效问卷指对至少一项议题给出1至5分评分的问卷。",
        "dont_know_only": "另有{n}份问卷对全部议题均选择“不了解”，未计入有效问卷，也不影响任何得分。",
        "groups_lead": "各利益相关方群体的有效问卷数及权重如下：",
        "group_headers": ["利益相关方", "有效问卷（份）", "权重", "权重占比"],
        "total": "合计",
        "company_lead": (
            "对企业发展的重要性由公司内部评估得出，参与评分的人员及各类评分人的权重如下："
        ),
        "rater_headers": ["评分人类别", "人数", "权重", "权重占比"],
        "rater_kinds": {
            "management": "管理层",
            "internal_expert": "内部专家",
            "external_expert": "外部专家",
        },
        "no_raters": "本次评估未登记企业内部评分人。",
        "feedback": (
            "此外，收到报告读者意见反馈{n}份，作为改进报告编制的参考，不计入议题评分。"
        ),
        "h_scale": "三、评分量表",
        "scale": (
            "受访者采用五级量表评价每项议题的重要性：{labels}；"
            "另设“{dont_know}”选项，供对该议题不熟悉的受访者选择。"
        ),
        "scale_labels": ["不重要", "较不重要", "一般", "比较重要", "非常重要"],
        "scale_item": "{value}＝{label}",
        "scale_sep": "，",
        "dont_know": "不了解",
        "h_scoring": "四、得分计算",
        "stakeholder_rule": (
            "对利益相关方的重要性：先计算各利益相关方群体对该议题评分的算术平均值，"
            "再按上表所列群体权重加权平均；某群体对某议题无有效评分时，不参与该议题的加权，"
            "其余群体的权重按比例归一。"
        ),
        "company_rule": (
            "对企业发展的重要性：先按评分人类别计算平均值，再按评分人类别权重加权平均，"
            "无评分人的类别不参与加权。"
        ),
        "missing_rule": (
            "问卷要求对每项议题给出评分或选择“不了解”，因此不存在未作答的情况。"
            "“不了解”不计入平均分，也不计入该议题的有效样本数；其占该议题全部回答的比例"
            "另行统计并列于议题评分表，用于判断结果的代表性。"
        ),
        "unanswered": "以下议题有加权群体未给出任何有效评分，这些议题的得分未包含该群体：{items}。",
        "unanswered_item": "{topic}（{groups}）",
        "list_sep": "；",
        "name_sep": "、",
        "bootstrap_rule": (
            "95%置信区间：采用自助法（bootstrap），在各利益相关方群体及各评分人类别内"
            "对受访者分层进行有放回重抽样，共{samples}次（随机数种子{seed}，结果可复现），"
            "取重抽样得分的2.5%与97.5%分位数。"
            "重抽样只在每个群体或类别内部进行，因此仅有1名受访者的群体每次都抽到同一人，"
            "不增加任何不确定性；受访者少于{limit}人的群体，其置信区间会低估实际的不确定性。"
        ),
        "small_strata": "本次受访者少于{limit}人的群体或类别：{items}，其结果应谨慎解读。",
        "small_item": "{name}（{n}人）",
        "h_tiers": "五、实质性判定规则",
        "threshold_midpoint": (
            "判定阈值取评分量表中点：对企业发展的重要性{company}，"
            "对利益相关方的重要性{stakeholder}。"
        ),
        "threshold_mean": (
            "判定阈值取每个维度全部议题得分的平均值（本次对企业发展的重要性{company}，"
            "对利益相关方的重要性{stakeholder}）。"
        ),
        "mean_default": (
            "新建评估默认采用此方式：受访者对列入问卷的议题普遍给出高于量表中点的评分，"
            "以量表中点为阈值时几乎所有议题都会落入同一等级；以全部议题的平均分为阈值，"
            "能在每个维度上区分相对更重要的议题，且无需另设参数。"
        ),
        "concentration": (
            "提示：本次{total}项已评分议题中有{count}项（超过四分之三）为“{tier}”，"
            "当前阈值未能有效区分议题；若以全部议题平均分为阈值，"
            "三个等级依次为{high}项、{mid}项和{low}项。"
        ),
        "threshold_value": (
            "判定阈值由评估工作组设定：对企业发展的重要性{company}，"
            "对利益相关方的重要性{stakeholder}。"
        ),
        "threshold_top_n": (
            "按排名分级：综合排名前{n}位的议题为“高度实质性”议题，第{n_next}至{n2}位为"
            "“实质性”议题，其余为“需关注”议题；此方式不设分值阈值。"
        ),
        "threshold_quantile": (
            "判定阈值取每个维度全部议题得分的第{q}百分位数"
            "（本次对企业发展的重要性{company}，对利益相关方的重要性{stakeholder}）。"
        ),
        "threshold_unknown": (
            "判定阈值：对企业发展的重要性{company}，对利益相关方的重要性{stakeholder}。"
        ),
        "tier_rule": (
            "两个维度得分均不低于阈值的议题为“高度实质性”议题；仅一个维度不低于阈值的为"
            "“实质性”议题；两个维度均低于阈值的为“需关注”议题。"
        ),
        "rank_rule": (
            "议题按综合得分（两个维度得分的平均值）由高到低排序，综合得分相同时，"
            "对利益相关方的重要性较高者在前；缺少任一维度得分的议题不参与分级，排在最后。"
        ),
        "h_robustness": "六、分级结果的稳健性",
        "robustness_probability": (
            "在{samples}次自助重抽样中，每次均按上述规则重新分级"
            "（依赖得分的阈值按每次重抽样结果重新计算）。"
            "{stable}项议题在至少90%的重抽样中保持原等级"
        ),
        "robustness_uncertain": "；等级不确定的议题为：{items}",
        "robustness_uncertain_item": "{topic}（保持原等级的概率{p}）",
        "robustness_end": "。",
        "robustness_scenarios": (
            "权重敏感性：将全部权重设为相等，以及依次去掉每个利益相关方群体和每类评分人后重新计算，"
        ),
        "robustness_no_change": "所有议题的等级均不变。",
        "robustness_changes": "以下议题的等级会发生变化：{items}。",
        "robustness_change_item": "{topic}（{changes}）",
        "robustness_change": "{scenario}时为“{tier}”",
        "scenario_equal_weights": "等权重",
        "scenario_without": "去掉{name}",
        "tiers": {"highly_material": "高度实质性", "material": "实质性", "to_watch": "需关注",
                  None: "无等级"},
        "h_overrides": "七、企业评分调整",
        "overrides_lead": (
            "以下议题对企业发展的重要性得分经评估工作组调整，调整后的得分替代计算得分，"
            "用于矩阵、排序与分级，不再给出置信区间。调整理由如下："
        ),
        "override_item": "{topic}：调整为{score}。理由：{reason}",
        "no_overrides": "本年度未对企业评分进行人工调整。",
        "date": "{d.year}年{d.month}月{d.day}日",
        "not_set": "未设定",
        "share_missing": "—",
    },
    "en": {
        "title": "Methodology: how the material topics were determined",
        "intro": (
            "This note describes how the topics of {assessment} were analysed: the method, "
            "the data and the calculation rules. All figures are "
            "generated by the assessment tool from the survey results."
        ),
        "intro_organisation": (
            "This note describes how {organisation} analysed the topics of {assessment}: the "
            "method, the data and the calculation rules. All figures are "
            "generated by the assessment tool from the survey results."
        ),
        "assessment_named": "the assessment \u201c{title}\u201d (reporting year {year})",
        "assessment_unnamed": "the assessment of reporting year {year}",
        "h_disclosure": "1. Disclosures served",
        "cass": (
            "Guidelines on Corporate Social Responsibility Reporting for Chinese Enterprises "
            "(CASS-CSR 4.0), topic analysis in the "
            "reporting process: each topic's importance to stakeholders is compared with its "
            "importance to the company's development, giving the year's materiality matrix "
            "that guides the report."
        ),
        "gri31": (
            "GRI 3: Material Topics 2021, Disclosure GRI 3-1 \"Process to determine material "
            "topics\": this note."
        ),
        "gri32": (
            "GRI 3: Material Topics 2021, Disclosure GRI 3-2 \"List of material topics\": the "
            "topics rated highly material or material are the year's material topics; see "
            "the topic score table."
        ),
        "h_survey": "2. Topics and survey sample",
        "topics": (
            "The assessment covered {topics} topics, selected from the company's topic "
            "library in the light of its strategy, the characteristics of the industry, "
            "mainstream Chinese and international CSR standards and guidelines, and "
            "report-rating requirements."
        ),
        "dates_both": (
            "The stakeholder survey ran from {start} to {end}; {total} valid questionnaires "
            "were received."
        ),
        "dates_start": (
            "The stakeholder survey opened on {start}; {total} valid questionnaires were "
            "received."
        ),
        "dates_end": (
            "The stakeholder survey closed on {end}; {total} valid questionnaires were "
            "received."
        ),
        "dates_none": (
            "{total} valid stakeholder questionnaires were received (the survey dates were "
            "not recorded)."
        ),
        "outside_period": (
            "{n} of the questionnaires were submitted outside this period; they are included "
            "in the results."
        ),
        "valid_rule": (
            "A valid questionnaire is one that rates at least one topic from 1 to 5."
        ),
        "dont_know_only": (
            "{n} further questionnaires answered \"Don't know\" to every topic; they are not "
            "counted as valid and affect no score."
        ),
        "groups_lead": "Respondents and weights by stakeholder group:",
        "group_headers": ["Stakeholder group", "Respondents", "Weight", "Share of weight"],
        "total": "Total",
        "company_lead": (
            "The importance to the company's development was rated internally, by these "
            "raters, with these weights per kind of rater:"
        ),
        "rater_headers": ["Kind of rater", "Raters", "Weight", "Share of weight"],
        "rater_kinds": {
            "management": "Management",
            "internal_expert": "Internal experts",
            "external_expert": "External experts",
        },
        "no_raters": "No company raters were recorded for this assessment.",
        "feedback": (
            "We also received {n} reader feedback forms on the report; they inform how the "
            "report is written and are not part of the topic scores."
        ),
        "h_scale": "3. Rating scale",
        "scale": (
            "Respondents rated the importance of each topic on a five-point scale: {labels}; "
            "a \"{dont_know}\" option was offered to respondents unfamiliar with a topic."
        ),
        "scale_labels": [
            "Not important",
            "Slightly important",
            "Moderately important",
            "Important",
            "Very important",
        ],
        "scale_item": "{value} = {label}",
        "scale_sep": ", ",
        "dont_know": "Don't know",
        "h_scoring": "4. Scores",
        "stakeholder_rule": (
            "Importance to stakeholders: the mean rating of each stakeholder group, then the "
            "mean of the group means weighted by the group weights above. A group without a "
            "numeric rating for a topic is left out of that topic's mean, and the other "
            "groups' weights are rescaled."
        ),
        "company_rule": (
            "Importance to the company's development: the mean rating of each kind of rater, "
            "then the mean of these weighted by the rater-kind weights above; kinds without "
            "raters are left out."
        ),
        "missing_rule": (
            "The questionnaire asks for a rating or \"Don't know\" for every topic, so no "
            "answer is missing. \"Don't know\" is excluded from the means and from the "
            "topic's number of respondents; its share of all answers to each topic is given "
            "in the topic score table, as a sign of how representative the result is."
        ),
        "unanswered": (
            "For these topics a weighted group gave no numeric rating, and the topic was "
            "scored without it: {items}."
        ),
        "unanswered_item": "{topic} ({groups})",
        "list_sep": "; ",
        "name_sep": ", ",
        "bootstrap_rule": (
            "95% confidence intervals: bootstrap, resampling respondents with replacement "
            "within each stakeholder group and each kind of rater, {samples} times (random "
            "seed {seed}, so the results can be reproduced), taking the 2.5th and 97.5th "
            "percentiles of the resampled scores. Resampling stays within each group and "
            "kind, so a group of one respondent redraws that respondent every time and adds "
            "no uncertainty, and a group of fewer than {limit} understates it."
        ),
        "small_strata": (
            "Groups or kinds with fewer than {limit} respondents this time: {items}; read "
            "their results with care."
        ),
        "small_item": "{name} ({n})",
        "h_tiers": "5. Thresholds and tiers",
        "threshold_midpoint": (
            "Thresholds at the midpoint of the scale: {company} for importance to the company, "
            "{stakeholder} for importance to stakeholders."
        ),
        "threshold_mean": (
            "Thresholds at the mean of all topics' scores on each axis ({company} for "
            "importance to the company, {stakeholder} for importance to stakeholders)."
        ),
        "mean_default": (
            "This is the default for new assessments: respondents rate nearly every topic "
            "on the questionnaire above the middle of the scale, so thresholds at the "
            "midpoint put almost all topics in one tier; the mean of all topics separates "
            "the relatively more important topics on each axis and needs no parameter."
        ),
        "concentration": (
            "Note: {count} of the {total} scored topics (more than three quarters) are "
            "{tier}, so these thresholds do not separate the topics; with thresholds at "
            "the mean of all topics the tiers would hold {high}, {mid} and {low} topics."
        ),
        "threshold_value": (
            "Thresholds set by the assessment team: {company} for importance to the company, "
            "{stakeholder} for importance to stakeholders."
        ),
        "threshold_top_n": (
            "Tiers by rank: the {n} best-ranked topics are highly material, those ranked "
            "{n_next} to {n2} material, and the rest to watch; no score thresholds are used "
            "in this mode."
        ),
        "threshold_quantile": (
            "Thresholds at percentile {q} of all topics' scores on each axis "
            "({company} for importance to the company, {stakeholder} for importance to "
            "stakeholders)."
        ),
        "threshold_unknown": (
            "Thresholds: {company} for importance to the company, {stakeholder} for "
            "importance to stakeholders."
        ),
        "tier_rule": (
            "A topic at or above the threshold on both axes is highly material; at or above "
            "it on one axis only, material; below it on both axes, to watch."
        ),
        "rank_rule": (
            "Topics are ranked by their combined score (the mean of the two scores), ties "
            "going to the higher importance to stakeholders; a topic missing either score "
            "gets no tier and is ranked last."
        ),
        "h_robustness": "6. How robust the classification is",
        "robustness_probability": (
            "In each of the {samples} bootstrap resamples the topics were classified again by "
            "the rule above (thresholds that depend on the scores recomputed each time). "
            "{stable} topics kept their tier in at least 90% of the resamples"
        ),
        "robustness_uncertain": "; the tier is uncertain for {items}",
        "robustness_uncertain_item": "{topic} (same tier in {p} of resamples)",
        "robustness_end": ".",
        "robustness_scenarios": (
            "Sensitivity to the weights: with all weights equal, and with each stakeholder "
            "group and each kind of rater left out in turn, "
        ),
        "robustness_no_change": "no topic changes tier.",
        "robustness_changes": "these topics change tier: {items}.",
        "robustness_change_item": "{topic} ({changes})",
        "robustness_change": "{tier} {scenario}",
        "scenario_equal_weights": "with equal weights",
        "scenario_without": "without {name}",
        "tiers": {"highly_material": "highly material", "material": "material",
                  "to_watch": "to watch", None: "no tier"},
        "h_overrides": "7. Company score overrides",
        "overrides_lead": (
            "The assessment team set the importance-to-the-company score of these topics; the "
            "set score replaces the computed one in the matrix, the ranking and the tiers, "
            "and has no confidence interval. Reasons:"
        ),
        "override_item": "{topic}: set to {score}. Reason: {reason}",
        "no_overrides": "No company scores were overridden this year.",
        "date": "{d.day} {month} {d.year}",
        "not_set": "not set",
        "share_missing": "—",
    },
}

#: English month names for dates in running text (the Chinese format needs none).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
