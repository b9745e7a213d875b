"""Year over year on the demo: 2024 (closed, copied from 2023) against 2023, through the web."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from materiality.demo_2024 import DROPPED_TOPIC_ZH, NEW_TOPIC
from materiality.extensions import db
from materiality.models import Assessment, Rating, StakeholderGroup, Submission, Topic
from materiality.services.scoring.classic import RATER_KINDS


@pytest.fixture
def years(demo_data) -> tuple[Assessment, Assessment]:
    """The demo's 2023 and 2024 assessments."""
    by_year = {a.reporting_year: a for a in db.session.scalars(db.select(Assessment))}
    return by_year[2023], by_year[2024]


def get(client, url: str):
    response = client.get(url)
    response.close()
    return response


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_demo_holds_a_closed_2024_copied_from_2023(years, runner):
    old, new = years
    assert new.status == "closed" and new.copied_from_id == old.id and old.status == "open"
    dropped = db.session.scalar(db.select(Topic).where(Topic.name_zh == DROPPED_TOPIC_ZH))
    added = db.session.scalar(db.select(Topic).where(Topic.name_zh == NEW_TOPIC[0]))
    assert added.name_en == "Biodiversity protection" and added.category.key == "environmental"
    assert dropped in old.topics and dropped not in new.topics
    assert added in new.topics and added not in old.topics and len(new.topics) == 23
    kinds = db.session.execute(
        db.select(Submission.group_id, Submission.rater_kind, db.func.count())
        .where(Submission.assessment_id == new.id)
        .group_by(Submission.group_id, Submission.rater_kind)).all()
    groups = db.session.scalars(db.select(StakeholderGroup.id)).all()
    assert {g for g, _k, n in kinds if g and n == 40} == set(groups)
    assert {k for _g, k, n in kinds if k and n == 5} == set(RATER_KINDS)

    before = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in
              (Topic, Assessment, Submission, Rating)]
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "0 responses added" in result.output
    assert [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in
            (Topic, Assessment, Submission, Rating)] == before


def recomputed(assessment: Assessment) -> pd.DataFrame:
    """Both scores of every topic from the stored ratings (equal weights), and the ranks."""
    rows = db.session.execute(
        db.select(Submission.kind, Submission.group_id, Submission.rater_kind,
                  Rating.topic_id, Rating.score)
        .join(Rating, Rating.submission_id == Submission.id)
        .where(Submission.assessment_id == assessment.id, Submission.deleted_at.is_(None),
               Rating.score.is_not(None))).all()
    frame = pd.DataFrame(rows, columns=["kind", "group", "rater", "topic", "score"])
    stake = (frame[frame.kind == "stakeholder"].groupby(["topic", "group"]).score.mean()
             .groupby("topic").mean())
    company = (frame[frame.kind == "company"].groupby(["topic", "rater"]).score.mean()
               .groupby("topic").mean())
    result = pd.DataFrame({"company": company, "stakeholder": stake})
    for axis in ("company", "stakeholder"):
        result[f"{axis}_rank"] = result[axis].round(9).rank(method="min", ascending=False)
    return result


def test_the_change_table_shows_new_dropped_and_recomputed_scores_and_ranks(
        editor_client, years):
    old, new = years
    response = get(editor_client, f"/report/{new.id}/changes.csv?locale=en")
    assert response.status_code == 200
    assert f"changes-from-2023-{old.id}-en.csv" in response.headers["Content-Disposition"]
    rows = {row["Topic"]: row for row in csv_rows(response)}
    assert rows["Biodiversity protection"]["Change"] == "New topic"
    assert rows["Biodiversity protection"]["Importance to the company, 2023"] == ""
    assert rows["Industry exchange"]["Change"] == "Not assessed any more"
    assert rows["Industry exchange"]["Importance to the company, 2024"] == ""
    assert rows["Public welfare and charity"]["Change"] == "Left the material set"

    expected_old, expected_new = recomputed(old), recomputed(new)
    topic = db.session.scalar(db.select(Topic).where(Topic.name_en == '"Dual carbon" action'))
    row = rows[topic.name_en]
    for year, expected in (("2023", expected_old), ("2024", expected_new)):
        assert float(row[f"Importance to the company, {year}"]) == pytest.approx(
            expected.loc[topic.id, "company"])
        assert float(row[f"Importance to stakeholders, {year}"]) == pytest.approx(
            expected.loc[topic.id, "stakeholder"])
        assert int(row[f"Rank (company), {year}"]) == expected.loc[topic.id, "company_rank"]
        assert int(row[f"Rank (stakeholders), {year}"]) == expected.loc[
            topic.id, "stakeholder_rank"]
    assert float(row["Importance to the company, change"]) == pytest.approx(
        expected_new.loc[topic.id, "company"] - expected_old.loc[topic.id, "company"])


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_change_table_downloads_in_every_format(editor_client, years, locale):
    old, new = years
    base = f"/report/{new.id}/changes"
    query = f"?baseline={old.id}&locale={locale}"
    new_topic = NEW_TOPIC[0] if locale == "zh_CN" else NEW_TOPIC[1]
    caption = ("实质性议题评估变化：2024对比2023" if locale == "zh_CN"
               else "Changes in the materiality assessment: 2024 versus 2023")

    rows = csv_rows(get(editor_client, f"{base}.csv{query}"))
    assert len(rows) == 24 and any(new_topic in r.values() for r in rows)
    sheet = load_workbook(io.BytesIO(get(editor_client, f"{base}.xlsx{query}").data)).active
    assert sheet.max_row == 25 and new_topic in [c.value for c in sheet["A"]]
    doc = Document(io.BytesIO(get(editor_client, f"{base}.docx{query}").data))
    assert doc.paragraphs[0].text == caption and len(doc.tables[0].rows) == 25
    page = get(editor_client, f"{base}.html{query}")
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert caption in text and new_topic in text
    assert ('lang="zh-CN"' if locale == "zh_CN" else 'lang="en"') in text


