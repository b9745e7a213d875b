"""A closed assessment names its topics as it was closed with: staff renaming a topic, or
moving it to another category, in the library afterwards never changes a published
report, matrix, table, note, comparison or bundle. Open assessments follow the library."""
from __future__ import annotations

import html
import io
import json
import zipfile

import pytest
from closing_helpers import close, get, reopen
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook

from materiality.admin.operations import change_status
from materiality.extensions import db
from materiality.frozen_configuration import shown_topics
from materiality.models import Assessment, AssessmentStatus, AssessmentTopic, Category, Topic
from materiality.report.data import matrix_points, report_data
from materiality.report.double_data import double_report_data
from materiality.report.double_data import matrix_points as double_matrix_points
from materiality.trail import Action, entries, record, verify

OLD_ZH, OLD_EN = "产品质量", "Product quality"
NEW_ZH, NEW_EN = "产品与服务品质", "Quality of products and services"


def by_year(year: int) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == year))


def the_topic() -> Topic:
    return db.session.scalar(db.select(Topic).where(Topic.name_en.in_((OLD_EN, NEW_EN))))


def rename_and_recategorise(client, topic: Topic, zh: str, en: str) -> Category:
    """Edit the topic in the library as staff do: new names, another category."""
    other = db.session.scalar(db.select(Category).where(Category.id != topic.category_id)
                              .order_by(Category.id))
    response = client.post(f"/admin/topics/{topic.id}/edit", data={
        "name_zh": zh, "name_en": en, "description_zh": "新的说明",
        "description_en": "A new description", "category_id": str(other.id)})
    assert response.status_code == 302, response.get_data(True)
    db.session.expire_all()
    return other


def scores_page(client, assessment: Assessment, lang: str) -> str:
    return get(client, f"/report/{assessment.id}/scores?lang={lang}").decode()


def topic_row(client, assessment: Assessment, locale: str) -> tuple:
    """The topic's (name, category) in the topic table's XLSX."""
    sheet = load_workbook(io.BytesIO(get(
        client, f"/report/{assessment.id}/topics.xlsx?locale={locale}"))).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=2)]
    names = {OLD_ZH, OLD_EN, NEW_ZH, NEW_EN}
    return next(row[1:3] for row in rows if row[1] in names)


def test_a_closed_assessment_keeps_the_names_it_was_closed_with(admin_client, demo_data):
    assessment = by_year(2023)
    topic = the_topic()
    old_category = topic.category
    close(admin_client, assessment)

    new_category = rename_and_recategorise(admin_client, topic, NEW_ZH, NEW_EN)
    assert the_topic().name_en == NEW_EN and the_topic().category_id == new_category.id

    # The report's scores page, in both languages.
    for lang, old, new in (("en", OLD_EN, NEW_EN), ("zh_CN", OLD_ZH, NEW_ZH)):
        page = scores_page(admin_client, assessment, lang)
        assert html.escape(old) in page and html.escape(new) not in page, lang
    # The matrix: its labels and its colours (the category's key) and legend.
    for locale, old in (("en", OLD_EN), ("zh_CN", OLD_ZH)):
        point = next(p for p in matrix_points(report_data(assessment, locale))
                     if p.key == topic.id)
        assert point.label == old
        assert (point.category, point.category_label) == (old_category.key,
                                                          old_category.name(locale))
    editor = get(admin_client, f"/report/{assessment.id}/matrix?locale=en").decode()
    assert OLD_EN in editor and NEW_EN not in editor
    # The topic table's office file, the methodology note and the raw ratings.
    assert topic_row(admin_client, assessment, "en") == (OLD_EN, old_category.name_en)
    assert topic_row(admin_client, assessment, "zh_CN") == (OLD_ZH, old_category.name_zh)
    raw = get(admin_client, f"/report/{assessment.id}/raw.csv?locale=en").decode("utf-8-sig")
    assert OLD_EN in raw and NEW_EN not in raw
    # The bundle names the topics (and their category) as published.
    bundle = zipfile.ZipFile(io.BytesIO(get(admin_client, f"/report/{assessment.id}/bundle.zip")))
    topics = json.loads(bundle.read("topics.json"))
    kept = next(t for t in topics["topics"] if t["id"] == topic.id)
    assert (kept["name_zh"], kept["name_en"], kept["category"]) == (OLD_ZH, OLD_EN,
                                                                   old_category.key)
    assert kept["description_en"] != "A new description"
    assert {"key": old_category.key, "name_en": old_category.name_en} in [
        {"key": c["key"], "name_en": c["name_en"]} for c in topics["categories"]]
    # Year over year: the closed 2024 assessment against the closed 2023 one.
    changes = get(admin_client, f"/report/{by_year(2024).id}/changes.csv"
                                f"?baseline={assessment.id}&locale=en").decode("utf-8-sig")
    assert OLD_EN in changes and NEW_EN not in changes

    # Reopened, it follows the library again; its next closing keeps those names.
    reopen(admin_client, assessment)
    page = scores_page(admin_client, assessment, "en")
    assert html.escape(NEW_EN) in page and html.escape(OLD_EN) not in page
    close(admin_client, assessment)
    rename_and_recategorise(admin_client, the_topic(), OLD_ZH, OLD_EN)
    assert shown_topics(by_year(2023))[topic.id].name("en") == NEW_EN
    assert topic_row(admin_client, assessment, "en") == (NEW_EN, new_category.name_en)


