"""Year over year: the change of every topic between two scored assessments, and its files."""
from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from materiality.services.documents.change_table import (
    ChangeTableRow,
    change_table_csv,
    change_table_docx,
    change_table_html,
    change_table_xlsx,
    format_change,
)
from materiality.services.scoring.comparison import axis_ranks, compare


def topics(rows: dict[int, tuple]) -> pd.DataFrame:
    """A scoring topic table: topic id -> (company, stakeholders, tier, rank)."""
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=["company_score", "stakeholder_score", "tier", "rank"])
    frame.index.name = "topic_id"
    return frame


BASELINE = topics({
    1: (4.5, 4.0, "highly_material", 1),
    2: (3.5, 3.5, "highly_material", 3),
    3: (2.5, 3.2, "material", 4),
    4: (2.0, 2.0, "to_watch", 5),
    5: (4.0, 4.2, "highly_material", 2),  # dropped
})
CURRENT = topics({
    1: (4.5, 4.4, "highly_material", 1),
    2: (2.8, 2.9, "to_watch", 5),  # left the material set
    3: (3.5, 3.2, "highly_material", 3),  # tier changed, stays material
    4: (3.2, 2.5, "material", 4),  # entered the material set
    6: (4.0, 4.0, "highly_material", 2),  # new
})


def test_every_topic_is_shared_new_or_dropped_in_the_current_ranking_order():
    result = compare(BASELINE, CURRENT)
    assert [c.topic_id for c in result.changes] == [1, 6, 3, 4, 2, 5]
    assert result.topics("new") == [6] and result.topics("dropped") == [5]
    assert result.topics("shared") == [1, 3, 4, 2]
    assert result.material_changes("entered") == [4]
    assert result.material_changes("left") == [2]
    by_id = {c.topic_id: c for c in result.changes}
    assert by_id[3].tier_changed and by_id[3].material_change is None
    assert not by_id[1].tier_changed
    assert by_id[6].baseline is None and by_id[6].material_change is None
    assert by_id[5].current is None and by_id[5].company_change is None


def test_score_changes_and_ranks_on_each_axis():
    by_id = {c.topic_id: c for c in compare(BASELINE, CURRENT).changes}
    assert by_id[2].company_change == pytest.approx(-0.7)
    assert by_id[1].stakeholder_change == pytest.approx(0.4)
    # Current company scores 4.5, 2.8, 3.5, 3.2, 4.0 -> ranks 1, 5, 3, 4, 2.
    assert [by_id[t].current.company_rank for t in (1, 2, 3, 4, 6)] == [1, 5, 3, 4, 2]
    # Baseline stakeholder scores 4.0, 3.5, 3.2, 2.0, 4.2 -> 2, 3, 4, 5, 1.
    assert [by_id[t].baseline.stakeholder_rank for t in (1, 2, 3, 4, 5)] == [2, 3, 4, 5, 1]
    assert by_id[3].baseline.rank == 4 and by_id[3].current.rank == 3


def test_equal_scores_share_the_better_rank_and_missing_scores_have_none():
    ranks = axis_ranks(pd.Series([3.0, 4.0, 4.0 + 1e-12, math.nan, 2.0], index=[1, 2, 3, 4, 5]))
    assert ranks.tolist()[:3] == [3, 1, 1] and pd.isna(ranks.loc[4]) and ranks.loc[5] == 4


def test_previous_positions_are_the_shared_topics_baseline_points():
    positions = compare(BASELINE, CURRENT).previous_positions()
    assert positions == {1: (4.5, 4.0), 3: (2.5, 3.2), 4: (2.0, 2.0), 2: (3.5, 3.5)}


def test_assessments_without_a_shared_topic_cannot_be_compared():
    with pytest.raises(ValueError, match="share no topic"):
        compare(BASELINE.loc[[5]], CURRENT.loc[[6]])


ROWS = [
    ChangeTableRow("=HYPERLINK(\"x\")", "Governance", "shared", "left", True, (3.5, 2.8),
                   (3.5, 2.9), (3, 5), (3, 5), (3, 5), ("highly_material", "to_watch")),
    ChangeTableRow("Biodiversity <b>", "Environmental", "new", None, False, (None, 3.8),
                   (None, 3.85), (None, 4), (None, 2), (None, 2), (None, "highly_material")),
    ChangeTableRow("Industry exchange", "Economic", "dropped", None, False, (3.83, None),
                   (3.38, None), (12, None), (20, None), (17, None), ("highly_material", None)),
]


def test_change_table_csv_keeps_numbers_and_says_what_changed_in_both_languages():
    for locale, header, change in (("en", "Importance to the company, 2023", "Left the material set"),
                                   ("zh_CN", "对企业发展的重要性（2023）", "退出实质性议题")):
        text = change_table_csv(ROWS, locale, "2023", "2024").decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert header in rows[0] and len(rows[0]) == 17
        assert rows[1][0].startswith("'=")  # guarded against formulas
        assert rows[1][2] == change
        assert float(rows[1][5]) == pytest.approx(-0.7)
        assert rows[2][3] == "" and rows[3][4] == ""


def test_change_table_xlsx_docx_and_html():
    sheet = load_workbook(io.BytesIO(change_table_xlsx(ROWS, "en", "2023", "2024"))).active
    assert sheet.cell(2, 6).value == pytest.approx(-0.7)
    assert sheet.cell(2, 6).number_format == "+0.00;-0.00;0.00"
    assert sheet.cell(3, 3).value == "New topic"
    doc = Document(io.BytesIO(change_table_docx(ROWS, "zh_CN", "2023", "2024")))
    assert doc.paragraphs[0].text == "实质性议题评估变化：2024对比2023"
    cells = [c.text for c in doc.tables[0].rows[1].cells]
    assert cells[2] == "退出实质性议题" and cells[5] == "\u22120.70"
    page = change_table_html(ROWS, "en", "2023", "2024")
    assert "Biodiversity &lt;b&gt;" in page and 'class="change-new"' in page
    assert 'class="change-dropped"' in page and "<caption>" in page


def test_changes_are_signed_and_rounded_half_up():
    assert [format_change(v) for v in (0.125, -0.125, 0.004, -0.004, None)] == [
        "+0.13", "\u22120.13", "0.00", "0.00", "—"]
