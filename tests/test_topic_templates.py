"""Topic templates: the shipped lists, and starting the library from one."""
from __future__ import annotations

import pytest

from materiality.extensions import db
from materiality.models import Category, Topic
from materiality.seed import CATEGORIES
from materiality.services.library.topic_templates import TopicTemplate, load_templates, missing_topics

EXCHANGE_TOPICS = [
    "应对气候变化", "污染物排放", "废弃物处理", "生态系统和生物多样性保护", "环境合规管理",
    "能源利用", "水资源利用", "循环经济", "乡村振兴", "社会贡献", "创新驱动", "科技伦理",
    "供应链安全", "平等对待中小企业", "产品和服务安全与质量", "数据安全与客户隐私保护", "员工",
    "尽职调查", "利益相关方沟通", "反商业贿赂及反贪污", "反不正当竞争",
]


def test_the_shipped_templates_are_complete_and_consistent():
    templates = load_templates()
    assert [t.name_zh for t in templates["exchanges_2024"].topics] == EXCHANGE_TOPICS
    gri = templates["gri_topic_standards"].topics
    assert [t.gri_codes for t in gri][0] == "GRI 201" and gri[-1].gri_codes == "GRI 418"
    assert len(gri) == 31
    esrs = {t.esrs_codes for t in templates["esrs_ar16"].topics}
    assert esrs == {"E1", "E2", "E3", "E4", "E5", "S1", "S2", "S3", "S4", "G1"}
    keys = {key for key, _zh, _en in CATEGORIES}
    for template in templates.values():
        assert template.source and template.name_zh and template.name_en
        for topic in template.topics:
            assert topic.category_key in keys
            assert topic.name_zh.strip() and topic.name_en.strip()
            assert len(topic.name_zh) <= 200 and len(topic.name_en) <= 200
    names = [name for t in templates.values() for topic in t.topics
             for name in (topic.name_zh.casefold(), topic.name_en.casefold())]
    assert len(names) == len(set(names))


def test_missing_topics_ignore_case_spaces_and_either_language():
    template = load_templates()["gri_topic_standards"]
    missing = missing_topics(template, [" energy ", "税务", None])
    names = {t.name_en for t in missing}
    assert "Energy" not in names and "Tax" not in names and "Waste" in names
    assert len(missing) == 29
    assert missing_topics(TopicTemplate("x", "x", "x", "x", ()), []) == []


def test_starting_from_a_template_adds_only_topics_not_yet_there(admin_client, demo_data):
    page = admin_client.get("/admin/topics?lang=en").get_data(as_text=True)
    assert "Start from a template" in page and "GRI Topic Standards" in page
    before = db.session.scalar(db.select(db.func.count()).select_from(Topic))
    response = admin_client.post("/admin/topics/template?lang=en",
                                 data={"template": "exchanges_2024"}, follow_redirects=True)
    # The model report already has 乡村振兴 (rural revitalisation).
    assert "20 topics added" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == before + 20
    topic = db.session.scalar(db.select(Topic).filter_by(name_zh="平等对待中小企业"))
    assert topic.name_en == "Equal treatment of small and medium-sized enterprises"
    assert topic.category.key == "social" and topic.gri_codes == "GRI 204"
    again = admin_client.post("/admin/topics/template?lang=en",
                              data={"template": "exchanges_2024"}, follow_redirects=True)
    assert "Every topic of this template is in the library already." in again.get_data(
        as_text=True)


def test_a_template_on_an_empty_library_creates_its_categories(admin_client):
    response = admin_client.post("/admin/topics/template", data={"template": "esrs_ar16"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 37
    assert {c.key for c in db.session.scalars(db.select(Category))} >= {
        "environmental", "social", "governance"}


@pytest.mark.parametrize("template", ["", "nope"])
def test_an_unknown_template_is_refused(admin_client, demo_data, template):
    before = db.session.scalar(db.select(db.func.count()).select_from(Topic))
    response = admin_client.post("/admin/topics/template", data={"template": template},
                                 follow_redirects=True)
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == before
