"""CSR staff in a real browser: log in, read the library in both languages, import, copy a year."""
from __future__ import annotations

import pytest
from test_topic_library import sixty_topics_csv

from materiality.auth.operations import create_user
from materiality.extensions import db
from materiality.models import Assessment, Topic

pytestmark = pytest.mark.browser
PASSWORD = "staff test password"  # noqa: S105


@pytest.fixture
def staff_page(live_server, browser):
    """A logged-in admin's page, CSRF on, on the demo data."""
    base, _app = live_server()
    create_user("admin@example.org", PASSWORD, "admin")
    db.session.commit()
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("邮箱").fill("admin@example.org")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    return base, page


def test_library_in_both_languages_import_and_copy_a_year(staff_page, tmp_path):
    base, page = staff_page
    page.goto(f"{base}/admin/topics")
    assert page.locator("tbody tr").count() == 24  # the model report's 23 and 2024's new one
    assert "“双碳”行动" in page.inner_text("main")
    with page.expect_navigation():  # a read right after the click may see the old page
        page.get_by_role("link", name="English").click()
    assert "Customer information protection" in page.inner_text("main")
    assert page.locator("html").get_attribute("lang") == "en"

    bad = tmp_path / "bad.csv"
    bad.write_bytes(sixty_topics_csv({2: {"category": "weather"}, 7: {"name_zh": "议题01"}}))
    page.goto(f"{base}/admin/topics/import")
    page.get_by_label("CSV or XLSX file").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    rows = page.locator(".errors-box tbody tr")
    assert rows.count() == 2
    assert "Unknown category “weather”" in rows.nth(0).inner_text()
    assert "appears already in row 3" in rows.nth(1).inner_text()
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 24

    good = tmp_path / "good.csv"
    good.write_bytes(sixty_topics_csv())
    page.get_by_label("CSV or XLSX file").set_input_files(str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    assert "60 new topics" in page.inner_text(".flashes")

    page.goto(f"{base}/admin/assessments/1")
    copy = page.locator("#copy")
    copy.get_by_label("Title of the new assessment").fill("2025年度实质性议题评估")
    copy.get_by_label("Reporting year").fill("2025")
    with page.expect_navigation():
        copy.get_by_role("button", name="Copy").click()
    assert "The new assessment is a draft." in page.inner_text(".flashes")
    db.session.expire_all()
    copied = db.session.scalar(db.select(Assessment).where(
        Assessment.title == "2025年度实质性议题评估"))
    assert copied is not None and len(copied.topics) == 23


def test_staff_pages_fit_a_phone(staff_page):
    base, page = staff_page
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/admin/topics", "/admin/groups", "/admin/assessments/1", "/admin/users",
                 "/report/1/scores", "/report/1/matrix", "/report/1/responses",
                 "/report/1/methodology", "/fieldwork/assessments/1/links",
                 "/fieldwork/assessments/1/responses", "/fieldwork/assessments/1/feedback"):
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
