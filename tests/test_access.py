"""Deny by default: walk the whole URL map as an anonymous visitor and as an editor.

Later features add endpoints; this test covers them without being edited.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from materiality.auth.access import is_admin_endpoint, is_public_endpoint


def _sample_url(rule) -> str:
    """Fill every URL variable with a plausible value."""

    def value(match: re.Match) -> str:
        converter, _sep, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        if converter in ("int", "float"):
            return "1"
        if converter == "path":
            return "x/y"
        return "x"

    return re.sub(r"<([^>]+)>", value, rule.rule)


def _rules(app):
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule, method


def test_every_private_endpoint_refuses_anonymous_visitors(app, client):
    checked = 0
    for rule, method in _rules(app):
        if is_public_endpoint(app, rule.endpoint):
            continue
        response = client.open(_sample_url(rule), method=method)
        assert response.status_code in (302, 401), (rule.rule, method, response.status_code)
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], rule.rule
        checked += 1
    assert checked > 20


def test_every_admin_endpoint_refuses_editors(app, editor_client):
    checked = 0
    for rule, method in _rules(app):
        if is_public_endpoint(app, rule.endpoint) or not is_admin_endpoint(app, rule.endpoint):
            continue
        response = editor_client.open(_sample_url(rule), method=method)
        assert response.status_code == 403, (rule.rule, method, response.status_code)
        checked += 1
    assert checked > 15


@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/static/css/app.css"])
def test_public_pages_need_no_login(client, path):
    response = client.get(path)
    assert response.status_code == 200
    response.close()


class _ParagraphNesting(HTMLParser):
    """Finds a block (a form, a list, a table...) opened inside a paragraph.

    Browsers close the paragraph there, silently: the page then has an empty
    paragraph after the block and its flex or grid layout breaks (it did, twice).
    """

    BLOCKS = frozenset({"address", "article", "aside", "blockquote", "details", "div", "dl",
                        "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
                        "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section",
                        "table", "ul"})

    def __init__(self) -> None:
        super().__init__()
        self.in_paragraph = False
        self.misplaced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS and self.in_paragraph:
            self.misplaced.append(f"<{tag}> at line {self.getpos()[0]}")
        if tag in self.BLOCKS:
            self.in_paragraph = tag == "p"

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.in_paragraph = False


@pytest.mark.usefixtures("demo_data")
def test_no_page_opens_a_block_inside_a_paragraph(app, admin_client):
    checked = 0
    for rule, method in _rules(app):
        if method != "GET":
            continue
        response = admin_client.get(_sample_url(rule))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        nesting = _ParagraphNesting()
        nesting.feed(response.get_data(as_text=True))
        assert nesting.misplaced == [], (rule.rule, nesting.misplaced)
        checked += 1
    assert checked > 15
