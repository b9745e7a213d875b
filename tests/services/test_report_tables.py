"""The report's tables open in their own applications' libraries and hold the right cells."""
from __future__ import annotations

import csv
import dataclasses
import io
import zipfile

import docx
import pytest
from openpyxl import load_workbook

from materiality.services.documents.tables import (
    ResponseTableRow,
    TopicScoreRow,
    response_table_csv,
    response_table_docx,
    response_table_html,
    response_table_xlsx,
    topic_table_csv,
    topic_table_docx,
    topic_table_html,
    topic_table_xlsx,
)

RESPONSE_HEADERS = {
    "zh_CN": ["利益相关方", "关注议题/期望", "沟通与回应方式"],
    "en": ["Stakeholder group", "Expectations", "Our responses"],
}

RESPONSE_ROWS = {
    "zh_CN": [
        ResponseTableRow("客户", ["产品质量保障", "客户权益维护", "日常运营沟通"],
                         ["提供优质产品与服务", "保障客户合法权益", "客户满意度调查"]),
        ResponseTableRow("媒体", ["接受媒体监督"], ["舆情监测", "信息公开透明提升"]),
    ],
    "en": [
        ResponseTableRow("Customers", ["Product quality assurance", "Customer rights protection",
                                       "Day-to-day operational communication"],
                         ["High-quality products and services", "Safeguard customers' rights",
                          "Customer satisfaction surveys"]),
        ResponseTableRow("Media", ["Accept media oversight"],
                         ["Monitor public opinion", "More open and transparent information"]),
    ],
}

GROUPS = {"zh_CN": ["客户", "员工"], "en": ["Customers", "Employees"]}


def topic_rows(locale: str) -> list[TopicScoreRow]:
    """Two scored topics (one with an overridden company score) and one without scores."""
    zh = locale == "zh_CN"
    customers, employees = GROUPS[locale]
    return [
        TopicScoreRow(
            rank=1,
            topic="安全生产" if zh else "Production safety",
            category="社会" if zh else "Social",
            company_score=4.6666666667,
            company_ci=(4.3333333, 4.9),
            stakeholder_score=4.125,
            stakeholder_ci=(3.875, 4.375),
            tier="highly_material",
            n_by_group={customers: 12, employees: 30},
            company_overridden=True,
        ),
        TopicScoreRow(
            rank=2,
            topic="“双碳”行动" if zh else '"Dual carbon" action',
            category="环境" if zh else "Environment",
            company_score=3.2,
            company_ci=(2.9, 3.5),
            stakeholder_score=2.75,
            stakeholder_ci=(2.5, 3.0),
            tier="to_watch",
            n_by_group={customers: 10, employees: 0},
        ),
        TopicScoreRow(
            rank=None,
            topic="行业交流" if zh else "Industry exchange",
            category="市场" if zh else "Market",
            company_score=None,
            company_ci=None,
            stakeholder_score=None,
            stakeholder_ci=None,
            tier=None,
            n_by_group={},
        ),
    ]


TOPIC_HEADERS = {
    "zh_CN": ["排序", "议题", "类别", "对企业发展的重要性", "95%置信区间（企业）",
              "对利益相关方的重要性", "95%置信区间（利益相关方）", "实质性等级",
              "有效样本数：客户", "有效样本数：员工"],
    "en": ["Rank", "Topic", "Category", "Importance to the company", "95% CI (company)",
           "Importance to stakeholders", "95% CI (stakeholders)", "Tier",
           "n: Customers", "n: Employees"],
}
TIERS = {"zh_CN": ("高度实质性", "需关注"), "en": ("Highly material", "To watch")}

LOCALES = pytest.mark.parametrize("locale", ["zh_CN", "en"])

DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8 Chinese"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def docx_cells(data: bytes) -> list[list[str]]:
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


# --------------------------------------------------------------------------- response table


@LOCALES
def test_response_table_xlsx_has_one_line_per_item(locale):
    rows = RESPONSE_ROWS[locale]
    ws = load_workbook(io.BytesIO(response_table_xlsx(rows, locale))).active

    assert [c.value for c in ws[1]] == RESPONSE_HEADERS[locale]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == rows[0].group
    assert ws["B2"].value == "\n".join(rows[0].expectations)
    assert ws["C3"].value == "\n".join(rows[1].responses)
    assert ws["B2"].alignment.wrap_text
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


@LOCALES
def test_response_table_csv_opens_with_bom_and_keeps_items_in_one_cell(locale):
    rows = RESPONSE_ROWS[locale]
    table = read_csv(response_table_csv(rows, locale))

    assert table[0] == RESPONSE_HEADERS[locale]
    assert table[1] == [rows[0].group, "\n".join(rows[0].expectations),
                        "\n".join(rows[0].responses)]
    assert len(table) == 3


