"""The demo's third year: a closed 2025 double-materiality assessment of the model company.

The model company is a central state-owned rare-earth group (mining, separation and
smelting, rare-earth materials and magnets). The 2025 assessment asks the library's 24
topics (the model report's 23 and biodiversity) and holds an IRO register of 43 impacts,
risks and opportunities across the value chain: negative and positive impacts, actual and
potential, seven concerning human rights, risks and opportunities on every time horizon.
Four topics (行业交流, 党建引领, 员工关爱, 风险治理) have no IRO, so they have no score.

The stakeholder survey runs too, as an input to the impact assessment: 25 respondents per
stakeholder group rate every topic (``numpy.random.default_rng([2025, 1])``, around means
that follow the topics' impacts). Eight assessors answer through invitation codes (three
from management, three internal and two external experts). Their ratings are deterministic
(``numpy.random.default_rng(2025)``): each criterion of each IRO has a target value t, and
every assessor rates floor(t) or floor(t) + 1, the latter with probability t - floor(t),
so the assessors' mean lands near t and their ratings span at most one point. On top of
that, a few written-in disagreements (spans of two points or more: the IROs are flagged
for review) and a few "cannot judge" answers, one assessor judging nothing of one IRO.
Added only when the assessment has no submissions yet, so ``seed-demo`` stays idempotent;
then closed, as staff close it.
"""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert

from .admin.iro_operations import IroValues, save_iro
from .admin.operations import change_status
from .demo_responses import _ratings, _submission
from .extensions import db
from .models import (
    DOUBLE_METHOD_VERSION,
    Assessment,
    AssessmentStatus,
    InvitationCode,
    Iro,
    IroRating,
    LinkState,
    Method,
    QuestionnaireKind,
    RaterKind,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
    ordered_groups,
)
from .services.scoring.double import applicable_criteria

DEMO_YEAR = 2025
DEMO_TITLE = "2025年度双重重要性评估"
DEMO_TITLE_EN = "2025 double materiality assessment"
DEMO_INTRO_ZH = ("感谢您担任本次双重重要性评估的评估人。请依据评分说明，对每项影响、风险和机遇"
                 "的各项标准打分；无法判断时请选择“无法判断”。")
DEMO_INTRO_EN = ("Thank you for serving as an assessor in this double materiality assessment. "
                 "Rate each criterion of every impact, risk and opportunity against the written "
                 "anchors; choose \"cannot judge\" where you cannot.")
DEMO_PRIVACY_ZH = "评估结果仅以汇总形式用于报告编制，不对外公开个人评分。"
DEMO_PRIVACY_EN = "Ratings are used only in aggregate for the report; no one's ratings are published."
OPENS_ON, CLOSES_ON = date(2025, 11, 10), date(2025, 11, 28)
#: The 24 topics asked, in this order: the library's (seed order) with biodiversity last.
BIODIVERSITY_ZH = "生物多样性保护"

#: Stakeholder survey respondents per group.
STAKEHOLDERS_PER_GROUP = 25

#: The eight assessors: (rater kind, locale).
ASSESSORS = (
    (RaterKind.MANAGEMENT, "zh_CN"), (RaterKind.MANAGEMENT, "zh_CN"),
    (RaterKind.MANAGEMENT, "zh_CN"), (RaterKind.INTERNAL_EXPERT, "zh_CN"),
    (RaterKind.INTERNAL_EXPERT, "zh_CN"), (RaterKind.INTERNAL_EXPERT, "zh_CN"),
    (RaterKind.EXTERNAL_EXPERT, "zh_CN"), (RaterKind.EXTERNAL_EXPERT, "en"),
)

NEG, POS, RISK, OPP = "negative_impact", "positive_impact", "risk", "opportunity"
ACT, POT = "actual", "potential"
G_SASAC, G_GOV, G_CUSTOMERS, G_PARTNERS = "国务院国资委/股东", "地方政府", "客户", "合作伙伴"
G_EMPLOYEES, G_COMMUNITY, G_ENVIRONMENT, G_MEDIA = "员工", "社区", "环境", "媒体"

