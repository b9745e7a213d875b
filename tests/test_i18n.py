"""Bilingual from the first line: the user's choice, else the browser's language, else zh_CN."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po


def test_default_is_chinese(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page


def test_browser_language_is_used(client):
    page = client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in page.get_data(as_text=True)


def test_chosen_language_is_remembered(client):
    response = client.get("/lang/en?next=/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


def test_language_switch_never_redirects_elsewhere(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_every_page_has_the_language_switch(admin_client, demo_data):
    for path in ("/", "/admin/topics", "/admin/groups", "/admin/assessments"):
        page = admin_client.get(path).get_data(as_text=True)
        assert 'class="lang-switch"' in page, path


ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "src" / "materiality" / "translations"


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _untranslated(catalog) -> list:
    return [m.id for m in catalog if m.id and (m.fuzzy or not m.string or (
        isinstance(m.string, tuple) and not all(m.string)))]


def test_catalogs_cover_every_string_in_the_code(tmp_path):
    """Every message in the code and templates is in the catalogs (`make extract-messages`)."""
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--omit-header",
         "."],
        cwd=ROOT, capture_output=True, check=True)
    extracted = {m.id for m in _read(pot) if m.id}
    for locale in ("zh_Hans_CN", "en"):
        known = {m.id for m in _read(CATALOGS / locale / "LC_MESSAGES" / "messages.po") if m.id}
        missing = sorted(map(str, extracted - known))
        assert not missing, f"{locale}: run `make extract-messages` and translate: {missing[:10]}"


def test_catalogs_are_fully_translated():
    for locale in ("zh_Hans_CN", "en"):
        catalog = _read(CATALOGS / locale / "LC_MESSAGES" / "messages.po")
        assert not _untranslated(catalog), f"{locale}: {_untranslated(catalog)[:10]}"