def test_an_open_assessment_shows_the_librarys_names(admin_client, demo_data):
    assessment = by_year(2023)
    assert assessment.status == "open"
    topic = the_topic()
    new_category = rename_and_recategorise(admin_client, topic, NEW_ZH, NEW_EN)
    page = scores_page(admin_client, assessment, "en")
    assert html.escape(NEW_EN) in page and html.escape(OLD_EN) not in page
    assert topic_row(admin_client, assessment, "en") == (NEW_EN, new_category.name_en)
    detail = get(admin_client, f"/admin/assessments/{assessment.id}?lang=en").decode()
    assert NEW_EN in detail
    # The closed 2024 assessment, on the same library topic, keeps the old name.
    assert shown_topics(by_year(2024))[topic.id].name("en") == OLD_EN
    detail = get(admin_client, f"/admin/assessments/{by_year(2024).id}?lang=en").decode()
    assert OLD_EN in detail and NEW_EN not in detail


def test_a_closed_double_materiality_assessment_keeps_its_topic_names(admin_client,
                                                                       demo_data):
    double = by_year(2025)
    topic = the_topic()
    assert double.status == "closed" and topic.id in shown_topics(double)
    rename_and_recategorise(admin_client, topic, NEW_ZH, NEW_EN)

    page = get(admin_client, f"/report/{double.id}/double/scores?lang=en").decode()
    assert html.escape(OLD_EN) in page and html.escape(NEW_EN) not in page
    data = double_report_data(double, "en")
    assert next(p.label for p in double_matrix_points(data) if p.key == topic.id) == OLD_EN
    for url in (f"/report/{double.id}/double/iros.csv?locale=en",
                f"/report/{double.id}/double/assessor-ratings.csv?locale=en",
                f"/report/{double.id}/double/methodology.md?locale=en",
                f"/admin/assessments/{double.id}/iros/export.csv?lang=en"):
        text = get(admin_client, url).decode("utf-8-sig")
        assert OLD_EN in text and NEW_EN not in text, url


def test_the_topic_form_says_closed_assessments_keep_their_names(admin_client, demo_data):
    topic = the_topic()
    closed = [a for a in db.session.scalars(db.select(Assessment))
              if a.status == "closed" and topic.id in shown_topics(a)]
    assert len(closed) == 2  # 2024 and 2025
    page = get(admin_client, f"/admin/topics/{topic.id}/edit?lang=en").decode()
    assert "2 closed assessments ask this topic: they keep the name" in page
    page = get(admin_client, f"/admin/topics/{topic.id}/edit?lang=zh_CN").decode()
    assert "2个已关闭的评估使用此议题" in page

    unasked = Topic(name_zh="未用议题", name_en="Unused topic", category_id=topic.category_id)
    db.session.add(unasked)
    db.session.commit()
    page = get(admin_client, f"/admin/topics/{unasked.id}/edit?lang=en").decode()
    assert "closed assessment" not in page


@pytest.fixture
def closed_before_topics_were_kept(app):
    """A library topic in two assessments: one closed as closings were recorded before
    they kept topics, one closed before the trail existed; and an open one."""
    category = db.session.scalar(db.select(Category).order_by(Category.id))
    topic = Topic(name_zh=OLD_ZH, name_en=OLD_EN, category=category)
    made = []
    for title, status in (("old closing", "closed"), ("no trail", "closed"), ("open", "open")):
        assessment = Assessment(title=title, reporting_year=2022, status=status)
        assessment.topic_links.append(AssessmentTopic(topic=topic, position=0))
        db.session.add(assessment)
        made.append(assessment)
    db.session.flush()
    record(made[0], Action.ASSESSMENT_CREATED, after={"status": "draft"})
    record(made[0], Action.ASSESSMENT_CLOSED, after={"status": "closed"})
    db.session.commit()
    return topic, made


def test_the_migration_keeps_the_names_of_assessments_closed_before(
        closed_before_topics_were_kept):
    topic, (old_closing, no_trail, still_open) = closed_before_topics_were_kept
    ids, topic_id = [a.id for a in (old_closing, no_trail, still_open)], topic.id
    db.session.remove()
    downgrade(revision="0008")
    upgrade()
    downgrade(revision="0008")  # nothing undone (the trail keeps its entries), none added:
    upgrade()
    topic = db.session.get(Topic, topic_id)
    topic.name_en = NEW_EN
    db.session.commit()

    old_closing, no_trail, still_open = (db.session.get(Assessment, i) for i in ids)
    for closed in (old_closing, no_trail):
        kept = [e for e in entries(closed.id) if e.action == Action.TOPICS_KEPT]
        assert len(kept) == 1 and kept[0].reason.startswith("kept on upgrade")
        assert shown_topics(closed)[topic.id].name("en") == OLD_EN
    assert not [e for e in entries(still_open.id) if e.action == Action.TOPICS_KEPT]
    assert shown_topics(still_open)[topic.id].name("en") == NEW_EN
    assert verify().broken is None

    # Reopened and closed again, the new closing keeps what the library says then.
    change_status(old_closing, AssessmentStatus.OPEN, reason="late answers")
    change_status(old_closing, AssessmentStatus.CLOSED)
    db.session.commit()
    assert shown_topics(old_closing)[topic.id].name("en") == NEW_EN
