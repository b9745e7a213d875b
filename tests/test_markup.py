"""Valid HTML on every page: the Nu HTML checker finds no error (issue 13).

The pages are every GET address of the URL map, for each role and language, with the
forms' error states, the survey's states and the error pages (tests/markup/pages.py).
The validator runs once over all of them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from markup.checkers import validate, vnu_missing


def test_the_walk_reaches_every_kind_of_page(rendered_site):
    names = [page.name for page in rendered_site.pages]
    for expected in ("admin zh_CN GET /admin/topics (200)", "editor en GET /report/1/scores (200)",
                     "anonymous en GET /auth/login (200)", "editor zh_CN GET /admin/users (403)",
                     "admin en GET /no-such-page (404)"):
        assert expected in names
    assert any(page.role == "anonymous" and page.url.startswith("/s/") and page.status == 200
               and 'name="t' in page.html for page in rendered_site.pages)
    assert len({page.url for page in rendered_site.pages}) > 60


def test_every_page_is_valid_html(rendered_site, tmp_path):
    missing = vnu_missing()
    if missing:
        pytest.skip(missing)
    files = {}
    for index, page in enumerate(rendered_site.pages):
        path = tmp_path / f"{index:04d}-{page.file_name}"
        path.write_text(page.html, encoding="utf-8")
        files[path] = page
    findings = validate(list(files))
    report = [f"{files[path].name}:\n    " + "\n    ".join(errors)
              for path, errors in sorted(findings.items(), key=lambda item: str(item[0]))]
    assert not report, (f"{sum(map(len, findings.values()))} HTML errors on {len(report)} of "
                        f"{len(files)} pages:\n" + "\n".join(report))


def test_every_scrolling_table_can_be_scrolled_from_the_keyboard():
    """A table wrapper that scrolls sideways on a phone takes the focus and has a name
    (axe's scrollable-region-focusable; the browser test sees only tables that overflow)."""
    templates = Path(__file__).parents[1] / "templates"
    wrappers = []
    for path in sorted(templates.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r'<div class="(?:[^"]* )?table-scroll\b[^>]*>', text):
            if not all(part in tag for part in ('role="region"', 'tabindex="0"', "aria-label")):
                wrappers.append(f"{path.relative_to(templates)}: {tag}")
    assert wrappers == [], "add role=\"region\" tabindex=\"0\" aria-label=\"…\":\n" + "\n".join(wrappers)
