"""No accessibility violation that axe-core finds, on any page, in Chromium (issue 13).

The pages are the ones tests/test_markup.py validates (tests/markup/pages.py), shown
at a phone's width, where wide tables scroll. The browser asks for each page and what
it loads (styles, scripts, images) through the app's test client of the same role and
language; the page itself is the HTML the walk rendered, so both checkers read the
same markup. An editor's copy of a page an admin also gets (the same address, language
and status) is the admin's without its admin-only controls: axe reads the admin's, the
HTML checker both (the walk is the suite's longest test).
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from markup.checkers import axe_missing, axe_violations, load_axe

ORIGIN = "http://markup.test"


def pages_to_walk(pages: list) -> list:
    """The pages, without an editor's copy of one an admin also got."""
    admins = {(p.locale, p.method, p.url, p.status) for p in pages if p.role == "admin"}
    return [p for p in pages
            if p.role != "editor" or (p.locale, p.method, p.url, p.status) not in admins]


@pytest.mark.browser
def test_no_page_has_axe_violations(rendered_site, browser):
    missing = axe_missing()
    if missing:
        pytest.skip(missing)
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True,
                                  reduced_motion="reduce")
    load_axe(context)
    tab = context.new_page()
    current = {}
    # What pages load (styles, scripts, chart images) is the same for every role: fetched
    # once per language. (Playwright's routing turns the browser's own cache off.)
    loaded: dict[tuple[str, str], tuple[int, bytes, dict]] = {}

    def serve(route) -> None:  # noqa: ANN001
        request = route.request
        shown = current["page"]
        if request.is_navigation_request() and request.url == ORIGIN + shown.url:
            route.fulfill(status=shown.status, content_type="text/html; charset=utf-8",
                          body=shown.html)
            return
        if not request.url.startswith(ORIGIN):
            route.abort()
            return
        key = (shown.locale, request.url)
        if request.method != "GET" or key not in loaded:
            parts = urlsplit(request.url)
            client = rendered_site.clients[shown.role, shown.locale]
            response = client.open(parts.path + (f"?{parts.query}" if parts.query else ""),
                                   method=request.method, data=request.post_data_buffer)
            loaded[key] = (response.status_code, response.get_data(), {
                name: value for name, value in response.headers.items()
                if name.lower() in ("content-type", "location")})
            response.close()
        status, body, headers = loaded[key]
        route.fulfill(status=status, body=body, headers=headers)

    tab.route("**/*", serve)
    report = []
    pages = pages_to_walk(rendered_site.pages)
    for shown in pages:
        current["page"] = shown
        tab.goto(ORIGIN + shown.url, wait_until="load")
        violations = axe_violations(tab)
        if violations:
            report.append(f"{shown.name}:\n    " + "\n    ".join(violations))
    context.close()
    assert any(p.role == "editor" for p in pages)  # the refused page, at least
    assert not report, (f"axe-core violations on {len(report)} of {len(pages)} pages:\n"
                        + "\n".join(report))