#: The register: topic (zh), kind, actuality, human rights, value chain (U upstream,
#: O own operations, D downstream), horizon (S/M/L), groups affected, description zh and
#: en, and the target value of each criterion in the order applicable_criteria asks them
#: (negative: scale, scope, irremediable[, likelihood]; positive: scale, scope[,
#: likelihood]; risk or opportunity: magnitude, likelihood).
REGISTER: tuple[tuple, ...] = (
    # 0-4 "dual carbon" action (climate)
    ("“双碳”行动", NEG, ACT, False, "UO", "M", (G_ENVIRONMENT, G_COMMUNITY),
     "冶炼分离环节的高温焙烧、熔盐电解等高耗能工序及上游采矿用能，产生大量范围一、范围二"
     "温室气体排放，加剧气候变化。",
     "The energy-intensive roasting and molten-salt electrolysis of separation and smelting, "
     "and the energy used in upstream mining, emit large Scope 1 and 2 greenhouse gases that "
     "add to climate change.", (3.6, 4.2, 3.8)),
    ("“双碳”行动", RISK, None, False, "O", "M", (G_SASAC, G_GOV),
     "全国碳排放权交易市场扩围至有色金属冶炼行业后，配额收紧与碳价上涨将增加冶炼分离企业的"
     "履约成本。",
     "As the national carbon market extends to non-ferrous smelting, tighter allowances and a "
     "rising carbon price raise the compliance cost of the separation and smelting plants.",
     (3.4, 3.8)),
    ("“双碳”行动", OPP, None, False, "D", "L", (G_SASAC, G_CUSTOMERS, G_PARTNERS),
     "新能源汽车驱动电机、风力发电机和节能电机对高性能稀土永磁材料的需求持续增长，"
     "带来长期市场机遇。",
     "Growing demand for high-performance rare-earth permanent magnets in electric-vehicle "
     "motors, wind turbines and efficient industrial motors opens a long-term market.",
     (4.6, 4.4)),
    ("“双碳”行动", POS, POT, False, "D", "L", (G_CUSTOMERS, G_ENVIRONMENT),
     "稳定供应高性能稀土功能材料，有助于下游风电、新能源汽车等领域减少温室气体排放。",
     "A steady supply of high-performance rare-earth materials helps wind power and electric "
     "vehicles downstream cut greenhouse-gas emissions.", (3.8, 4.0, 3.6)),
    ("“双碳”行动", RISK, None, False, "UO", "L", (G_EMPLOYEES, G_COMMUNITY),
     "南方离子型稀土矿区极端降雨、台风等气候物理风险增多，可能引发滑坡、停产和设施损毁。",
     "More frequent extreme rainfall and typhoons in the southern ion-adsorption mining "
     "areas (physical climate risk) may cause landslides, stoppages and damage to sites.",
     (3.0, 3.0)),
    # 5-8 "three wastes" management
    ("“三废”管理", NEG, ACT, False, "O", "S", (G_COMMUNITY, G_ENVIRONMENT, G_GOV),
     "稀土分离过程产生的氨氮废水和高盐废水，处理不达标时影响周边河流水质。",
     "Ammonia-nitrogen and high-salinity wastewater from separation affects the quality of "
     "nearby rivers where treatment falls short.", (3.8, 3.2, 3.0)),
    ("“三废”管理", NEG, POT, True, "UO", "L", (G_COMMUNITY, G_ENVIRONMENT, G_GOV),
     "矿区尾矿库一旦发生溃坝，将威胁下游社区居民的生命财产安全和饮用水源（涉及生命权与"
     "健康权）。",
     "A tailings dam failure at a mining site would endanger the lives, property and drinking "
     "water of communities downstream (the rights to life and health).",
     (4.8, 3.8, 4.6, 1.6)),
    ("“三废”管理", NEG, ACT, False, "O", "L", (G_COMMUNITY, G_ENVIRONMENT),
     "矿石处理过程中产生含钍等放射性元素的废渣，需要长期安全贮存和监管。",
     "Ore processing leaves residues containing thorium and other radioactive elements that "
     "need safe storage and monitoring for decades.", (3.4, 2.6, 4.4)),
    ("“三废”管理", RISK, None, False, "O", "S", (G_SASAC, G_GOV),
     "稀土工业污染物排放标准收严后，部分产线需要追加环保投资，整改期间可能限产。",
     "Stricter discharge standards for the rare-earth industry would require further "
     "investment in some lines and may curb output while they are upgraded.", (3.6, 3.2)),
    # 9-11 biodiversity
    (BIODIVERSITY_ZH, NEG, ACT, False, "UO", "L", (G_COMMUNITY, G_ENVIRONMENT),
     "南方离子型稀土矿历史上采用的堆浸、池浸和原地浸矿工艺，造成植被破坏、水土流失和土壤"
     "酸化。",
     "Heap, pond and in-situ leaching used in the past at southern ion-adsorption deposits "
     "destroyed vegetation and left soil erosion and acidified soils.", (3.8, 3.4, 4.0)),
    (BIODIVERSITY_ZH, POS, ACT, False, "O", "M", (G_COMMUNITY, G_ENVIRONMENT, G_GOV),
     "开展废弃稀土矿山生态修复，恢复植被和土壤功能，改善矿区周边生态环境。",
     "Ecological restoration of abandoned rare-earth mines brings back vegetation and soil "
     "functions around the mining areas.", (3.2, 2.8)),
    (BIODIVERSITY_ZH, RISK, None, False, "U", "M", (G_SASAC, G_GOV),
     "承担历史遗留矿山生态修复责任，需要持续投入修复资金。",
     "Responsibility for restoring legacy mining sites calls for continuing restoration "
     "spending.", (3.2, 3.6)),
    # 12-14 energy management
    ("能源管理", NEG, ACT, False, "O", "S", (G_ENVIRONMENT, G_GOV),
     "熔盐电解和焙烧等工序用电、用气量大，以化石能源为主的能源结构消耗大量不可再生资源。",
     "Electrolysis and roasting use much electricity and gas, and an energy mix dominated "
     "by fossil fuels consumes non-renewable resources.", (2.6, 2.8, 2.2)),
    ("能源管理", OPP, None, False, "O", "M", (G_SASAC,),
     "实施节能技术改造并参与绿电交易，降低单位产品能耗和用能成本。",
     "Energy-saving retrofits and green-power purchases lower energy use per tonne and the "
     "energy bill.", (2.8, 3.8)),
    ("能源管理", RISK, None, False, "UO", "S", (G_SASAC, G_CUSTOMERS),
     "用电高峰期有序用电和电价波动，可能打乱生产计划、推高生产成本。",
     "Power rationing at peak times and volatile electricity prices may disrupt production "
     "plans and raise costs.", (3.4, 2.8)),
    # 15-17 production safety
    ("安全生产", NEG, POT, True, "O", "S", (G_EMPLOYEES,),
     "采矿、危险化学品（酸、氨）使用和高温熔炼作业中可能发生致人死亡或重伤的生产安全事故"
     "（涉及生命权与健康权）。",
     "Mining, the handling of hazardous chemicals (acids, ammonia) and high-temperature "
     "smelting may cause fatal or serious accidents (the rights to life and health).",
     (4.8, 2.6, 4.8, 2.4)),
    ("安全生产", NEG, ACT, True, "UO", "S", (G_EMPLOYEES, G_PARTNERS),
     "承包商在矿山剥离、设备检修等作业中发生工伤事故。",
     "Contractors' workers are injured in stripping and maintenance work.", (3.6, 2.4, 3.4)),
    ("安全生产", RISK, None, False, "O", "S", (G_SASAC, G_GOV),
     "发生重大安全事故后被责令停产整顿并处以罚款，影响产量和经营业绩。",
     "A major accident would bring an order to stop and rectify, fines, and lost output.",
     (3.8, 2.6)),
    # 18-19 employee physical and mental health
    ("员工身心健康", NEG, POT, True, "O", "M", (G_EMPLOYEES,),
     "一线员工长期接触粉尘和低剂量电离辐射，可能罹患尘肺病等职业病（涉及健康权）。",
     "Front-line workers' long exposure to dust and low-dose ionising radiation may cause "
     "pneumoconiosis and other occupational diseases (the right to health).",
     (4.0, 3.0, 4.2, 2.6)),
    ("员工身心健康", POS, ACT, False, "O", "S", (G_EMPLOYEES,),
     "为员工提供年度职业健康体检、心理健康辅导和疗休养。",
     "Annual occupational health checks, counselling and rest breaks for employees.",
     (2.6, 3.4)),
    # 20-21 employee rights
    ("员工权益", NEG, POT, True, "O", "M", (G_EMPLOYEES, G_COMMUNITY),
     "所属企业整合重组中关停落后产能，可能导致部分员工转岗或失业，影响其生计（涉及工作权）。",
     "Closing outdated capacity while subsidiaries are merged may move or cost some "
     "employees their jobs and livelihoods (the right to work).", (3.2, 2.8, 2.8, 2.8)),
    ("员工权益", POS, ACT, False, "O", "S", (G_EMPLOYEES, G_COMMUNITY),
     "在矿区所在地提供稳定就业岗位，依法足额支付薪酬并缴纳社会保险。",
     "Stable jobs in the mining regions, with wages and social insurance paid in full.",
     (3.2, 3.4)),
    # 22-23 employee development
    ("员工发展", POS, ACT, False, "O", "M", (G_EMPLOYEES,),
     "开展技能培训和职业资格认证，建立管理、技术、技能多序列职业发展通道。",
     "Skills training, certification and separate career paths for managers, engineers and "
     "skilled workers.", (3.0, 3.6)),
    ("员工发展", RISK, None, False, "O", "L", (G_SASAC, G_EMPLOYEES),
     "稀土冶金、材料等领域高技能人才短缺，制约新产线投产和技术升级。",
     "A shortage of skilled rare-earth metallurgists and materials engineers holds back new "
     "lines and upgrades.", (3.0, 3.6)),
    # 24-25 technological innovation
    ("科技创新", OPP, None, False, "OD", "L", (G_SASAC, G_CUSTOMERS, G_PARTNERS),
     "突破绿色冶炼分离和高端稀土功能材料关键技术，提升产品附加值和市场竞争力。",
     "Breakthroughs in clean separation and high-end rare-earth materials raise added value "
     "and competitiveness.", (4.2, 3.4)),
    ("科技创新", RISK, None, False, "D", "L", (G_SASAC, G_CUSTOMERS),
     "少重稀土、无稀土电机等替代技术的发展，可能减少下游对部分稀土产品的需求。",
     "Motors with less heavy rare earth, or none, may reduce downstream demand for some "
     "products.", (3.6, 2.4)),
    # 26 intellectual property
    ("知识产权保护", RISK, None, False, "OD", "M", (G_PARTNERS, G_CUSTOMERS),
     "产品和技术出口过程中遭遇海外专利诉讼或侵权纠纷。",
     "Patent suits or infringement disputes abroad as products and technology are exported.",
     (2.6, 2.4)),
    # 27-28 product quality
    ("产品质量", NEG, POT, False, "D", "S", (G_CUSTOMERS,),
     "磁材合金成分或性能偏差，可能导致客户零部件失效并造成损失。",
     "Deviations in the composition or performance of magnet alloys may cause customers' "
     "components to fail.", (2.8, 2.6, 2.2, 2.2)),
    ("产品质量", RISK, None, False, "D", "S", (G_CUSTOMERS, G_PARTNERS),
     "重大质量投诉导致失去关键客户订单。",
     "Serious quality complaints lose key customers' orders.", (3.2, 2.2)),
    # 29 customer rights
    ("客户权益", POS, ACT, False, "D", "S", (G_CUSTOMERS,),
     "提供技术服务和应用支持，帮助下游客户提高材料利用率。",
     "Technical service and application support help customers use materials more "
     "efficiently.", (2.4, 2.6)),
    # 30-31 customer information protection
    ("客户信息保护", NEG, POT, True, "OD", "M", (G_CUSTOMERS,),
     "信息系统遭受网络攻击，客户信息和交易数据可能泄露（涉及隐私权）。",
     "A cyber-attack on the company's systems could leak customers' information and "
     "transaction data (the right to privacy).", (3.0, 2.6, 3.0, 2.2)),
    ("客户信息保护", RISK, None, False, "O", "S", (G_SASAC, G_GOV),
     "违反《个人信息保护法》《数据安全法》被处以罚款。",
     "Fines under the Personal Information Protection Law and the Data Security Law.",
     (2.4, 2.0)),
    # 32-33 compliant operations
    ("合规运营", RISK, None, False, "OD", "S", (G_SASAC, G_GOV, G_CUSTOMERS),
     "稀土相关技术和产品出口管制要求趋严，违规可能导致出口受限和处罚。",
     "Tighter export controls on rare-earth technology and products: a breach may bring "
     "export restrictions and penalties.", (3.8, 3.0)),
    ("合规运营", NEG, POT, False, "U", "M", (G_ENVIRONMENT, G_COMMUNITY, G_GOV),
     "原料供应环节若混入非法开采的稀土矿产品，将助长私挖乱采和生态破坏。",
     "Illegally mined ore entering the supply would encourage illegal mining and its damage "
     "to ecosystems.", (3.8, 3.4, 3.6, 2.2)),
    # 34-36 responsible supply chain
    ("责任供应链", NEG, POT, True, "U", "M", (G_PARTNERS, G_COMMUNITY),
     "进口矿料来源地可能存在童工、强迫劳动和不安全作业等人权风险。",
     "Imported ore may come from places with child labour, forced labour or unsafe working "
     "conditions.", (4.4, 3.0, 4.0, 2.6)),
    ("责任供应链", RISK, None, False, "U", "S", (G_SASAC, G_PARTNERS, G_CUSTOMERS),
     "进口矿料供应因地缘政治或来源地管控中断，影响冶炼分离产线开工率。",
     "Geopolitics or controls at the source interrupt imported ore and idle separation lines.",
     (4.0, 3.2)),
    ("责任供应链", OPP, None, False, "UD", "L", (G_CUSTOMERS, G_PARTNERS),
     "建立稀土产品全流程追溯体系，满足国内外客户对负责任采购的要求。",
     "Tracing rare-earth products from mine to customer meets customers' responsible-sourcing "
     "requirements.", (2.8, 3.4)),
    # 37-38 serving national strategy
    ("服务国家战略", POS, ACT, False, "OD", "L", (G_SASAC, G_GOV, G_CUSTOMERS),
     "保障国家战略性矿产资源安全和产业链供应链稳定。",
     "Securing the supply of a strategic mineral and the stability of its industrial chain.",
     (4.4, 4.6)),
    ("服务国家战略", OPP, None, False, "O", "M", (G_SASAC,),
     "稀土产业整合持续推进，集中度提升增强定价能力和规模效益。",
     "Continuing consolidation of the rare-earth industry strengthens pricing power and "
     "economies of scale.", (4.0, 3.8)),
    # 39 rural revitalisation
    ("乡村振兴", POS, ACT, False, "UO", "M", (G_COMMUNITY, G_GOV),
     "在矿区周边开展就地采购、就业帮扶和产业帮扶，带动乡村振兴。",
     "Local procurement, jobs and business support around the mining areas for rural "
     "revitalisation.", (3.0, 2.8)),
    # 40 public welfare and charity
    ("公益慈善", POS, ACT, False, "O", "S", (G_COMMUNITY,),
     "开展捐资助学、志愿服务等公益活动。",
     "Donations to schools and volunteer work.", (2.2, 2.4)),
    # 41 corporate governance
    ("公司治理", RISK, None, False, "O", "M", (G_SASAC, G_MEDIA),
     "ESG评级下调导致融资成本上升、投资者关注度下降。",
     "A lower ESG rating would raise the cost of finance and lose investors' interest.",
     (2.6, 2.8)),
    # 42 strategic cooperation: a topic with only an opportunity
    ("战略合作", OPP, None, False, "D", "M", (G_PARTNERS, G_CUSTOMERS),
     "与下游整车企业和电机企业开展战略合作、共建合资项目，锁定长期订单。",
     "Strategic partnerships and joint ventures with carmakers and motor makers secure "
     "long-term orders.", (3.4, 3.6)),
)

