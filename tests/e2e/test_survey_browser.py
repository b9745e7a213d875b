"""On a phone: scan the poster's QR code, fill in half, reload, keep the answers, submit."""
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


def test_phone_survey_from_poster_qr_survives_a_reload(live_app, browser):
    base, link = live_app
    staff = browser.new_context()
    page = staff.new_page()
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.goto(f"{base}/fieldwork/links/{link.id}/poster")
    src = page.get_attribute("img.poster-qr", "src")
    png = page.request.get(base + src).body()
    url = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
    assert url == f"{base}/s/{link.token}"
    staff.close()

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
