"""The demo data: the model report's 23 topics, 8 groups, a 2023 assessment and a 2024 one,
and a 2025 double-materiality assessment.

The facts come from the model report (data/seed-library.json); categories and
GRI/ESRS references are this project's reading of each topic. Loading is
idempotent: what exists already (matched by name) is left as it is. The 2024
assessment (:mod:`.demo_2024`) repeats the process a year later, to compare years; the
2025 one (:mod:`.demo_2025_double`) assesses the same topics by double materiality.
"""
from __future__ import annotations

import json
from importlib.resources import files

from .admin.operations import record_creation
from .demo_2024 import add_demo_2024
from .demo_2025_double import add_demo_2025_double
from .demo_responses import add_demo_responses
from .extensions import db
from .frozen_configuration import freeze_group_weights
from .models import (
    Assessment,
    AssessmentStatus,
    AssessmentTopic,
    Category,
    GroupStatement,
    StakeholderGroup,
    StatementKind,
    ThresholdMode,
    Topic,
)
from .services.library.topic_templates import TemplateTopic, TopicTemplate
from .survey.intro import default_intro

CATEGORIES = (
    ("economic", "经济", "Economic"),
    ("environmental", "环境", "Environmental"),
    ("social", "社会", "Social"),
    ("governance", "治理", "Governance"),
)

#: zh name -> (category key, GRI, ESRS)
TOPIC_FACTS = {
    "知识产权保护": ("economic", None, "G1"),
    "公益慈善": ("social", "GRI 413", "S3"),
    "行业交流": ("economic", "GRI 2-28", "G1"),
    "员工权益": ("social", "GRI 402, 405, 406, 407", "S1"),
    "客户权益": ("social", "GRI 416, 417", "S4"),
    "科技创新": ("economic", None, None),
    "产品质量": ("economic", "GRI 416", "S4"),
    "安全生产": ("social", "GRI 403", "S1"),
    "党建引领": ("governance", None, None),
    "“双碳”行动": ("environmental", "GRI 305", "E1"),
    "“三废”管理": ("environmental", "GRI 303, 306", "E2, E3, E5"),
    "合规运营": ("governance", "GRI 2-27, 205, 206", "G1"),
    "公司治理": ("governance", "GRI 2-9 to 2-21", "ESRS 2 GOV-1"),
    "能源管理": ("environmental", "GRI 302", "E1"),
    "服务国家战略": ("economic", "GRI 203", None),
    "员工发展": ("social", "GRI 404", "S1"),
    "员工关爱": ("social", "GRI 401", "S1"),
    "乡村振兴": ("social", "GRI 203, 413", "S3"),
    "战略合作": ("economic", None, None),
    "风险治理": ("governance", "GRI 2-12, 2-13", "G1"),
    "责任供应链": ("economic", "GRI 204, 308, 414", "S2"),
    "员工身心健康": ("social", "GRI 403", "S1"),
    "客户信息保护": ("social", "GRI 418", "S4"),
}

DEMO_TITLE = "2023年度实质性议题评估"
#: The default wording (survey.intro): shown with the organisation's name once it is set.
DEMO_INTRO_ZH = default_intro("zh_CN")
DEMO_INTRO_EN = default_intro("en")
DEMO_PRIVACY_ZH = "本问卷匿名填写，答案仅以汇总形式用于报告编制。"
DEMO_PRIVACY_EN = "The survey is anonymous; answers are used only in aggregate for the report."


def model_report_template() -> TopicTemplate:
    """The model report's 23 topics (CASS-CSR 4.0) as a topic template."""
    return TopicTemplate(
        key="model_report", name_zh="示范报告的23个议题（CASS-CSR 4.0）",
        name_en="The model report's 23 topics (CASS-CSR 4.0)", source=seed_library()["source"],
        topics=tuple(TemplateTopic(
            name_zh=entry["zh"], name_en=entry["en"],
            category_key=TOPIC_FACTS.get(entry["zh"], ("social", None, None))[0],
            gri_codes=TOPIC_FACTS.get(entry["zh"], ("social", None, None))[1],
            esrs_codes=TOPIC_FACTS.get(entry["zh"], ("social", None, None))[2])
            for entry in seed_library()["topics"]))