#: Written-in disagreements: (register index, criterion) -> {assessor index: rating}.
DISAGREEMENTS = {
    (34, "likelihood"): {0: 1, 1: 1, 6: 4, 7: 4},  # imported ore: human-rights likelihood
    (25, "likelihood"): {2: 1, 3: 4},  # substitution of rare earths in motors
    (6, "scope"): {6: 5, 0: 3},  # how far a tailings dam failure would reach
}
#: "Cannot judge": (register index, criterion or None for every criterion, assessor index).
CANNOT_JUDGE = (
    (1, "magnitude", 6), (17, "magnitude", 7), (28, "magnitude", 6),
    (7, "irremediable", 0), (26, None, 7),
    (31, "likelihood", 5), (31, "likelihood", 6), (31, "likelihood", 7),
)


def add_demo_2025_double() -> tuple[int, int]:
    """Add the 2025 double-materiality assessment, its register and its assessors.

    Returns (assessments, submissions) added. Flush only: the caller commits.
    """
    assessment = db.session.scalar(db.select(Assessment).where(
        Assessment.reporting_year == DEMO_YEAR, Assessment.title == DEMO_TITLE))
    added = assessment is None
    if assessment is None:
        assessment = _new_assessment()
        if assessment is None:
            return 0, 0
    submissions = _add_register_and_ratings(assessment)
    if submissions:  # closed as staff close it: the configuration frozen, the act in the trail
        change_status(assessment, AssessmentStatus.CLOSED)
    return int(added), submissions


