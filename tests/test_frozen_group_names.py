"""A closed assessment names its stakeholder groups (and the organisation, in its
methodology note) as it was closed with: staff renaming a group in the library, or the
organisation in its profile, afterwards never changes a published table, page, note,
export or bundle. Open assessments follow the library."""
from __future__ import annotations

import html
import io
import json
import zipfile

from closing_helpers import close, get, reopen
from openpyxl import load_workbook

from materiality.extensions import db
from materiality.frozen_configuration import shown_groups
from materiality.models import Assessment, StakeholderGroup
from materiality.organisation import set_names

OLD_ZH, OLD_EN = "客户", "Customers"
NEW_ZH, NEW_EN = "重点用户", "Key accounts"
ORG_OLD_ZH, ORG_OLD_EN = "示例集团", "Example Group"
ORG_NEW_ZH, ORG_NEW_EN = "更名集团", "Renamed Holdings"


def text(client, url: str) -> str:
    return get(client, url).decode("utf-8-sig")


def by_year(year: int) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == year))


def the_group() -> StakeholderGroup:
    return db.session.scalar(db.select(StakeholderGroup).where(
        StakeholderGroup.name_en.in_((OLD_EN, NEW_EN))))


def rename(client, group: StakeholderGroup, zh: str, en: str) -> None:
    """Edit the group in the library as staff do (its weight unchanged)."""
    response = client.post(f"/admin/groups/{group.id}", data={
        "name_zh": zh, "name_en": en, "weight": str(group.weight)})
    assert response.status_code == 302, response.get_data(True)
    db.session.expire_all()


def name_organisation(zh: str, en: str) -> None:
    set_names(zh, en)
    db.session.commit()


def scores_page(client, assessment: Assessment, lang: str) -> str:
    return html.unescape(text(client, f"/report/{assessment.id}/scores?lang={lang}"))


def headers(client, assessment: Assessment, locale: str) -> list[str]:
    """The topic table's column headers, from its XLSX."""
    sheet = load_workbook(io.BytesIO(get(
        client, f"/report/{assessment.id}/topics.xlsx?locale={locale}"))).active
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def docx_text(client, url: str) -> str:
    return zipfile.ZipFile(io.BytesIO(get(client, url))).read("word/document.xml").decode()


def test_a_closed_assessment_keeps_the_group_names_it_was_closed_with(admin_client,
                                                                      demo_data):
    assessment = by_year(2023)
    group = the_group()
    name_organisation(ORG_OLD_ZH, ORG_OLD_EN)
    close(admin_client, assessment)
    rename(admin_client, group, NEW_ZH, NEW_EN)
    name_organisation(ORG_NEW_ZH, ORG_NEW_EN)
    assert the_group().name_en == NEW_EN

    # The scores page (weights, breakdown), in both languages.
    for lang, old, new in (("en", OLD_EN, NEW_EN), ("zh_CN", OLD_ZH, NEW_ZH)):
        page = scores_page(admin_client, assessment, lang)
        assert old in page and new not in page, lang
    # The topic table's n-per-group headers: XLSX (both languages), CSV and DOCX.
    assert "n: Customers" in headers(admin_client, assessment, "en")
    assert "有效样本数：客户" in headers(admin_client, assessment, "zh_CN")
    for url in (f"/report/{assessment.id}/topics.csv?locale=en",
                f"/report/{assessment.id}/raw.csv?locale=en"):
        body = text(admin_client, url)
        assert OLD_EN in body and NEW_EN not in body, url
    table = docx_text(admin_client, f"/report/{assessment.id}/topics.docx?locale=en")
    assert OLD_EN in table and NEW_EN not in table
    # The methodology note: its groups and the organisation, in both languages.
    for locale, old, new, org_old, org_new in (
            ("en", OLD_EN, NEW_EN, ORG_OLD_EN, ORG_NEW_EN),
            ("zh_CN", OLD_ZH, NEW_ZH, ORG_OLD_ZH, ORG_NEW_ZH)):
        note = text(admin_client, f"/report/{assessment.id}/methodology.md?locale={locale}")
        assert old in note and new not in note, locale
        assert org_old in note and org_new not in note, locale
    note = docx_text(admin_client, f"/report/{assessment.id}/methodology.docx?locale=en")
    assert OLD_EN in note and NEW_EN not in note
    # The response table, kept at closing.
    responses = text(admin_client, f"/report/{assessment.id}/responses.csv?locale=en")
    assert OLD_EN in responses and NEW_EN not in responses
    # The bundle's groups, configuration and organisation.
    bundle = zipfile.ZipFile(io.BytesIO(get(admin_client, f"/report/{assessment.id}/bundle.zip")))
    groups = {g["id"]: g for g in json.loads(bundle.read("groups.json"))}
    assert (groups[group.id]["name_zh"], groups[group.id]["name_en"]) == (OLD_ZH, OLD_EN)
    kept = json.loads(bundle.read("configuration.json"))["group_weights"][str(group.id)]
    assert (kept["name_zh"], kept["name_en"]) == (OLD_ZH, OLD_EN)
    assert json.loads(bundle.read("organisation.json")) == {"name_zh": ORG_OLD_ZH,
                                                            "name_en": ORG_OLD_EN}
    # The 2024 assessment, closed when the demo was made, keeps the old name too.
    page = scores_page(admin_client, by_year(2024), "en")
    assert OLD_EN in page and NEW_EN not in page

    # Reopened, it follows the library again; its next closing keeps those names.
    reopen(admin_client, assessment)
    page = scores_page(admin_client, assessment, "en")
    assert NEW_EN in page and OLD_EN not in page
    note = text(admin_client, f"/report/{assessment.id}/methodology.md?locale=en")
    assert ORG_NEW_EN in note and ORG_OLD_EN not in note
    close(admin_client, assessment)
    rename(admin_client, the_group(), OLD_ZH, OLD_EN)
    name_organisation(ORG_OLD_ZH, ORG_OLD_EN)
    assert shown_groups(by_year(2023))[group.id].name("en") == NEW_EN
    assert "n: Key accounts" in headers(admin_client, assessment, "en")
    note = text(admin_client, f"/report/{assessment.id}/methodology.md?locale=en")
    assert ORG_NEW_EN in note and ORG_OLD_EN not in note


def test_an_open_assessment_shows_the_librarys_group_names(admin_client, demo_data):
    assessment = by_year(2023)
    assert assessment.status == "open"
    rename(admin_client, the_group(), NEW_ZH, NEW_EN)
    name_organisation(ORG_NEW_ZH, ORG_NEW_EN)
    page = scores_page(admin_client, assessment, "en")
    assert NEW_EN in page and OLD_EN not in page
    assert "n: Key accounts" in headers(admin_client, assessment, "en")
    note = text(admin_client, f"/report/{assessment.id}/methodology.md?locale=en")
    assert NEW_EN in note and ORG_NEW_EN in note


def test_a_closed_double_materiality_assessment_keeps_its_group_names(admin_client,
                                                                       demo_data):
    double = by_year(2025)
    group = the_group()
    assert double.status == "closed"
    rename(admin_client, group, NEW_ZH, NEW_EN)

    for url in (f"/report/{double.id}/double/methodology.md?locale=en",
                f"/admin/assessments/{double.id}/iros/export.csv?lang=en",
                f"/admin/assessments/{double.id}/iros?lang=en"):
        body = html.unescape(text(admin_client, url))
        assert OLD_EN in body and NEW_EN not in body, url
    note = text(admin_client, f"/report/{double.id}/double/methodology.md?locale=zh_CN")
    assert OLD_ZH in note and NEW_ZH not in note
