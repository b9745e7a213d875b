"""In a real browser: drag a label handle on the matrix preview, save, and the move is kept."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from materiality import create_app
from materiality.auth.operations import create_user
from materiality.extensions import db
from materiality.models import LabelPosition

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "editor test password"  # noqa: S105
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """The Debian chromium, headless."""
    return {"executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture
def live_app(sqlite_template: Path, tmp_path: Path):
    """The demo on a migrated SQLite copy with CSRF on, served by a real threaded server."""
    path = tmp_path / "report.sqlite3"
    shutil.copyfile(sqlite_template, path)
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "RATELIMIT_ENABLED": False, "PUBLIC_BASE_URL": ""})
    with app.app_context():
        from materiality.seed import seed_demo

        seed_demo()
        create_user("editor@example.org", PASSWORD, "editor")
        db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        server.server_close()
        thread.join(5)
        db.session.remove()
        db.engine.dispose()


def test_editor_drags_a_label_and_the_move_is_kept(live_app, browser):
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_app}/auth/login?lang=en")
    page.fill("input[name=email]", "editor@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
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

    page.locator("#label-form button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert "1 label positions saved." in page.content()
    rows = db.session.scalars(db.select(LabelPosition)).all()
    assert len(rows) == 1 and rows[0].locale == "en"
    assert rows[0].x == pytest.approx(after, abs=1e-3)
    assert not errors, errors
