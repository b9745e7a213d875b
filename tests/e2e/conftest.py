"""Real-browser journeys: the system's Chromium driven by Playwright."""
from __future__ import annotations

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"

if not shutil.which(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """Use the Debian chromium, headless, without background traffic."""
    return {"executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture
def log_in(browser):  # noqa: ANN001
    """Log a user in through the real login form, in a browser context of its own."""

    def log_in(base: str, email: str, password: str):  # noqa: ANN202
        page = browser.new_context(locale="en-US").new_page()
        page.goto(f"{base}/auth/login?lang=en")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        return page

    return log_in


def _closed_before_sent(app):  # noqa: ANN001, ANN202
    """The app with each response read whole and closed before the server sends it.

    When the browser drops a connection (a page closed while its favicon loads), werkzeug's
    development server can skip closing the response; a static file then stays open and its
    ResourceWarning fails whichever test is running when it is collected.
    """

    def wsgi(environ, start_response):  # noqa: ANN001, ANN202
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    """Start the app on a migrated SQLite copy with the demo data, in a real threaded server.

    Call it with config overrides; it returns (base URL, app). CSRF stays on unless
    a test turns it off, so the journeys go through the real forms.
    """
    import shutil
    import threading

    from werkzeug.serving import make_server

    from materiality import create_app
    from materiality.extensions import db, dispose_engines
    from materiality.seed import seed_demo

    started = []

    def start(**config):  # noqa: ANN003, ANN202
        path = tmp_path / "live.sqlite3"
        shutil.copyfile(sqlite_template, path)
        settings = {"TESTING": True, "SECRET_KEY": "test-secret-key",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False,
                    "SURVEY_MIN_SECONDS": 0, "PUBLIC_BASE_URL": ""}
        settings.update(config)
        app = create_app(settings)
        context = app.app_context()
        context.push()
        seed_demo()
        db.session.commit()
        server = make_server("127.0.0.1", 0, _closed_before_sent(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread, context))
        return f"http://127.0.0.1:{server.server_port}", app

    yield start
    for server, thread, context in started:
        server.shutdown()
        server.server_close()
        thread.join(5)
        db.session.remove()
        dispose_engines()
        context.pop()