@LOCALES
def test_response_table_docx_has_one_paragraph_per_item(locale):
    rows = RESPONSE_ROWS[locale]
    data = response_table_docx(rows, locale)
    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]

    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == RESPONSE_HEADERS[locale]
    header_runs = [r for c in table.rows[0].cells for p in c.paragraphs for r in p.runs]
    assert header_runs and all(r.bold for r in header_runs)
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader"), "header repeats on every page"
    assert [p.text for p in table.rows[1].cells[1].paragraphs] == list(rows[0].expectations)
    assert [p.text for p in table.rows[2].cells[2].paragraphs] == list(rows[1].responses)


def test_docx_names_a_cjk_font_for_east_asian_text():
    data = response_table_docx(RESPONSE_ROWS["zh_CN"], "zh_CN")
    document = docx.Document(io.BytesIO(data))
    rfonts = document.styles["Normal"].element.rPr.rFonts
    east_asia = rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asia == "Microsoft YaHei"
    assert document.styles["Normal"].font.name == "Calibri"
    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert "Microsoft YaHei" in font_table and "SimSun" in font_table


@LOCALES
def test_response_table_html_is_a_table_of_escaped_text(locale):
    rows = [*RESPONSE_ROWS[locale],
            ResponseTableRow("<script>alert(1)</script>", ["a & b"], ['"quoted"'])]
    fragment = response_table_html(rows, locale)

    assert fragment.startswith("<table")
    for header in RESPONSE_HEADERS[locale]:
        assert f">{header}</th>" in fragment
    assert "<br>".join(rows[0].expectations) in fragment
    assert "<script>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment
    assert "a &amp; b" in fragment and "&quot;quoted&quot;" in fragment


# --------------------------------------------------------------------------- topic table


@LOCALES
def test_topic_table_xlsx_keeps_scores_as_numbers(locale):
    data = topic_table_xlsx(topic_rows(locale), locale, GROUPS[locale])
    ws = load_workbook(io.BytesIO(data)).active
    high, watch = TIERS[locale]

    assert [c.value for c in ws[1]][:10] == TOPIC_HEADERS[locale]
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])
    first = [c.value for c in ws[2]]
    assert first[:3] == [1, *[r for r in (topic_rows(locale)[0].topic,
                                          topic_rows(locale)[0].category)]]
    assert first[3] == pytest.approx(4.6666666667)
    assert ws["D2"].number_format == "0.00"
    assert first[4] == "[4.33, 4.90]"
    assert first[5] == pytest.approx(4.125)
    assert first[7] == high
    assert first[8:10] == [12, 30]
    assert [c.value for c in ws[3]][7] == watch
    empty = [c.value for c in ws[4]]
    assert empty[0] is None and empty[3] is None and empty[7] is None


@LOCALES
def test_topic_table_csv_writes_full_precision(locale):
    table = read_csv(topic_table_csv(topic_rows(locale), locale, GROUPS[locale]))
    high, _ = TIERS[locale]

    assert table[0][:10] == TOPIC_HEADERS[locale]
    first = table[1]
    assert first[0] == "1"
    assert first[1] == topic_rows(locale)[0].topic
    assert float(first[3]) == 4.6666666667
    assert first[4] == "[4.3333333, 4.9]"
    assert float(first[5]) == 4.125
    assert first[7] == high
    assert first[8:10] == ["12", "30"]
    assert table[3][0] == "" and table[3][3] == ""
    # The override is part of the data, in the last column.
    assert table[1][-1] != table[2][-1]


@LOCALES
def test_topic_table_docx_shows_two_decimals_and_marks_overrides(locale):
    data = topic_table_docx(topic_rows(locale), locale, GROUPS[locale])
    cells = docx_cells(data)
    high, watch = TIERS[locale]

    assert cells[0][:10] == TOPIC_HEADERS[locale]
    assert cells[1][:8] == ["1", topic_rows(locale)[0].topic, topic_rows(locale)[0].category,
                            "4.67*", "[4.33, 4.90]", "4.13", "[3.88, 4.38]", high]
    assert cells[1][8:10] == ["12", "30"]
    assert cells[2][3] == "3.20" and cells[2][7] == watch
    assert cells[3][0] == "—" and cells[3][3] == "—"
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0].page_width > document.sections[0].page_height, "landscape"
    assert any(p.text.startswith("*") for p in document.paragraphs), "override note"


@LOCALES
def test_topic_table_html_escapes_topic_names(locale):
    rows = [*topic_rows(locale),
            TopicScoreRow(4, "<script>alert(1)</script>", "<b>cat</b>", 2.0, None, 2.5, None,
                          "material", {})]
    fragment = topic_table_html(rows, locale, GROUPS[locale])

    for header in TOPIC_HEADERS[locale]:
        assert f">{header}</th>" in fragment
    assert "<script>" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment
    assert ">4.67*</td>" in fragment and ">[3.88, 4.38]</td>" in fragment
    assert "<tfoot>" in fragment


