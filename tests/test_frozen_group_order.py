"""A closed assessment keeps its stakeholder groups' order and which groups it had: staff
reordering, adding, archiving or renaming groups in the library afterwards moves no
column of a published table, page, note or export. Reopened, it follows the library."""
from __future__ import annotations

import io
import json
import zipfile

from closing_helpers import close, get, reopen
from openpyxl import load_workbook

from materiality.extensions import db
from materiality.frozen_configuration import (
    frozen_configuration,
    listed_group_ids,
    relevant_groups,
)
from materiality.models import Assessment, StakeholderGroup, Submission, ordered_groups
from materiality.trail import Action, record

#: The closed assessment's outputs that name or count its groups.
OUTPUTS = ("topics.html?locale=en", "topics.html?locale=zh_CN", "topics.csv?locale=en",
           "topics.csv?locale=zh_CN", "raw.csv?locale=en", "methodology.md?locale=en",
           "methodology.md?locale=zh_CN", "methodology.html?locale=en",
           "responses.csv?locale=en")


def by_year(year: int) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == year))


def cells(content: bytes) -> list[list]:
    """An XLSX's values, row by row (the file's bytes carry its making time)."""
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def docx_text(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()


def published(client, assessment: Assessment) -> dict:  # noqa: ANN001
    """Everything the tests compare, as the app serves it now."""
    base = f"/report/{assessment.id}"
    seen = {name: get(client, f"{base}/{name}") for name in OUTPUTS}
    for locale in ("en", "zh_CN"):
        seen[f"topics.xlsx?locale={locale}"] = cells(
            get(client, f"{base}/topics.xlsx?locale={locale}"))
        seen[f"topics.docx?locale={locale}"] = docx_text(
            get(client, f"{base}/topics.docx?locale={locale}"))
        seen[f"scores?lang={locale}"] = tables(client, f"{base}/scores?lang={locale}")
    seen["methodology.docx"] = docx_text(get(client, f"{base}/methodology.docx?locale=en"))
    seen["open answers"] = open_answer_headings(client, assessment)
    seen["weights"] = weights_rows(client, assessment)
    bundle = zipfile.ZipFile(io.BytesIO(get(client, f"{base}/bundle.zip")))
    configuration = json.loads(bundle.read("configuration.json"))
    seen["bundle configuration"] = {k: configuration[k]
                                    for k in ("group_weights", "group_order")}
    return seen


def tables(client, url: str) -> str:  # noqa: ANN001
    """A page from its first table to its last (its forms carry a token of the second)."""
    page = get(client, url).decode()
    return page[page.index("<table"):page.rindex("</table>")]


def open_answer_headings(client, assessment: Assessment) -> list[str]:  # noqa: ANN001
    page = get(client, f"/report/{assessment.id}/responses?lang=en").decode()
    section = page[page.index("Open answers from the survey"):]
    return [h.split("<span")[0].strip() for h in section.split("<h3>")[1:]]


def weights_rows(client, assessment: Assessment) -> list[str]:  # noqa: ANN001
    page = get(client, f"/admin/assessments/{assessment.id}/weights?lang=en").decode()
    return [row.split("</label>")[0] for row in page.split('<label for="weight_')[1:]]


def add_group(client, zh: str, en: str) -> StakeholderGroup:  # noqa: ANN001
    assert client.post("/admin/groups/new", data={
        "name_zh": zh, "name_en": en, "weight": "1"}).status_code == 302
    return db.session.scalar(db.select(StakeholderGroup).where(StakeholderGroup.name_en == en))


def change_the_library(client, assessment: Assessment) -> None:  # noqa: ANN001
    """Reorder, add, archive and rename groups as staff do, after the closing."""
    groups = ordered_groups()
    answered = set(db.session.scalars(db.select(Submission.group_id).where(
        Submission.assessment_id == assessment.id)))
    assert groups[0].id in answered and groups[-1].id not in answered
    assert client.post(f"/admin/groups/{groups[-2].id}/move/up").status_code == 302
    assert client.post(f"/admin/groups/{groups[1].id}/move/up").status_code == 302
    add_group(client, "新增群体", "Added after closing")
    # A group with answers (its column moves to the end) and one without (its column goes).
    for group in (groups[0], groups[-1]):
        assert client.post(f"/admin/groups/{group.id}/archive",
                           data={"confirmed": "yes"}).status_code == 302
    renamed = groups[2]
    assert client.post(f"/admin/groups/{renamed.id}", data={
        "name_zh": "改名群体", "name_en": "Renamed after closing",
        "weight": str(renamed.weight)}).status_code == 302
    db.session.expire_all()


def test_a_closed_assessment_keeps_its_groups_order_and_columns(admin_client, demo_data):
    assessment = by_year(2023)
    add_group(admin_client, "无人作答", "Nobody answered")  # a column with n = 0
    close(admin_client, assessment)
    before = published(admin_client, assessment)
    columns = listed_group_ids(assessment)
    assert len(columns) >= 3

    change_the_library(admin_client, assessment)
    assert [g.id for g in ordered_groups()] != columns  # the library did move
    after = published(admin_client, assessment)
    for name, value in before.items():
        assert after[name] == value, name
    assert listed_group_ids(assessment) == columns

    # Reopened, it shows the library's groups again: the new group has a column, the
    # order is today's.
    reopen(admin_client, assessment)
    live = [g.id for g in ordered_groups()]
    assert listed_group_ids(assessment) == live
    headers = cells(get(admin_client, f"/report/{assessment.id}/topics.xlsx?locale=en"))[0]
    assert "n: Added after closing" in headers
    assert "n: Renamed after closing" in headers
    # Its next closing keeps the groups as they are then.
    close(admin_client, assessment)
    assert listed_group_ids(assessment) == live
    assert [g.id for g in relevant_groups(assessment)][:1] != columns[:1]


def test_the_group_page_says_closed_assessments_keep_the_group(admin_client, demo_data):
    group = ordered_groups()[0]
    closed = db.session.scalar(db.select(db.func.count()).select_from(Assessment).where(
        Assessment.status == "closed"))
    assert closed
    for lang, words in (("en", "{} closed assessments have this group"),
                        ("zh_CN", "{}个已关闭的评估包含此群体")):
        page = get(admin_client, f"/admin/groups/{group.id}?lang={lang}").decode()
        assert words.format(closed) in page, lang
    close(admin_client, by_year(2023))
    page = get(admin_client, f"/admin/groups/{group.id}?lang=en").decode()
    assert f"{closed + 1} closed assessments have this group" in page
    # A group added since has no closed assessment to keep it.
    assert admin_client.post("/admin/groups/new", data={
        "name_zh": "新增群体", "name_en": "Added later", "weight": "1"}).status_code == 302
    added = db.session.scalars(db.select(StakeholderGroup).where(
        StakeholderGroup.name_en == "Added later")).one()
    assert "closed assessment" not in get(admin_client, f"/admin/groups/{added.id}?lang=en").decode()
    # Nor once its weight is edited (which keeps the old weight in every assessment).
    assert admin_client.post(f"/admin/groups/{added.id}", data={
        "name_zh": "新增群体", "name_en": "Added later", "weight": "2"}).status_code == 302
    assert "closed assessment" not in get(admin_client, f"/admin/groups/{added.id}?lang=en").decode()


def test_an_assessment_closed_before_closings_kept_the_order_follows_the_library(
        admin_client, demo_data):
    """Its closing's configuration has no group order: its columns are today's groups."""
    assessment = by_year(2023)
    assessment.status = "closed"
    configuration = frozen_configuration(assessment)
    del configuration["group_order"]
    record(assessment, Action.ASSESSMENT_CLOSED,
           after={"status": "closed", "configuration": configuration})
    db.session.commit()
    groups = ordered_groups()
    assert admin_client.post(f"/admin/groups/{groups[-1].id}/move/up").status_code == 302
    db.session.expire_all()
    assert listed_group_ids(assessment) == [g.id for g in ordered_groups()]
    assert [g.id for g in relevant_groups(assessment)] == [
        g.id for g in ordered_groups(include_archived=True)]


def test_a_closed_double_materiality_assessment_keeps_its_groups_order(admin_client,
                                                                       demo_data):
    double = by_year(2025)
    assert double.status == "closed"
    urls = (f"/admin/assessments/{double.id}/iros/export.csv?lang=en",
            f"/report/{double.id}/double/methodology.md?locale=en")
    before = [get(admin_client, url) for url in urls]
    register = f"/admin/assessments/{double.id}/iros?lang=en"
    page = tables(admin_client, register)
    for group in ordered_groups()[1:]:
        assert admin_client.post(f"/admin/groups/{group.id}/move/up").status_code == 302
    db.session.expire_all()
    assert [get(admin_client, url) for url in urls] == before
    assert tables(admin_client, register) == page
