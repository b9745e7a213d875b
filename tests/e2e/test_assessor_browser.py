"""An assessor's journey on a phone, in Chromium at 390x844: open the questionnaire by
invitation code, answer part of it, reload (the answers stay), send it with answers
missing (they are named and everything is kept), complete and send it; Back afterwards
stores nothing twice."""
from __future__ import annotations

import pytest
from assessor_helpers import make_panel

from materiality.extensions import db
from materiality.models import IroRating, Submission

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True, "locale": "en-US"}


def stored(link_id: int) -> tuple[int, dict[tuple[int, str], int | None]]:
    """How many answers the assessor link has stored, and their ratings (the demo's own
    assessors answered another assessment)."""
    db.session.remove()
    count = db.session.scalar(db.select(db.func.count()).select_from(Submission).filter_by(
        link_id=link_id))
    ratings = {(row.iro_id, row.criterion): row.value
               for row in db.session.scalars(db.select(IroRating).join(Submission).where(
                   Submission.link_id == link_id))}
    return count, ratings


def choose(criterion, position: int) -> str:  # noqa: ANN001
    """Tap one choice of a criterion (0-4: levels 1-5, 5: cannot judge); returns its field."""
    criterion.locator("label.scale-option").nth(position).click()
    return criterion.locator("input").first.get_attribute("name")


def test_an_assessor_answers_on_a_phone_and_nothing_is_lost_or_sent_twice(live_server, browser):
    base, _app = live_server()
    panel = make_panel()
    link_id = panel["link"].id
    url = f"{base}/i/{panel['codes'][0]}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url + "?lang=en")
    assert "Assessment of impacts, risks and opportunities" in page.inner_text("h1")
    # Phone first: nothing wider than the screen, every choice a comfortable tap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first_choice = page.locator("label.scale-option").first.bounding_box()
    assert first_choice["height"] >= 44 and first_choice["width"] <= 390

    criteria = page.locator("fieldset.criterion").all()
    assert len(criteria) == 12  # 3 + 4 + 3 + 2 criteria: only those that apply
    chosen: dict[str, int | None] = {}
    for i, criterion in enumerate(criteria[:6]):
        chosen[choose(criterion, i % 5)] = i % 5 + 1
    uid = page.get_attribute("input[name=uid]", "value")

    page.reload()
    page.wait_for_load_state()
    for name, level in chosen.items():
        assert page.locator(f"input[name={name}][value='{level}']").is_checked(), name
    assert page.get_attribute("input[name=uid]", "value") == uid  # the same response

    # Sent with answers missing: named at the top, every answer kept.
    chosen[choose(page.locator("fieldset.criterion").nth(11), 5)] = None  # cannot judge
    with page.expect_navigation():  # wait_for_load_state alone may see the old page
        page.click(".survey-send")
    problems = page.locator("#assessor-problems")
    assert problems.is_visible()
    assert "Topic 0: 2. Negative impact" in problems.inner_text()
    assert "Likelihood" in problems.inner_text()
    assert stored(link_id)[0] == 0
    for name, level in chosen.items():
        value = "dk" if level is None else str(level)
        assert page.locator(f"input[name={name}][value='{value}']").is_checked(), name

    for criterion in page.locator("fieldset.criterion").all():
        name = criterion.locator("input").first.get_attribute("name")
        if name not in chosen:
            chosen[choose(criterion, 2)] = 3
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    assert "Thank you!" in page.inner_text("main")
    count, ratings = stored(link_id)
    assert count == 1
    assert {f"r{iro}_{criterion}": value for (iro, criterion), value in ratings.items()} == chosen

    page.go_back()  # the real Back button
    page.wait_for_load_state()
    form = page.locator("#assessor-form")
    if form.count() and form.is_visible():  # whatever Back shows: send a form if there is one
        with page.expect_navigation():
            page.click(".survey-send")
    else:
        assert "already been used" in page.inner_text("main")
    assert stored(link_id) == (count, ratings)
    page.goto(url)  # the invitation again: used
    assert "already been used" in page.inner_text("main")
    assert stored(link_id) == (count, ratings)
    context.close()


def test_the_questionnaire_works_without_javascript(live_server, browser):
    base, _app = live_server()
    panel = make_panel(rater_kind=None)
    link_id = panel["link"].id
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/i/{panel['codes'][1]}?lang=en")
    page.locator("label.choice").nth(2).click()  # external expert
    for criterion in page.locator("fieldset.criterion").all():
        choose(criterion, 3)
    page.click(".survey-send")
    page.wait_for_url("**/thanks**")
    count, ratings = stored(link_id)
    assert count == 1 and set(ratings.values()) == {4} and len(ratings) == 12
    context.close()