def test_the_arrow_matrix_has_an_arrow_for_each_moved_shared_topic(editor_client, years):
    old, new = years
    response = get(editor_client, f"/report/{new.id}/matrix.svg?compare={old.id}&axes=fixed")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    arrows = {int(k) for k in re.findall(r'id="arrow-(\d+)"', response.get_data(as_text=True))}
    before, after = recomputed(old), recomputed(new)
    shared = before.index.intersection(after.index)
    moved = {int(t) for t in shared
             if max(abs(after.loc[t, "company"] - before.loc[t, "company"]),
                    abs(after.loc[t, "stakeholder"] - before.loc[t, "stakeholder"])) >= 0.1}
    assert len(moved) >= 5
    assert moved <= arrows <= {int(t) for t in shared}
    plain = get(editor_client, f"/report/{new.id}/matrix.svg").get_data(as_text=True)
    assert "arrow-" not in plain

    for fmt, kind in (("png", "image/png"), ("pdf", "application/pdf")):
        union = get(editor_client,
                    f"/report/{new.id}/matrix.{fmt}?compare={old.id}&axes=union&locale=en")
        assert union.status_code == 200 and union.mimetype == kind
    assert get(editor_client, f"/report/{new.id}/matrix.svg?compare=999").status_code == 404


def test_the_matrix_page_offers_the_comparison(editor_client, years):
    old, new = years
    page = get(editor_client, f"/report/{new.id}/matrix?compare={old.id}&axes=union&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<option selected value="{old.id}">' in text
    assert f"compare={old.id}" in text and "axes=union" in text  # previews and downloads
    assert get(editor_client, f"/report/{old.id}/matrix").status_code == 200


def test_an_editor_downloads_the_change_table_and_the_arrow_matrix(editor_client, years):
    """The issue's "done when": 2024 versus 2023, from the page's own links."""
    old, new = years
    page = get(editor_client, f"/report/{new.id}/changes?lang=en").get_data(as_text=True)
    assert "What changed since 2023" in page
    assert "Biodiversity protection" in page and "Industry exchange" in page
    links = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', page)]
    table = next(h for h in links if "/changes.xlsx" in h and "locale=en" in h)
    assert f"baseline={old.id}" in table  # the default: the assessment it was copied from
    workbook = load_workbook(io.BytesIO(get(editor_client, table).data))
    assert workbook.active.title == "Changes"
    matrix = next(h for h in links if "/matrix.svg" in h)
    svg = get(editor_client, matrix)
    assert svg.status_code == 200 and 'id="arrow-' in svg.get_data(as_text=True)
    assert "attachment" in svg.headers["Content-Disposition"]


def test_a_baseline_without_shared_topics_is_refused_clearly(editor_client, years):
    old, new = years
    lonely = Assessment(title="Empty", reporting_year=2022)
    db.session.add(lonely)
    db.session.commit()
    page = get(editor_client, f"/report/{new.id}/changes?baseline={lonely.id}&lang=en")
    assert page.status_code == 400
    assert "shares no topic with this one" in page.get_data(as_text=True)
    assert get(editor_client,
               f"/report/{new.id}/changes.csv?baseline={lonely.id}").status_code == 404
    alone = get(editor_client, f"/report/{lonely.id}/changes?lang=en").get_data(as_text=True)
    assert "nothing to compare with" in alone
    # 2023 has no earlier year: it offers 2024 but picks nothing by itself.
    first = get(editor_client, f"/report/{old.id}/changes?lang=en").get_data(as_text=True)
    assert "Choose the assessment to compare with." in first
    backwards = get(editor_client, f"/report/{old.id}/changes?baseline={new.id}&lang=zh_CN")
    assert backwards.status_code == 200 and "本期未评估" in backwards.get_data(as_text=True)