def _topics() -> list[Topic] | None:
    """The library's topics in seed order, biodiversity last; None when one is missing."""
    from .seed import seed_library  # the seed imports this module

    names = [entry["zh"] for entry in seed_library()["topics"]] + [BIODIVERSITY_ZH]
    by_name = {t.name_zh: t for t in db.session.scalars(
        db.select(Topic).where(Topic.name_zh.in_(names)))}
    if len(by_name) != len(names):
        return None
    return [by_name[name] for name in names]


def _new_assessment() -> Assessment | None:
    """The draft-free, open assessment with its topics, created as staff create one."""
    topics = _topics()
    if topics is None:
        return None
    assessment = Assessment(
        title=DEMO_TITLE, title_en=DEMO_TITLE_EN, reporting_year=DEMO_YEAR,
        status=AssessmentStatus.OPEN, method=Method.DOUBLE.value,
        method_version=DOUBLE_METHOD_VERSION, opens_on=OPENS_ON, closes_on=CLOSES_ON,
        intro_zh=DEMO_INTRO_ZH, intro_en=DEMO_INTRO_EN,
        privacy_zh=DEMO_PRIVACY_ZH, privacy_en=DEMO_PRIVACY_EN,
    )
    from .seed import start_assessment  # the seed imports this module

    start_assessment(assessment, topics)
    return assessment


