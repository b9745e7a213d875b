"""On a phone: scan the poster's QR code, fill in, reload, switch language, submit; staff count each once."""
from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from survey_helpers import link_for, make_links

from materiality.auth.operations import create_user
from materiality.extensions import db
from materiality.models import Rating, Submission

pytestmark = pytest.mark.browser
PASSWORD = "phone test password"  # noqa: S105


@pytest.fixture
def live_app(live_server):
    """The demo with its survey links, served for real (CSRF off: the survey is exempt anyway)."""
    base, _app = live_server(WTF_CSRF_ENABLED=False)
    create_user("admin@example.org", PASSWORD, "admin")
    db.session.commit()
    return base, link_for(make_links(), group_id=1)


def test_phone_survey_from_poster_qr_survives_a_reload(live_app, browser, log_in):
    base, link = live_app
    page = log_in(base, "admin@example.org", PASSWORD)
    page.goto(f"{base}/fieldwork/links/{link.id}/poster")
    src = page.get_attribute("img.poster-qr", "src")
    png = page.request.get(base + src).body()
    url = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
    assert url == f"{base}/s/{link.token}"
    page.context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="en-US")
    page = phone.new_page()
    page.goto(url + "?lang=en")
    cards = page.locator(".q-topic")
    total = cards.count()
    assert total == 23 and page.locator(".q-card").count() == 25  # + two open questions
    half = total // 2
    for index in range(half):
        card = cards.nth(index)
        assert card.is_visible() and not cards.nth(index + 1).is_visible()  # one card at a time
        card.locator("label.scale-option").nth(3).click()  # "Important" (4)
        card.locator(".card-next").click()
    assert f"{half + 1} of 25" in page.locator("#survey-progress").inner_text()

    page.reload()
    cards = page.locator(".q-topic")
    for index in range(half):
        assert cards.nth(index).locator("input[value='4']").is_checked()
    assert cards.nth(half).is_visible()  # back at the first unanswered card
    for index in range(half, total):
        card = cards.nth(index)
        card.locator("label.scale-option").nth(4 if index % 2 else 5).click()
        card.locator(".card-next").click()
    page.fill("textarea[name=other_topics]", "<script>alert(1)</script> water")
    page.locator(".q-card").nth(23).locator(".card-next").click()
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    assert "Thank you" in page.inner_text("main")
    stored_keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('survey:'))")
    assert stored_keys == [f"survey:{link.token}"] or stored_keys == []
    phone.close()

    db.session.remove()
    submission = db.session.scalar(db.select(Submission).filter_by(link_id=link.id))
    scores = db.session.scalars(db.select(Rating.score).filter_by(submission_id=submission.id)).all()
    assert len(scores) == 23 and scores.count(4) >= half and None in scores


def answer_cards(page, first: int, last: int, option: int) -> None:  # noqa: ANN001
    """Rate topic cards first..last-1 on the one-card-at-a-time phone layout."""
    cards = page.locator(".q-topic")
    for index in range(first, last):
        card = cards.nth(index)
        card.locator("label.scale-option").nth(option).click()
        card.locator(".card-next").click()


def test_a_chinese_and_an_english_phone_are_each_counted_once_for_staff(live_app, browser, log_in):
    """The issue's "done when": answers in both languages, each response counted once."""
    base, link = live_app
    url = f"{base}/s/{link.token}"

    chinese = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = chinese.new_page()
    page.goto(url)
    assert page.get_attribute("html", "lang") == "zh-CN" and "下一步" in page.inner_text("form")
    answer_cards(page, 0, 23, 2)
    page.locator(".q-card").nth(23).locator(".card-next").click()  # skip "other topics"
    page.fill("textarea[name=expectations]", "希望加强信息披露")
    page.locator(".survey-send").dblclick()  # a double tap still stores one response
    page.wait_for_url("**/thanks**")
    assert "感谢您的参与" in page.inner_text("main")
    chinese.close()

    # A phone set to Chinese whose reader switches to English halfway: nothing is lost.
    english = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = english.new_page()
    page.goto(url)
    answer_cards(page, 0, 5, 4)
    page.click(".lang-switch a[hreflang=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en" and "Next" in page.inner_text("form")
    cards = page.locator(".q-topic")
    assert all(cards.nth(i).locator("input[value='5']").is_checked() for i in range(5))
    answer_cards(page, 5, 23, 5)  # "Don't know" for the rest
    page.locator(".q-card").nth(23).locator(".card-next").click()
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    assert "Thank you!" in page.inner_text("main")
    english.close()

    staff = log_in(base, "admin@example.org", PASSWORD)
    staff.goto(f"{base}/fieldwork/assessments/{link.assessment_id}/responses")
    group_row = staff.locator("table").first.locator("tr", has_text=link.group.name("en"))
    assert group_row.locator("td.num").inner_text() == "2"
    assert "1–2 of 2" in staff.inner_text("main")
    assert "希望加强信息披露" in staff.inner_text("main")

    db.session.remove()
    stored = db.session.scalars(db.select(Submission).filter_by(link_id=link.id)).all()
    assert sorted(s.locale for s in stored) == ["en", "zh_CN"]
