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
    src = page.get_attribute("img.poster-qr", "src")  # SVG, for print; decode its PNG twin
    png = page.request.get(base + src.replace("qr.svg", "qr.png")).body()
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
    # Progress counts answers to the 23 required questions, not the card's position.
    assert f"Answered {half} of 23" in page.locator("#survey-progress").inner_text()

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
    page.locator(".q-card").nth(24).locator(".card-review").click()  # the last card: to the review
    assert "Every question is answered" in page.inner_text("#survey-review")
    assert "<script>alert(1)</script> water" in page.inner_text("#survey-review")
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
    page.click(".card-review")
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
    with page.expect_navigation():  # wait_for_load_state alone may see the old page
        page.click(".lang-switch a[hreflang=en]")
    assert page.get_attribute("html", "lang") == "en" and "Next" in page.inner_text("form")
    cards = page.locator(".q-topic")
    assert all(cards.nth(i).locator("input[value='5']").is_checked() for i in range(5))
    answer_cards(page, 5, 23, 5)  # "Don't know" for the rest
    page.locator(".q-card").nth(23).locator(".card-next").click()
    page.locator(".q-card").nth(24).locator(".card-review").click()
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


# -- quick to finish: progress, the review, from an error to Submit, auto-advance ------------

def phone_page(browser, **options):  # noqa: ANN001, ANN003, ANN201
    """A 390 × 844 phone in English."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="en-US", **options)
    return context.new_page()


def to_review(page, skip: tuple[int, ...] = (), other_topics: str = "") -> None:  # noqa: ANN001
    """Rate every topic card ("Important") but the skipped ones, then go on to the review."""
    cards = page.locator(".q-topic")
    for index in range(cards.count()):
        if index not in skip:
            cards.nth(index).locator("label.scale-option").nth(3).click()
        cards.nth(index).locator(".card-next").click()
    if other_topics:
        page.fill("textarea[name=other_topics]", other_topics)
    page.locator(".q-card").nth(23).locator(".card-next").click()
    page.locator(".q-card").nth(24).locator(".card-review").click()


def visible_card(page) -> str:  # noqa: ANN001
    """The id of the one card shown."""
    return page.locator(".q-card.current").get_attribute("id")


def test_the_review_lists_unanswered_topics_first_and_each_is_a_tap_away(live_app, browser):
    base, link = live_app
    page = phone_page(browser)
    page.goto(f"{base}/s/{link.token}?lang=en")
    assert "23 topics, about 4 minutes." in page.inner_text(".survey-head")
    progress = page.locator("#survey-progress")
    assert progress.inner_text().strip().startswith("Answered 0 of 23")  # nothing before acting
    assert page.get_attribute(".survey-progress-text", "role") == "status"
    names = [n.strip() for n in page.locator(".q-topic .q-name").all_inner_texts()]
    to_review(page, skip=(4, 10))
    assert "Answered 21 of 23" in progress.inner_text()

    review = page.locator("#survey-review")
    assert review.is_visible() and page.locator(".survey-send").is_visible()
    assert "Not answered yet: 2" in review.inner_text()
    items = review.locator(".review-item")
    assert items.count() == 25  # every question, the two optional ones too
    questions = [q.strip() for q in review.locator(".review-q").all_inner_texts()]
    assert questions[:2] == [names[4], names[10]]  # unanswered first, then in the form's order
    assert questions[2:23] == [n for i, n in enumerate(names) if i not in (4, 10)]
    assert items.nth(0).locator(".review-a").inner_text() == "Not answered yet"
    assert items.nth(2).locator(".review-a").inner_text() == "4 Important"
    assert items.nth(24).locator(".review-a").inner_text() == "No answer (optional)"

    items.nth(1).click()  # one tap: that card
    assert visible_card(page) == page.locator(".q-topic").nth(10).get_attribute("id")
    page.locator(".q-card.current label.scale-option").nth(1).click()
    page.locator(".q-card.current .card-to-review").click()
    assert "Not answered yet: 1" in review.inner_text()
    assert review.locator(".review-q").first.inner_text().strip() == names[4]
    assert "Answered 22 of 23" in progress.inner_text()
    page.context.close()


def test_from_a_validation_error_submit_is_two_taps_away(live_app, browser):
    base, link = live_app
    page = phone_page(browser)
    page.goto(f"{base}/s/{link.token}?lang=en")
    to_review(page, skip=(7, 15), other_topics="kept text")
    with page.expect_navigation():  # sent with two answers missing: the server refuses
        page.click(".survey-send")
    errors = page.locator("#survey-errors")
    assert "2 questions still need your answer" in errors.inner_text()
    topics = page.locator(".q-topic")
    missing = [topics.nth(i).get_attribute("id") for i in (7, 15)]
    assert [a.get_attribute("href") for a in errors.locator("a").all()] == [f"#{m}" for m in missing]
    # Straight to the first missing card; every other answer kept.
    assert visible_card(page) == missing[0]
    assert page.locator(".q-topic input[value='4']:checked").count() == 21
    assert page.input_value("textarea[name=other_topics]") == "kept text"
    page.locator(".q-card.current label.scale-option").nth(4).click()
    page.locator(".q-card.current .card-to-review").click()  # tap 1: the review lists the rest
    review = page.locator("#survey-review")
    assert review.locator(".review-item").first.get_attribute("href") == f"#{missing[1]}"
    review.locator(".review-item").first.click()  # its card
    assert visible_card(page) == missing[1]
    page.locator(".q-card.current label.scale-option").nth(2).click()
    page.locator(".q-card.current .card-to-review").click()
    assert "Every question is answered" in review.inner_text()
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    page.context.close()

    # With one answer missing: answer it, then two taps (to the review, Submit).
    page = phone_page(browser)
    page.goto(f"{base}/s/{link.token}?lang=en")
    to_review(page, skip=(20,))
    with page.expect_navigation():
        page.click(".survey-send")
    assert visible_card(page) == page.locator(".q-topic").nth(20).get_attribute("id")
    page.locator(".q-card.current label.scale-option").nth(0).click()
    page.locator(".q-card.current .card-to-review").click()
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    page.context.close()

    db.session.remove()
    stored = db.session.scalars(db.select(Submission).filter_by(link_id=link.id)).all()
    assert len(stored) == 2 and {s.other_topics for s in stored} == {"kept text", None}


def test_without_javascript_the_error_page_lists_the_missing_topics_and_starts_at_the_first(
        live_app, browser):
    base, link = live_app
    page = phone_page(browser, java_script_enabled=False)
    page.goto(f"{base}/s/{link.token}?lang=en")
    assert "23 questions to answer" in page.inner_text("#survey-progress")
    topics = page.locator(".q-topic")
    assert topics.nth(22).is_visible()  # one page, every card
    for index in range(23):
        if index != 3:
            topics.nth(index).locator("label.scale-option").nth(3).click()
    with page.expect_navigation():  # wait_for_load_state alone may see the old page
        page.click(".survey-send")
    first = topics.nth(3).get_attribute("id")
    # Chromium moves the focus to the autofocus card at a rendering step after the load.
    page.wait_for_function("id => document.activeElement.id === id", arg=first, timeout=5000)
    assert page.evaluate("document.activeElement.id") == first  # the browser starts there
    assert page.locator("#survey-errors a").get_attribute("href") == f"#{first}"
    assert page.locator(".q-topic input[value='4']:checked").count() == 22
    page.click("#survey-errors a")
    assert page.url.endswith(f"#{first}")
    topics.nth(3).locator("label.scale-option").nth(1).click()
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    page.context.close()


def test_auto_advance_is_off_by_default_and_remembered_when_on(live_app, browser):
    base, link = live_app
    page = phone_page(browser)
    page.goto(f"{base}/s/{link.token}?lang=en")
    toggle = page.get_by_label("Go to the next question after a rating")
    topics = page.locator(".q-topic")
    assert not toggle.is_checked()
    topics.nth(0).locator("label.scale-option").nth(2).click()
    page.wait_for_timeout(800)  # a rating alone does not move on
    assert visible_card(page) == topics.nth(0).get_attribute("id")

    toggle.check()
    topics.nth(0).locator("label.scale-option").nth(3).click()
    page.wait_for_selector(f"#{topics.nth(1).get_attribute('id')}.current")
    # Arrow keys move within the scale and stay on the card.
    topics.nth(1).locator("input[value='3']").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(800)
    assert visible_card(page) == topics.nth(1).get_attribute("id")
    assert topics.nth(1).locator("input[value='4']").is_checked()

    page.reload()  # answers and the choice are kept
    assert toggle.is_checked()
    assert topics.nth(0).locator("input[value='4']").is_checked()
    assert visible_card(page) == topics.nth(2).get_attribute("id")  # first unanswered
    topics.nth(2).locator("label.scale-option").nth(4).click()
    page.wait_for_selector(f"#{topics.nth(3).get_attribute('id')}.current")
    toggle.uncheck()
    topics.nth(3).locator("label.scale-option").nth(4).click()
    page.wait_for_timeout(800)
    assert visible_card(page) == topics.nth(3).get_attribute("id")
    page.context.close()

    # Reduced motion: it still moves on, without the sliding card.
    page = phone_page(browser, reduced_motion="reduce")
    page.goto(f"{base}/s/{link.token}?lang=en")
    page.get_by_label("Go to the next question after a rating").check()
    topics = page.locator(".q-topic")
    topics.nth(0).locator("label.scale-option").nth(1).click()
    page.wait_for_selector(f"#{topics.nth(1).get_attribute('id')}.current")
    assert page.eval_on_selector(".q-card.current", "c => getComputedStyle(c).animationName") == "none"
    page.context.close()


def test_on_a_desktop_only_required_questions_count_and_the_review_sits_above_submit(
        live_app, browser):
    base, link = live_app
    page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US").new_page()
    page.goto(f"{base}/s/{link.token}?lang=en")
    progress = page.locator("#survey-progress")
    assert "Answered 0 of 23" in progress.inner_text()  # the open questions are not counted
    page.fill("textarea[name=expectations]", "More data")
    assert "Answered 0 of 23" in progress.inner_text()
    topics = page.locator(".q-topic")
    topics.nth(2).locator("label.scale-option").nth(0).click()
    assert "Answered 1 of 23" in progress.inner_text()
    review = page.locator("#survey-review")
    assert review.is_visible() and "Not answered yet: 22" in review.inner_text()
    assert review.locator(".review-q").nth(22).inner_text().strip() == (
        topics.nth(2).locator(".q-name").inner_text().strip())
    assert review.locator(".review-a").nth(24).inner_text() == "More data"
    page.context.close()


def test_with_the_keyboard_alone_a_respondent_answers_reviews_and_fixes(live_app, browser):
    """Tab, the arrow keys, Space and Enter: the focus follows the card shown."""
    base, group_link = live_app
    link = link_for(group_link.assessment, kind="feedback")  # five questions and an optional text
    page = phone_page(browser)
    page.goto(f"{base}/s/{link.token}?lang=en")
    assert "5 questions, about 1 minute." in page.inner_text(".survey-head")
    assert "Answered 0 of 5" in page.inner_text("#survey-progress")
    first = page.locator("#q-overall input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")  # "Good"
    assert first.is_checked() and "Answered 1 of 5" in page.inner_text("#survey-progress")
    page.keyboard.press("Tab")  # the Next button (the scale is one stop)
    page.keyboard.press("Enter")
    assert visible_card(page) == "q-impacts"
    assert page.evaluate("document.activeElement.id") == "q-impacts"  # focus on the new card
    for _card in range(4):  # impacts, information, layout, readability: skipped
        page.locator(".q-card.current .card-next").focus()
        page.keyboard.press("Enter")
    page.locator(".q-card.current .card-review").focus()  # the open question, last
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "survey-review-title"
    assert "Not answered yet: 4" in page.inner_text("#survey-review")
    page.locator("#survey-review .review-item").first.focus()
    page.keyboard.press("Enter")
    assert visible_card(page) == "q-impacts"
    page.click(".q-card.current .card-to-review")
    page.locator(".survey-send").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # refused: four are missing
    assert visible_card(page) == "q-impacts"
    errors = page.locator("#survey-errors")
    assert errors.locator("li").count() == 4
    errors.locator("a[href='#q-layout']").click()  # the error list's links show their card
    assert visible_card(page) == "q-layout"
    page.locator("#q-layout label.choice").first.click()
    assert errors.locator("li:visible").count() == 3  # answered since: no longer listed
    assert "Still to answer: 3;" in errors.inner_text()
    assert not page.locator("#q-layout .error").is_visible()
    page.context.close()