def _stages(code: str) -> tuple[str, ...]:
    names = {"U": "upstream", "O": "own_operations", "D": "downstream"}
    return tuple(names[c] for c in code)


def _add_register_and_ratings(assessment: Assessment) -> int:
    """The register (when empty) and the eight assessors (when none answered yet)."""
    existing = db.session.scalar(db.select(func.count()).select_from(Submission).where(
        Submission.assessment_id == assessment.id))
    if existing or assessment.status == AssessmentStatus.CLOSED:
        return 0
    iros = list(db.session.scalars(db.select(Iro).where(Iro.assessment_id == assessment.id)
                                   .order_by(Iro.id)))
    if not iros:
        iros = _add_register(assessment)
    if len(iros) != len(REGISTER):  # staff changed the demo's register: leave it to them
        return 0
    survey = _stakeholder_survey(assessment, np.random.default_rng([DEMO_YEAR, 1]))
    links = _assessor_links(assessment)
    rng = np.random.default_rng(DEMO_YEAR)
    start = datetime(DEMO_YEAR, 11, 12, 9, 30, tzinfo=UTC)
    ratings: list[IroRating] = []
    for index, (rater_kind, locale) in enumerate(ASSESSORS):
        submitted = start + timedelta(hours=int(index * 19 + rng.integers(0, 6)),
                                      minutes=int(rng.integers(0, 60)))
        code = InvitationCode(link_id=links[rater_kind].id, used_at=submitted,
                              note=f"演示评估人 {index + 1} / demo assessor {index + 1}")
        db.session.add(code)
        db.session.flush()
        submission = Submission(
            uid=f"demo-{assessment.id}-assessor-{index}", assessment_id=assessment.id,
            link_id=links[rater_kind].id, kind=QuestionnaireKind.ASSESSOR.value,
            rater_kind=rater_kind.value, invitation_code_id=code.id, locale=locale,
            started_at=submitted - timedelta(minutes=int(35 + rng.integers(0, 25))),
            submitted_at=submitted)
        db.session.add(submission)
        db.session.flush()
        for iro, value, criterion in _assessor_ratings(iros, index, rng):
            ratings.append(IroRating(submission_id=submission.id, iro_id=iro.id,
                                     criterion=criterion, value=value))
    db.session.add_all(ratings)
    db.session.flush()
    return survey + len(ASSESSORS)


