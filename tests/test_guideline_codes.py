"""Guideline article codes: each topic may name the articles of the exchanges' 2024
sustainability reporting guideline it serves, beside its CASS-CSR, GRI and ESRS codes."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from materiality.extensions import db
from materiality.models import Category, Topic
from materiality.services.library.topic_files import TOPIC_COLUMNS, read_topic_file
from materiality.services.library.topic_templates import load_templates

#: The guideline's own index table (附表 议题索引表), identical in the SSE, SZSE and BSE texts.
INDEX_TABLE = {
    "应对气候变化": "第21-28条", "污染物排放": "第30条", "废弃物处理": "第31条",
    "生态系统和生物多样性保护": "第32条", "环境合规管理": "第33条", "能源利用": "第35条",
    "水资源利用": "第36条", "循环经济": "第37条", "乡村振兴": "第39条", "社会贡献": "第40条",
    "创新驱动": "第42条", "科技伦理": "第43条", "供应链安全": "第45条",
    "平等对待中小企业": "第46条", "产品和服务安全与质量": "第47条",
    "数据安全与客户隐私保护": "第48条", "员工": "第50条", "尽职调查": "第52条",
    "利益相关方沟通": "第53条", "反商业贿赂及反贪污": "第55条", "反不正当竞争": "第56条",
}


def upload(client, data: bytes, filename: str):
    return client.post("/admin/topics/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def topic(name_zh: str) -> Topic:
    return db.session.scalar(db.select(Topic).where(Topic.name_zh == name_zh))


def test_the_exchanges_template_carries_every_article_of_the_index_table():
    template = load_templates()["exchanges_2024"]
    assert {t.name_zh: t.guideline_codes for t in template.topics} == INDEX_TABLE


def test_picking_the_exchanges_template_stores_the_articles(admin_client, demo_data):
    admin_client.post("/admin/topics/template", data={"template": "exchanges_2024"})
    assert topic("员工").guideline_codes == "第50条"
    page = admin_client.get("/admin/topics?q=%E5%91%98%E5%B7%A5&lang=en").get_data(as_text=True)
    assert "Exchanges’ guideline: 第50条" in page


def test_the_topic_form_shows_and_saves_the_articles(admin_client, demo_data):
    governance = db.session.scalar(db.select(Category).where(Category.key == "governance"))
    existing = topic("合规运营")
    form = admin_client.get(f"/admin/topics/{existing.id}/edit?lang=en").get_data(as_text=True)
    assert 'name="guideline_codes"' in form and "guideline articles" in form
    response = admin_client.post(f"/admin/topics/{existing.id}/edit", data={
        "name_zh": "合规运营", "name_en": existing.name_en, "category_id": governance.id,
        "gri_codes": existing.gri_codes or "", "esrs_codes": existing.esrs_codes or "",
        "guideline_codes": "第55条, 第56条"})
    assert response.status_code == 302
    db.session.expire_all()
    assert topic("合规运营").guideline_codes == "第55条, 第56条"


def test_a_too_long_article_list_is_refused_next_to_the_field(admin_client, demo_data):
    response = admin_client.post("/admin/topics/new?lang=en", data={
        "name_zh": "新议题", "category_id": 1, "guideline_codes": "第1条" * 70})
    assert response.status_code == 200
    assert topic("新议题") is None
    assert "第1条第1条" in response.get_data(as_text=True)  # what was typed is kept


def test_csv_export_and_import_round_trip_the_articles(admin_client, demo_data):
    admin_client.post("/admin/topics/template", data={"template": "exchanges_2024"})
    exported = admin_client.get("/admin/topics/export.csv").data
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert list(rows[0]) == list(TOPIC_COLUMNS)
    # The demo library holds 乡村振兴 already (the template leaves it as it is).
    expected = {name: code for name, code in INDEX_TABLE.items() if name != "乡村振兴"}
    assert {r["name_zh"]: r["guideline_codes"] for r in rows if r["guideline_codes"]} == expected
    # Clear them in the database, import the file: they come back from the file.
    for item in db.session.scalars(db.select(Topic)):
        item.guideline_codes = None
    db.session.commit()
    assert upload(admin_client, exported, "library.csv").status_code == 302
    db.session.expire_all()
    assert topic("应对气候变化").guideline_codes == "第21-28条"
    assert admin_client.get("/admin/topics/export.csv").data == exported


def test_xlsx_export_and_import_round_trip_the_articles(admin_client, demo_data):
    admin_client.post("/admin/topics/template", data={"template": "exchanges_2024"})
    exported = admin_client.get("/admin/topics/export.xlsx").data
    sheet = load_workbook(io.BytesIO(exported)).active
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "guideline_codes"
    frame = read_topic_file(exported, "library.xlsx")
    assert dict(zip(frame["name_zh"], frame["guideline_codes"], strict=True))["员工"] == "第50条"
    for item in db.session.scalars(db.select(Topic)):
        item.guideline_codes = None
    db.session.commit()
    assert upload(admin_client, exported, "library.xlsx").status_code == 302
    db.session.expire_all()
    assert topic("反不正当竞争").guideline_codes == "第56条"


def test_chinese_headings_and_row_errors_for_the_articles(admin_client, demo_data):
    data = ("议题,类别,指引条款\n新议题甲,social,第50条\n新议题乙,social," + "条" * 201 + "\n"
            ).encode("utf-8-sig")
    response = upload(admin_client, data, "topics.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and topic("新议题甲") is None  # all rows or none
    assert "<td>3</td>" in text and "guideline_codes" in text
    ok = "议题,类别,指引条款\n新议题甲,social,第50条\n".encode("utf-8-sig")
    assert upload(admin_client, ok, "topics.csv").status_code == 302
    assert topic("新议题甲").guideline_codes == "第50条"


def test_a_file_without_the_column_keeps_the_articles(admin_client, demo_data):
    admin_client.post("/admin/topics/template", data={"template": "exchanges_2024"})
    data = "name_zh,name_en,category\n员工,Employees (updated),social\n".encode("utf-8-sig")
    assert upload(admin_client, data, "old.csv").status_code == 302
    db.session.expire_all()
    assert topic("员工").name_en == "Employees (updated)"
    assert topic("员工").guideline_codes == "第50条"
