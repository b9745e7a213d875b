"""CSR staff keep the topic library: list, search, edit, archive, import and export."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from materiality.extensions import db
from materiality.models import Topic


def sixty_topics_csv(bad_rows: dict[int, dict] | None = None) -> bytes:
    """A 60-topic library as a CSV with BOM, optionally with some rows spoiled."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["name_zh", "name_en", "description_zh", "category",
                                             "gri_codes"])
    writer.writeheader()
    categories = ["environmental", "社会", "Governance", "economic"]
    for index in range(60):
        row = {"name_zh": f"议题{index:02d}", "name_en": f"Topic {index:02d}",
               "description_zh": f"说明 {index}", "category": categories[index % 4],
               "gri_codes": f"GRI {300 + index}"}
        row.update((bad_rows or {}).get(index, {}))
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def upload(client, data: bytes, filename: str):
    return client.post("/admin/topics/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


#: The demo library: the model report's 23 topics and the one its 2024 assessment added.
DEMO_TOPICS = 24


def topic_count() -> int:
    return len(db.session.scalars(db.select(Topic)).all())


def test_the_demo_library_lists_in_both_languages(admin_client, demo_data):
    zh = admin_client.get("/admin/topics?lang=zh_CN").get_data(as_text=True)
    en = admin_client.get("/admin/topics?lang=en").get_data(as_text=True)
    assert "“双碳”行动" in zh and "客户信息保护" in zh
    assert "Customer information protection" in en
    assert f"{DEMO_TOPICS} topics" in en


def test_search_and_category_filter(admin_client, demo_data):
    page = admin_client.get("/admin/topics?lang=en&q=employee").get_data(as_text=True)
    assert "Employee care" in page and "Energy management" not in page
    environmental = db.session.scalar(db.text("SELECT id FROM category WHERE key='environmental'"))
    page = admin_client.get(f"/admin/topics?lang=en&category={environmental}").get_data(
        as_text=True)
    assert "Energy management" in page and "Employee care" not in page


def test_create_edit_archive_restore_a_topic(admin_client):
    social = db.session.scalar(db.text("SELECT id FROM category WHERE key='social'"))
    response = admin_client.post("/admin/topics/new", data={
        "name_zh": "生物多样性", "name_en": "", "category_id": social, "gri_codes": "GRI 304"})
    assert response.status_code == 302
    topic = db.session.scalar(db.select(Topic).where(Topic.name_zh == "生物多样性"))
    # The English page falls back to the Chinese name when there is no English one.
    assert "生物多样性" in admin_client.get("/admin/topics?lang=en").get_data(as_text=True)
    admin_client.post(f"/admin/topics/{topic.id}/edit", data={
        "name_zh": "生物多样性", "name_en": "Biodiversity", "category_id": social})
    admin_client.post(f"/admin/topics/{topic.id}/archive", data={"confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).archived
    assert "Biodiversity" not in admin_client.get("/admin/topics?lang=en").get_data(as_text=True)
    admin_client.post(f"/admin/topics/{topic.id}/restore", data={"confirmed": "yes"})
    db.session.expire_all()
    assert not db.session.get(Topic, topic.id).archived


def test_a_form_error_keeps_what_was_typed(admin_client):
    response = admin_client.post("/admin/topics/new?lang=en", data={
        "name_zh": "", "name_en": "", "description_zh": "保留这段说明", "category_id": 1})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "保留这段说明" in page
    assert "Give the name in Chinese or in English" in page


def test_a_duplicate_name_is_refused_next_to_the_field(admin_client, demo_data):
    response = admin_client.post("/admin/topics/new?lang=en", data={
        "name_zh": "公司治理", "category_id": 1})
    assert "A topic with this name exists already." in response.get_data(as_text=True)


def test_import_sixty_topics(admin_client):
    response = upload(admin_client, sixty_topics_csv(), "library.csv")
    assert response.status_code == 302
    assert topic_count() == 60
    topic = db.session.scalar(db.select(Topic).where(Topic.name_zh == "议题01"))
    assert topic.category.key == "social" and topic.gri_codes == "GRI 301"


def test_a_file_with_two_bad_rows_imports_nothing_and_names_them(admin_client):
    data = sixty_topics_csv({4: {"category": "nonsense"}, 9: {"name_zh": "", "name_en": ""}})
    response = upload(admin_client, data, "library.csv")
    page = admin_client.get("/admin/topics").get_data(as_text=True)  # flash consumed below
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert topic_count() == 0
    # Spreadsheet row numbers: the header is row 1, so the 5th topic is row 6.
    assert "<td>6</td>" in text and "<td>11</td>" in text
    assert "nonsense" in text
    assert "议题00" not in page


def test_import_updates_existing_topics_by_name(admin_client, demo_data):
    data = "name_zh,name_en,category\n公司治理,Corporate governance (updated),governance\n"
    upload(admin_client, data.encode("utf-8-sig"), "update.csv")
    topic = db.session.scalar(db.select(Topic).where(Topic.name_zh == "公司治理"))
    assert topic.name_en == "Corporate governance (updated)"
    assert topic_count() == DEMO_TOPICS


def test_a_file_that_is_not_a_table_says_so(admin_client):
    response = upload(admin_client, b"\x00\x01 not a workbook", "library.xlsx")
    assert response.status_code == 200
    assert topic_count() == 0
    assert 'class="error"' in response.get_data(as_text=True)


def test_export_csv_has_a_bom_and_imports_back(admin_client, demo_data):
    response = admin_client.get("/admin/topics/export.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == DEMO_TOPICS and rows[9]["name_zh"] == "“双碳”行动"
    upload(admin_client, response.data, "again.csv")
    assert topic_count() == DEMO_TOPICS


def test_export_xlsx_opens_in_openpyxl_and_imports_back(admin_client, demo_data):
    response = admin_client.get("/admin/topics/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "name_zh" and sheet.max_row == DEMO_TOPICS + 1
    assert upload(admin_client, response.data, "again.xlsx").status_code == 302
    assert topic_count() == DEMO_TOPICS


def test_html_in_a_topic_name_is_shown_as_text(admin_client):
    admin_client.post("/admin/topics/new", data={
        "name_zh": "<script>alert(1)</script>", "category_id": 1})
    page = admin_client.get("/admin/topics").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_add_a_category_and_use_it_in_an_import(admin_client):
    admin_client.post("/admin/categories", data={"key": "supply_chain", "name_zh": "供应链",
                                                 "name_en": "Supply chain"})
    data = "name_zh,category\n冲突矿产,供应链\n".encode("utf-8-sig")
    assert upload(admin_client, data, "x.csv").status_code == 302
    assert db.session.scalar(db.select(Topic)).category.key == "supply_chain"