def _stakeholder_means(assessment: Assessment, rng: np.random.Generator) -> np.ndarray:
    """Each topic's mean stakeholder answer: higher where its impacts are graver."""
    graveness: dict[str, float] = {}
    for topic, kind, *_rest, targets in REGISTER:
        if kind in (NEG, POS):
            graveness[topic] = max(graveness.get(topic, 0.0), (targets[0] + targets[1]) / 2)
    return np.array([
        min(4.7, max(2.8, 2.4 + 0.5 * graveness[link.topic.name_zh]))
        if link.topic.name_zh in graveness else rng.uniform(3.0, 3.8)
        for link in assessment.topic_links])


def _stakeholder_survey(assessment: Assessment, rng: np.random.Generator) -> int:
    """Every group's link and its respondents' answers; returns the submissions added."""
    groups = ordered_groups()
    links = {link.group_id: link for link in db.session.scalars(
        db.select(SurveyLink).where(SurveyLink.assessment_id == assessment.id,
                                    SurveyLink.kind == QuestionnaireKind.STAKEHOLDER))}
    for group in groups:
        if group.id not in links:
            links[group.id] = SurveyLink(
                assessment_id=assessment.id, kind=QuestionnaireKind.STAKEHOLDER.value,
                group_id=group.id, requires_code=group.invitation_only,
                state=LinkState.ACTIVE.value)
            db.session.add(links[group.id])
    db.session.flush()
    topic_ids = [link.topic_id for link in assessment.topic_links]
    means = _stakeholder_means(assessment, rng)
    start = datetime(DEMO_YEAR, 11, 10, 9, 0, tzinfo=UTC)
    planned: list[tuple[Submission, np.ndarray]] = []
    for group in groups:
        bias = rng.normal(0.0, 0.2, size=len(topic_ids))
        for _i in range(STAKEHOLDERS_PER_GROUP):
            planned.append((_submission(assessment, links[group.id], start, len(planned), rng,
                                        group_id=group.id), means + bias))
    db.session.add_all([submission for submission, _means in planned])
    db.session.flush()  # one multi-row INSERT gives every submission its id
    rows: list[dict] = []
    for submission, answer_means in planned:
        rows += _ratings(submission.id, topic_ids, answer_means, rng)
    if rows:
        db.session.connection().execute(insert(Rating.__table__), rows)
    db.session.flush()
    return len(planned)


