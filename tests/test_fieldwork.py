"""Staff's fieldwork: links, codes, QR codes and posters, responses, deletion, feedback."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from survey_helpers import fill, link_for, make_links

from materiality.extensions import db
from materiality.models import InvitationCode, ResponseTarget, Submission, SurveyLink

pytestmark = pytest.mark.usefixtures("demo_data")


def decode(png: bytes) -> str:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text


def test_admin_creates_every_missing_link_once(admin_client):
    assessment = make_links()
    before = db.session.scalar(db.select(db.func.count()).select_from(SurveyLink))
    response = admin_client.post(f"/fieldwork/assessments/{assessment.id}/links/create")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyLink)) == before
    links = db.session.scalars(db.select(SurveyLink).filter_by(assessment_id=assessment.id)).all()
    # 8 groups + general + 3 rater kinds + general company + feedback
    assert len(links) == 14
    assert all(len(link.token) >= 22 for link in links)  # ≥ 128 bits
    page = admin_client.get(f"/fieldwork/assessments/{assessment.id}/links?lang=en")
    assert "General link" in page.get_data(as_text=True)


def test_qr_codes_encode_the_absolute_public_address(app, editor_client):
    link = link_for(make_links(), group_id=1)
    png = editor_client.get(f"/fieldwork/links/{link.id}/qr.png")
    assert png.mimetype == "image/png"
    assert decode(png.data) == f"http://localhost/s/{link.token}"
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.cn"
    assert decode(editor_client.get(f"/fieldwork/links/{link.id}/qr.png").data) == \
        f"https://survey.example.cn/s/{link.token}"
    svg = editor_client.get(f"/fieldwork/links/{link.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    poster = editor_client.get(f"/fieldwork/links/{link.id}/poster?lang=en").get_data(as_text=True)
    assert f"https://survey.example.cn/s/{link.token}" in poster
    assert link.group.name("en") in poster and "Fieldwork test" in poster


def test_codes_are_generated_downloaded_and_printed(admin_client):
    link = link_for(make_links(), kind="company", rater_kind="management")
    response = admin_client.post(f"/fieldwork/links/{link.id}/codes",
                                 data={"count": "5", "note": "Board <b>"})
    assert response.status_code == 302
    codes = db.session.scalars(db.select(InvitationCode).filter_by(link_id=link.id)).all()
    assert len(codes) == 5 and len({c.code for c in codes}) == 5
    rows = list(csv.DictReader(io.StringIO(
        admin_client.get(f"/fieldwork/links/{link.id}/codes.csv").get_data(as_text=True)
        .lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == [c.code for c in codes]
    assert rows[0]["url"] == f"http://localhost/i/{codes[0].code}"
    sheet = admin_client.get(f"/fieldwork/links/{link.id}/codes/sheet").get_data(as_text=True)
    assert sheet.count("data:image/svg+xml") == 5
    listing = admin_client.get(f"/fieldwork/links/{link.id}/codes").get_data(as_text=True)
    assert "Board &lt;b&gt;" in listing
    png = admin_client.get(f"/fieldwork/codes/{codes[0].id}/qr.png").data
    assert decode(png) == f"http://localhost/i/{codes[0].code}"
    assert fill(admin_client, f"/i/{codes[0].code}")[1].status_code == 303
    db.session.expire_all()  # the survey stored on its own connection; this session is the test's
    rows = list(csv.DictReader(io.StringIO(
        admin_client.get(f"/fieldwork/links/{link.id}/codes.csv").get_data(as_text=True)
        .lstrip("\ufeff"))))
    assert rows[0]["used_at"].endswith("+00:00") and rows[1]["used_at"] == ""  # UTC, said so


def test_links_can_be_paused_closed_and_given_a_closing_date(admin_client, client):
    link = link_for(make_links(), group_id=1)
    admin_client.post(f"/fieldwork/links/{link.id}/state/paused", data={"confirmed": "yes"})
    db.session.refresh(link)
    assert link.state == "paused"
    admin_client.post(f"/fieldwork/links/{link.id}/state/active", data={"confirmed": "yes"})
    admin_client.post(f"/fieldwork/links/{link.id}/closing", data={"closes_at": "2020-01-01T08:00"})
    db.session.refresh(link)
    assert link.closes_at is not None and link.state == "active"
    assert "closed" in admin_client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)


def test_a_closing_time_is_entered_and_shown_in_the_organisations_time_zone(admin_client):
    link = link_for(make_links(), group_id=1)
    # Staff in Beijing (the default zone, Asia/Shanghai) close the link at 17:00 local time.
    admin_client.post(f"/fieldwork/links/{link.id}/closing", data={"closes_at": "2099-12-15T17:00"})
    db.session.refresh(link)
    assert link.closes_at.replace(tzinfo=UTC) == datetime(2099, 12, 15, 9, 0, tzinfo=UTC)
    links_page = admin_client.get(f"/fieldwork/assessments/{link.assessment_id}/links?lang=en") \
        .get_data(as_text=True)
    assert 'value="2099-12-15T17:00"' in links_page and "Closes at (UTC+08:00)" in links_page
    poster = admin_client.get(f"/fieldwork/links/{link.id}/poster?lang=en").get_data(as_text=True)
    assert "Open until 2099-12-15 17:00 (UTC+08:00)" in poster


def test_editors_read_results_but_cannot_change_links(editor_client):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    assert editor_client.get(f"/fieldwork/assessments/{assessment.id}/responses").status_code == 200
    assert editor_client.get(f"/fieldwork/assessments/{assessment.id}/feedback").status_code == 200
    assert editor_client.post(f"/fieldwork/links/{link.id}/state/closed",
                              data={"confirmed": "yes"}).status_code == 403
    assert editor_client.get(f"/fieldwork/links/{link.id}/codes").status_code == 403


def test_dashboard_counts_targets_days_and_soft_delete(admin_client):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    for _ in range(3):
        fill(admin_client, f"/s/{link.token}", {"expectations": "<script>alert(1)</script>"})
    admin_client.post(f"/fieldwork/assessments/{assessment.id}/targets",
                      data={f"target_{link.group_id}": "10"})
    assert db.session.get(ResponseTarget, (assessment.id, link.group_id)).target == 10
    html = admin_client.get(f"/fieldwork/assessments/{assessment.id}/responses?lang=en") \
        .get_data(as_text=True)
    assert "30%" in html and "<rect" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    victim = db.session.scalar(db.select(Submission).filter_by(assessment_id=assessment.id))
    assert admin_client.post(f"/fieldwork/responses/{victim.id}/delete",
                             data={"confirmed": "yes", "reason": ""}).status_code == 400
    response = admin_client.post(f"/fieldwork/responses/{victim.id}/delete",
                                 data={"confirmed": "yes", "reason": "Test entry by staff"})
    assert response.status_code == 302
    db.session.refresh(victim)
    assert victim.deleted_reason == "Test entry by staff" and victim.deleted_by_id is not None
    html = admin_client.get(f"/fieldwork/assessments/{assessment.id}/responses?lang=en") \
        .get_data(as_text=True)
    assert "20%" in html and "Test entry by staff" in html


def test_the_responses_list_pages_through_every_response_newest_first(admin_client):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    db.session.add_all(Submission(
        uid=f"paging-{n}", assessment_id=assessment.id, link_id=link.id, kind="stakeholder",
        group_id=1, submitted_at=start + timedelta(minutes=n), expectations=f"answer #{n:03d}")
        for n in range(1, 206))
    db.session.commit()
    url = f"/fieldwork/assessments/{assessment.id}/responses?lang=en"

    first = admin_client.get(url).get_data(as_text=True)
    assert "1–100 of 205" in first
    assert "answer #205" in first and "answer #106" in first and "answer #105" not in first
    assert first.index("answer #205") < first.index("answer #204")
    assert "2026-03-01 11:25" in first  # #205 arrived 03:25 UTC, shown in Beijing time
    assert 'rel="next"' in first and 'rel="prev"' not in first

    last = admin_client.get(url + "&page=3").get_data(as_text=True)
    assert "201–205 of 205" in last and "answer #001" in last and "answer #006" not in last
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # A page past the end (a deletion since) shows the last page.
    assert "201–205 of 205" in admin_client.get(url + "&page=9").get_data(as_text=True)
    assert "1–100 of 205" in admin_client.get(url + "&page=x").get_data(as_text=True)


def test_feedback_results_count_shares_and_suggestions(admin_client, client):
    assessment = make_links()
    link = link_for(assessment, kind="feedback")
    for overall, suggestion in (("good", "<i>More data</i>"), ("good", ""), ("average", "")):
        fill(client, f"/s/{link.token}", {"overall": overall, "impacts": "yes",
                                          "information": "high", "layout": "reasonable",
                                          "readability": "good", "suggestions": suggestion})
    html = admin_client.get(f"/fieldwork/assessments/{assessment.id}/feedback?lang=en") \
        .get_data(as_text=True)
    assert "3 feedback forms received" in html
    assert "66.7%" in html and "33.3%" in html
    assert "&lt;i&gt;More data&lt;/i&gt;" in html


def test_tokens_never_start_with_a_character_a_spreadsheet_or_a_typist_would_mangle(monkeypatch) -> None:
    """A code starting with "-" reads as a formula in the mail-merge CSV (one in 32 did)."""
    import secrets

    from materiality.models import new_token

    drawn = iter(["-abc", "_abc", "Zabc"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    assert new_token() == "Zabc"
    monkeypatch.undo()
    assert all(new_token()[0].isalnum() for _ in range(500))
