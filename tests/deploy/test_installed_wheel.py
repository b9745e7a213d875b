"""The production install: the wheel, installed into a new virtual environment outside
the checkout, migrates a database, creates a user and serves the app through gunicorn.

Building and installing takes about a minute on the 2-core machine (the dependencies
come from the package index at the versions in constraints.txt, without byte-compiling);
marked slow, and `.ci/run` runs it.
"""
from __future__ import annotations

import gzip
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from installed import clean_environment, installed, run
from live_http import Client, create_survey_links, free_port, log_in, survey_form, wait_for_http

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Staff pages and downloads that need the packaged templates, fonts and data.
PAGES = {
    "/report/1/matrix": "text/html",
    "/report/1/matrix.pdf": "application/pdf",
    "/report/1/topics.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "/report/1/methodology.docx":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "/report/1/raw.csv": "text/csv",
    "/fieldwork/assessments/1/responses": "text/html",
}
PASSWORD = "a long production password"  # noqa: S105


def checkout_files(folder: str, pattern: str) -> set[str]:
    """Paths (relative to the repository) of a folder's files matching ``pattern``."""
    return {path.relative_to(ROOT).as_posix() for path in (ROOT / folder).glob(pattern)}


@pytest.fixture(scope="module")
def wheel() -> Path:
    """The wheel `pip install .` builds, from a clean copy of the checkout."""
    return installed().wheel


def test_the_wheel_carries_templates_migrations_and_package_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    inside = {name.removeprefix("materiality/") for name in names}
    expected = (
        checkout_files("templates", "**/*.html")
        | checkout_files("migrations", "versions/*.py")
        | {"migrations/env.py", "migrations/alembic.ini", "migrations/script.py.mako",
           "data/seed-library.json",
           "translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
           "translations/en/LC_MESSAGES/messages.mo"}
        | {p.removeprefix("src/materiality/") for p in
           checkout_files("src/materiality", "static/**/*") if (ROOT / p).is_file()}
    )
    assert any(name.startswith("templates/_macros/") for name in expected)
    assert len(checkout_files("migrations", "versions/*.py")) >= 2
    assert expected - inside == set()
    # Precompressed copies for nginx's gzip_static, each the file's own bytes.
    archive = zipfile.ZipFile(wheel)
    texts = [name for name in names if name.startswith("materiality/static/")
             and name.endswith((".css", ".js", ".svg"))]
    assert texts
    for name in texts:
        assert gzip.decompress(archive.read(name + ".gz")) == archive.read(name)


def test_the_installed_wheel_serves_login_survey_and_matrix(tmp_path: Path):
    """pip install the wheel with [prod] into a new venv; flask db upgrade, create-user,
    seed-demo; gunicorn from a folder that is not the checkout; then use it."""
    venv = installed().venv
    bin_ = venv / "bin"
    work = tmp_path / "site"  # the working directory: INSTANCE_PATH defaults to ./instance
    work.mkdir()
    env = clean_environment(bin_)
    env.update(APP_ENV="production", SECRET_KEY="wheel-test-secret", SURVEY_MIN_SECONDS="0",
               DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}")

    # The package imported is the installed one, and it finds its folders inside itself.
    where = run([str(bin_ / "python"), "-c",
                 "import materiality as m; print(m.__file__); print(m.package_folder('templates'))"],
                cwd=work, env=env).split()
    site_packages = str(venv / "lib")
    assert all(path.startswith(site_packages) for path in where), where

    flask = [str(bin_ / "flask"), "--app", "materiality"]
    run([*flask, "db", "upgrade"], cwd=work, env=env)
    run([*flask, "create-user", "admin@example.org", "--role", "admin", "--password", PASSWORD],
        cwd=work, env=env)
    run([*flask, "seed-demo"], cwd=work, env=env)

    port = free_port()
    server = subprocess.Popen(
        [str(bin_ / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "materiality:create_app()"],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/healthz", [server])
        browser = Client(base)

        login_page = browser.get("/auth/login")
        assert login_page.status == 200 and 'name="password"' in login_page.text
        stylesheet = browser.get("/static/css/app.css")
        assert stylesheet.status == 200 and b"{" in stylesheet.body
        log_in(browser, "admin@example.org", PASSWORD)
        assert browser.get("/").status == 200

        # A respondent answers the first group's survey in full.
        links = create_survey_links(browser, 1)
        respondent = Client(base)
        path = next(p for p in links if survey_form(respondent, p) is not None)
        data = survey_form(respondent, path)
        sent = respondent.post(path, data)
        assert sent.status == 303, sent.text
        assert respondent.get(sent.location).status == 200
        with sqlite3.connect(tmp_path / "production.sqlite3") as database:
            stored = database.execute("SELECT count(*) FROM submission WHERE uid = ?",
                                      (data["uid"],)).fetchone()[0]
        assert stored == 1

        matrix = browser.get("/report/1/matrix.png")
        assert matrix.status == 200, matrix.status
        assert matrix.headers["Content-Type"] == "image/png"
        assert matrix.body.startswith(b"\x89PNG") and len(matrix.body) > 20_000
        for page, content_type in PAGES.items():
            reply = browser.get(page)
            assert reply.status == 200, (page, reply.status)
            assert reply.headers["Content-Type"].startswith(content_type), (page, reply.headers)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert "Traceback" not in output, output

    # In development the secret key is kept in the instance folder: ./instance by default,
    # INSTANCE_PATH when set; never next to the installed code.
    development = {key: value for key, value in env.items() if key not in ("APP_ENV", "SECRET_KEY")}
    show = [str(bin_ / "python"), "-c", "import materiality; print(materiality.create_app().instance_path)"]
    assert run(show, cwd=work, env=development).strip() == str(work / "instance")
    assert (work / "instance" / "secret_key").is_file()
    elsewhere = tmp_path / "state"
    assert run(show, cwd=work, env={**development, "INSTANCE_PATH": str(elsewhere)}).strip() == str(
        elsewhere)
    assert (elsewhere / "secret_key").is_file()
    assert not list(venv.rglob("secret_key"))