def _add_register(assessment: Assessment) -> list[Iro]:
    """The 43 IROs, saved as staff save them (each one an entry of the trail)."""
    topics = {link.topic.name_zh: link.topic_id for link in assessment.topic_links}
    groups = {g.name_zh: g.id for g in db.session.scalars(db.select(StakeholderGroup))}
    iros = []
    for (topic, kind, actuality, human_rights, stages, horizon, affected, zh, en,
         _targets) in REGISTER:
        iros.append(save_iro(assessment, None, IroValues(
            topic_id=topics[topic], kind=kind, actuality=actuality, human_rights=human_rights,
            value_chain=_stages(stages), time_horizon={"S": "short", "M": "medium",
                                                        "L": "long"}[horizon],
            description_zh=zh, description_en=en,
            group_ids=tuple(groups[name] for name in affected if name in groups))))
    return iros


def _assessor_links(assessment: Assessment) -> dict[RaterKind, SurveyLink]:
    """One assessor link per rater kind, opened by invitation codes only."""
    links = {RaterKind(link.rater_kind): link for link in db.session.scalars(
        db.select(SurveyLink).where(SurveyLink.assessment_id == assessment.id,
                                    SurveyLink.kind == QuestionnaireKind.ASSESSOR,
                                    SurveyLink.rater_kind.is_not(None)))}
    for kind in RaterKind:
        if kind not in links:
            links[kind] = SurveyLink(assessment_id=assessment.id,
                                     kind=QuestionnaireKind.ASSESSOR.value,
                                     rater_kind=kind.value, requires_code=True,
                                     state=LinkState.ACTIVE.value)
            db.session.add(links[kind])
    db.session.flush()
    return links


def _assessor_ratings(iros: list[Iro], assessor: int, rng: np.random.Generator):  # noqa: ANN202
    """One assessor's (IRO, rating or None, criterion) for every criterion asked.

    A random number is drawn for every criterion, answered or not, so the written-in
    answers never shift the others.
    """
    cannot = {(i, c) for i, c, a in CANNOT_JUDGE if a == assessor}
    for index, (iro, entry) in enumerate(zip(iros, REGISTER, strict=True)):
        targets = entry[-1]
        criteria = applicable_criteria(iro.kind, iro.actuality)
        for criterion, target in zip(criteria, targets, strict=True):
            low = math.floor(target)
            value = min(5, low + int(rng.random() < target - low))
            value = DISAGREEMENTS.get((index, criterion), {}).get(assessor, value)
            if (index, criterion) in cannot or (index, None) in cannot:
                yield iro, None, criterion
            else:
                yield iro, int(value), criterion