def test_tier_labels_are_translated():
    rows = [TopicScoreRow(i, f"t{i}", "c", 3.0, None, 3.0, None, tier, {})
            for i, tier in enumerate(["highly_material", "material", "to_watch"], start=1)]
    zh = topic_table_html(rows, "zh_CN", [])
    en = topic_table_html(rows, "en", [])
    for label in ("高度实质性", "实质性", "需关注"):
        assert f">{label}</td>" in zh
    for label in ("Highly material", "Material", "To watch"):
        assert f">{label}</td>" in en


# --------------------------------------------------------------------------- formula injection


def test_csv_prefixes_formula_like_text_with_an_apostrophe():
    rows = [ResponseTableRow(text, [text], [text]) for text in DANGEROUS]
    table = read_csv(response_table_csv(rows, "en"))
    for text, line in zip(DANGEROUS, table[1:], strict=True):
        assert line == ["'" + text] * 3

    topic = [TopicScoreRow(1, DANGEROUS[0], DANGEROUS[3], 3.0, None, 3.0, None, None, {})]
    line = read_csv(topic_table_csv(topic, "en", []))[1]
    assert line[1] == "'" + DANGEROUS[0] and line[2] == "'" + DANGEROUS[3]
    assert line[3] == "3.0", "numbers are not text and get no apostrophe"


def test_xlsx_stores_formula_like_text_as_text():
    rows = [ResponseTableRow(text, [text], [text]) for text in DANGEROUS]
    ws = load_workbook(io.BytesIO(response_table_xlsx(rows, "en"))).active
    for r, text in enumerate(DANGEROUS, start=2):
        cell = ws.cell(row=r, column=1)
        assert cell.data_type == "s" and cell.value == text
        assert cell.quotePrefix

    topic = [TopicScoreRow(1, DANGEROUS[0], "c", 3.0, None, 3.0, None, None, {})]
    ws = load_workbook(io.BytesIO(topic_table_xlsx(topic, "en", []))).active
    assert ws["B2"].data_type == "s" and ws["B2"].value == DANGEROUS[0]
    sheet_xml = zipfile.ZipFile(io.BytesIO(topic_table_xlsx(topic, "en", []))).read(
        "xl/worksheets/sheet1.xml"
    )
    assert b"<f>" not in sheet_xml, "no formula is written"


def test_any_chinese_locale_gives_chinese_headers():
    for locale in ("zh", "zh-CN", "zh_Hans_CN"):
        assert read_csv(response_table_csv([], locale))[0] == RESPONSE_HEADERS["zh_CN"]


def robust_rows(locale: str) -> list[TopicScoreRow]:
    """The rows above with a "don't know" share, probabilities and a tier that changes."""
    first, second, third = topic_rows(locale)
    first = dataclasses.replace(first, dont_know_share=0.0625, p_material=1.0, p_same_tier=0.9)
    second = dataclasses.replace(
        second, dont_know_share=0.125, p_material=0.2345, p_same_tier=0.5775,
        tier_changes=[("without Customers" if locale == "en" else "去掉客户", "material")],
        unanswered=[GROUPS[locale][1]])
    return [first, second, third]


ROBUST_HEADERS = {
    "zh_CN": ["“不了解”占比（利益相关方）", "判为实质性的概率", "等级不变的概率",
              "等级随权重变化", "无有效评分的加权群体"],
    "en": ["Don't know (stakeholders)", "Probability material", "Probability same tier",
           "Tier under other weights", "Weighted groups without a numeric rating"],
}


@LOCALES
def test_topic_table_shows_dont_know_shares_and_robustness(locale):
    rows = robust_rows(locale)
    material = "Material" if locale == "en" else "实质性"
    change = ("without Customers: Material" if locale == "en" else "去掉客户：实质性")

    cells = docx_cells(topic_table_docx(rows, locale, GROUPS[locale]))
    assert cells[0][10:] == ROBUST_HEADERS[locale]
    assert cells[1][10:] == ["6.3%", "100.0%", "90.0%", "—", "—"]  # 6.25 half up
    assert cells[2][10:] == ["12.5%", "23.5%", "57.8%", change, GROUPS[locale][1]]
    assert cells[3][10:13] == ["—", "—", "—"]

    table = read_csv(topic_table_csv(rows, locale, GROUPS[locale]))
    assert table[0][10:15] == ROBUST_HEADERS[locale]
    assert [float(v) for v in table[2][10:13]] == [0.125, 0.2345, 0.5775]
    assert table[2][13] == change

    ws = load_workbook(io.BytesIO(topic_table_xlsx(rows, locale, GROUPS[locale]))).active
    assert ws["K2"].value == 0.0625 and ws["K2"].number_format == "0.0%"
    assert ws["M3"].value == 0.5775 and ws["N3"].value == change

    fragment = topic_table_html(rows, locale, GROUPS[locale])
    assert '<tr class="tier-to_watch tier-uncertain">' in fragment
    assert '<tr class="tier-highly_material">' in fragment  # 90% is certain enough
    assert material in fragment
