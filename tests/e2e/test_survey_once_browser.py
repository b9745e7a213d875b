"""One response per person: Back after submitting, in Chromium, never stores a response twice."""
from __future__ import annotations

import pytest
from survey_helpers import link_for, make_links

from materiality.extensions import db
from materiality.models import Submission

pytestmark = pytest.mark.browser


@pytest.fixture
def survey(live_server):
    """A general stakeholder group's public link, served for real."""
    base, _app = live_server()
    link = link_for(make_links(), group_id=1)
    return f"{base}/s/{link.token}", link.id


def stored(link_id: int) -> list[str]:
    """The submission ids stored on the link."""
    db.session.remove()
    return list(db.session.scalars(db.select(Submission.uid).filter_by(link_id=link_id)))


def answer_and_send(page) -> None:  # noqa: ANN001
    """Rate every topic on the wide layout (every card shows) and submit."""
    for card in page.locator(".q-topic").all():
        card.locator("label.scale-option").nth(3).click()
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")


def test_back_after_submitting_says_answered_and_another_person_can_answer(survey, browser):
    url, link_id = survey
    page = browser.new_context(locale="en-US").new_page()
    page.goto(url + "?lang=en")
    answer_and_send(page)
    assert "Thank you!" in page.inner_text("main")

    page.go_back()  # the real Back button
    page.wait_for_load_state()
    form = page.locator("#survey-form")
    if form.count() and form.is_visible():  # whatever Back shows: send a form if there is one
        answer_and_send(page)
        page.go_back()
        page.wait_for_load_state()
    assert page.locator("#survey-answered").is_visible()
    assert "You have answered this survey" in page.inner_text("main")
    assert len(stored(link_id)) == 1

    page.reload()  # and the QR code again, or a reload: the same
    assert "You have answered this survey" in page.inner_text("main")
    with page.expect_navigation(url=url):  # already at url: wait_for_url would not wait
        page.click("text=Answer for another person")
    assert page.locator("#survey-form").is_visible()
    answer_and_send(page)
    uids = stored(link_id)
    assert len(uids) == 2 and len(set(uids)) == 2
    page.context.close()


def test_without_the_cookie_the_page_script_keeps_the_stored_id(survey, browser):
    """A browser that keeps no cookie for us (some in-app browsers): localStorage marks the link."""
    url, link_id = survey
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(url + "?lang=en")
    sent_uid = page.get_attribute("input[name=uid]", "value")
    answer_and_send(page)
    context.clear_cookies()

    page.go_back()
    page.wait_for_load_state()
    # The server sent a fresh form (a new id); the script hides it and says it was answered.
    assert page.locator("#survey-answered").is_visible()
    assert not page.locator("#survey-form").is_visible()
    assert page.get_attribute("input[name=uid]", "value") == sent_uid
    # Sent anyway (forced past the script), it stores nothing new: it carries the stored id.
    page.evaluate("""() => {
        document.querySelectorAll('.q-topic input[value="2"]').forEach(r => { r.checked = true; });
        document.getElementById('survey-form').submit();
    }""")
    page.wait_for_url("**/thanks**")
    assert stored(link_id) == [sent_uid]

    page.goto(url + "?lang=en")
    assert page.locator("#survey-answered").is_visible()
    with page.expect_navigation(url=url):
        page.click("#survey-answered >> text=Answer for another person")
    assert page.locator("#survey-form").is_visible()
    answer_and_send(page)
    assert len(set(stored(link_id))) == 2
    context.close()


def test_without_javascript_the_cookie_alone_keeps_one_response(survey, browser):
    url, link_id = survey
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "?lang=en")
    answer_and_send(page)
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("#survey-form").count() == 0
    assert "You have answered this survey" in page.inner_text("main")
    assert len(stored(link_id)) == 1
    context.close()
