"""An admin on a phone (390 × 844): the links page as cards, tap targets, readable tables,
and the confirm dialog before closing a link."""
from __future__ import annotations

import pytest

from materiality.auth.operations import create_user
from materiality.extensions import db
from materiality.models import Assessment, SurveyLink

pytestmark = pytest.mark.browser
PASSWORD = "staff test password"  # noqa: S105
PHONE = {"width": 390, "height": 844}

#: The narrowest a table column may be: about four characters of its own text.
NARROW_COLUMNS = """() => {
  const narrow = [];
  for (const table of document.querySelectorAll("main table")) {
    if (!table.getClientRects().length) continue;  // in a closed <details>
    const probe = document.createElement("span");
    probe.textContent = "0000";
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    for (const cell of table.querySelectorAll("th, td")) {
      if (!cell.getClientRects().length || cell.colSpan > 1) continue;
      cell.appendChild(probe);
      const four = probe.getBoundingClientRect().width;
      probe.remove();
      if (cell.getBoundingClientRect().width < four) {
        narrow.push(cell.textContent.trim().slice(0, 20) + " " +
                    Math.round(cell.getBoundingClientRect().width) + "px");
      }
    }
  }
  return narrow;
}"""

#: A table wider than the screen scrolls in a region the keyboard reaches, with a name.
UNREACHABLE_SCROLLERS = """() => {
  const bad = [];
  for (const table of document.querySelectorAll("main table")) {
    if (!table.getClientRects().length) continue;
    if (table.getBoundingClientRect().width <= document.documentElement.clientWidth) continue;
    const region = table.closest(".table-scroll");
    if (!region || region.tabIndex !== 0 || !region.getAttribute("aria-label")) {
      bad.push(table.querySelector("th") ? table.querySelector("th").textContent : "?");
    }
  }
  return bad;
}"""

SMALL_TARGETS = """(selector) => {
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (!box.width && !box.height) continue;  // not shown
    if (box.width < 44 || box.height < 44) {
      small.push(element.textContent.trim().slice(0, 30) + " " + Math.round(box.width) +
                 "x" + Math.round(box.height));
    }
  }
  return small;
}"""


@pytest.fixture
def phone(live_server, browser):
    """A logged-in admin on a 390 px wide phone, CSRF on, on the demo data."""
    base, _app = live_server()
    create_user("admin@example.org", PASSWORD, "admin")
    db.session.commit()
    context = browser.new_context(locale="en-US", viewport=PHONE, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/auth/login?lang=en")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    yield base, page
    context.close()


def _no_page_overflow(page) -> None:  # noqa: ANN001
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_links_page_as_cards_with_tap_targets(phone):
    base, page = phone
    assessment = db.session.scalar(db.select(Assessment).where(Assessment.status == "open"))
    page.goto(f"{base}/fieldwork/assessments/{assessment.id}/links")
    _no_page_overflow(page)
    cards = page.locator(".link-card")
    assert cards.count() > 5
    first = cards.first
    assert first.bounding_box()["width"] <= PHONE["width"]
    assert "responses" in first.inner_text()
    first.get_by_text("Show the QR code").click()
    qr = first.locator(".link-qr img")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 200  # big enough to scan
    for selector in (".main-nav a", ".header-tools a", ".header-tools button",
                     ".fieldwork-nav a", ".link-card-actions a", ".link-qr summary"):
        assert page.evaluate(SMALL_TARGETS, selector) == [], selector


@pytest.mark.parametrize("path", [
    "/admin/users", "/admin/topics", "/admin/groups", "/admin/assessments",
    "/fieldwork/assessments/{a}/responses", "/fieldwork/assessments/{a}/feedback",
    "/report/{a}/scores", "/report/{a}/responses", "/report/{a}/trail", "/",
])
def test_tables_are_readable_on_a_phone(phone, path):
    base, page = phone
    assessment = db.session.scalar(db.select(Assessment).where(Assessment.status == "open"))
    page.goto(base + path.format(a=assessment.id) + ("&" if "?" in path else "?") + "lang=en")
    _no_page_overflow(page)
    assert page.evaluate(NARROW_COLUMNS) == []
    assert page.evaluate(UNREACHABLE_SCROLLERS) == []
    assert page.evaluate(SMALL_TARGETS, ".row-actions a, .row-actions button") == []


def test_closing_a_link_asks_in_a_dialog(phone):
    base, page = phone
    assessment = db.session.scalar(db.select(Assessment).where(Assessment.status == "open"))
    page.goto(f"{base}/fieldwork/assessments/{assessment.id}/links")
    card = page.locator(".link-card", has=page.get_by_role("link", name="Close")).first
    link_id = int(card.get_attribute("id").removeprefix("link-"))
    name = card.locator("h2").inner_text().strip()

    card.get_by_role("link", name="Close").click()
    dialog = page.locator("dialog.confirm-dialog[open]")
    dialog.wait_for()
    assert f"Close the link for {name}?" in dialog.inner_text()
    assert "have answered; no one else can" in dialog.inner_text() \
        or "has answered; no one else can" in dialog.inner_text()
    assert page.url.endswith("/links")  # a dialog, not the confirm page
    dialog.get_by_role("link", name="Cancel").click()
    assert page.locator("dialog.confirm-dialog[open]").count() == 0
    db.session.expire_all()
    assert db.session.get(SurveyLink, link_id).state == "active"

    card.get_by_role("link", name="Close").click()
    dialog.wait_for()
    with page.expect_navigation():  # wait_for_load_state alone may see the old page
        dialog.get_by_role("button", name="Close the link").click()
    assert "Link updated." in page.locator(".flashes").inner_text()
    db.session.expire_all()
    assert db.session.get(SurveyLink, link_id).state == "closed"


def test_the_matrix_page_on_a_phone_asks_for_a_larger_screen(phone):
    base, page = phone
    page.goto(f"{base}/report/1/matrix?lang=en&locale=en")
    _no_page_overflow(page)
    assert page.get_by_text("Use a larger screen to move labels by dragging.").is_visible()
    assert page.locator(".label-handle").count() == 23
    assert not page.locator(".label-handle").first.is_visible()  # no broken dragging
    image = page.locator("#matrix-preview")
    image.wait_for()
    assert image.bounding_box()["width"] >= 700  # readable, scrolled sideways
    stage = page.locator("#matrix-stage")
    assert stage.get_attribute("tabindex") == "0" and stage.get_attribute("aria-label")


def test_on_a_larger_screen_the_label_is_the_handle_with_a_grip_beside_it(phone):
    base, page = phone
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/report/1/matrix?lang=en&locale=en")
    handle = page.locator(".label-handle").first
    handle.wait_for()
    page.wait_for_function("document.getElementById('matrix-preview').complete")
    frame = handle.bounding_box()
    grip = handle.locator(".label-handle-grip").bounding_box()
    assert frame["width"] > 30  # the label's width, not a 14 px dot on its text
    assert grip["x"] + grip["width"] <= frame["x"]  # beside the label, not on it
    assert not page.get_by_text("Use a larger screen").is_visible()
