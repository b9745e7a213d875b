"""In a real browser: drag a label handle on the matrix preview, save, and the move is kept."""
from __future__ import annotations

import pytest

from materiality.auth.operations import create_user
from materiality.extensions import db
from materiality.models import LabelPosition

PASSWORD = "editor test password"  # noqa: S105
pytestmark = pytest.mark.browser


@pytest.fixture
def live_app(live_server):
    """The demo served for real with CSRF on, and an editor account."""
    base, _app = live_server()
    create_user("editor@example.org", PASSWORD, "editor")
    db.session.commit()
    return base


def test_editor_drags_a_label_and_the_move_is_kept(live_app, browser):
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_app}/auth/login?lang=en")
    page.fill("input[name=email]", "editor@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_app}/")  # logged in before the next page is asked for
    page.goto(f"{live_app}/report/1/matrix?lang=en&locale=en")
    handles = page.locator(".label-handle")
    handles.first.wait_for()
    assert handles.count() == 23
    row = page.locator("tr[data-topic]").first
    x_input = row.locator("input[name^=x_]")
    before = float(x_input.input_value())

    handles.first.scroll_into_view_if_needed()
    box = handles.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 60, box["y"] + 30, steps=5)
    page.mouse.up()
    after = float(x_input.input_value())
    assert after < before - 0.05

    with page.expect_navigation():
        page.locator("#label-form button[type=submit]").click()
    assert "1 label positions saved." in page.content()
    rows = db.session.scalars(db.select(LabelPosition)).all()
    assert len(rows) == 1 and rows[0].locale == "en"
    assert rows[0].x == pytest.approx(after, abs=1e-3)
    assert not errors, errors