def seed_library() -> dict:
    """The model report's facts as shipped with the package."""
    return json.loads(files("materiality").joinpath("data/seed-library.json").read_text("utf-8"))


def ensure_categories() -> dict[str, Category]:
    """The four standard categories, created when missing."""
    existing = {c.key: c for c in db.session.scalars(db.select(Category))}
    for position, (key, zh, en) in enumerate(CATEGORIES):
        if key not in existing:
            existing[key] = Category(key=key, name_zh=zh, name_en=en, position=position)
            db.session.add(existing[key])
    db.session.flush()
    return existing


def start_assessment(assessment: Assessment, topics: list[Topic]) -> None:
    """Add a new demo assessment with its topics in order, as staff create one: its group
    weights kept and its trail started."""
    for position, topic in enumerate(topics):
        assessment.topic_links.append(AssessmentTopic(topic=topic, position=position))
    db.session.add(assessment)
    db.session.flush()
    freeze_group_weights(assessment)
    record_creation(assessment)


def seed_demo() -> dict[str, int]:
    """Load the demo library, the 2023 assessment, the closed 2024 one and the closed 2025
    double-materiality one; return what was added."""
    data = seed_library()
    categories = ensure_categories()
    added = {"topics": 0, "groups": 0, "assessments": 0}

    topics_by_zh = {t.name_zh: t for t in db.session.scalars(db.select(Topic))}
    ordered_topics = []
    for entry in data["topics"]:
        topic = topics_by_zh.get(entry["zh"])
        if topic is None:
            category, gri, esrs = TOPIC_FACTS.get(entry["zh"], ("social", None, None))
            topic = Topic(name_zh=entry["zh"], name_en=entry["en"],
                          category=categories[category], gri_codes=gri, esrs_codes=esrs)
            db.session.add(topic)
            added["topics"] += 1
        ordered_topics.append(topic)

    groups_by_zh = {g.name_zh: g for g in db.session.scalars(db.select(StakeholderGroup))}
    for position, entry in enumerate(data["stakeholder_groups"]):
        if entry["zh"] in groups_by_zh:
            continue
        group = StakeholderGroup(name_zh=entry["zh"], name_en=entry["en"], position=position)
        db.session.add(group)
        db.session.flush()
        for kind, key in ((StatementKind.EXPECTATION, "expectations"),
                          (StatementKind.RESPONSE, "responses")):
            for index, (zh, en) in enumerate(entry[key]):
                db.session.add(GroupStatement(group_id=group.id, kind=kind, position=index,
                                              text_zh=zh, text_en=en))
        added["groups"] += 1
    db.session.flush()

    exists = db.session.scalar(db.select(Assessment).where(
        Assessment.reporting_year == 2023, Assessment.title == DEMO_TITLE))
    if exists is None:
        assessment = Assessment(
            title=DEMO_TITLE, reporting_year=2023, status=AssessmentStatus.OPEN,
            # The published 2023 report cut the tiers at the scale's midpoint; the demo
            # keeps that classification reproducible (its scores page warns about it).
            threshold_mode=ThresholdMode.MIDPOINT,
            intro_zh=DEMO_INTRO_ZH, intro_en=DEMO_INTRO_EN,
            privacy_zh=DEMO_PRIVACY_ZH, privacy_en=DEMO_PRIVACY_EN,
        )
        start_assessment(assessment, ordered_topics)
        added["assessments"] += 1
    db.session.flush()
    added["responses"] = add_demo_responses(exists or assessment)
    topics, assessments, responses = add_demo_2024(exists or assessment)
    added["topics"] += topics
    added["assessments"] += assessments
    added["responses"] += responses
    assessments, responses = add_demo_2025_double()
    added["assessments"] += assessments
    added["responses"] += responses
    return added
