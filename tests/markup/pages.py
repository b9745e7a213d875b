"""Every page of the app, rendered once per test session for the markup checkers.

The walk follows the URL map (as tests/test_access.py does), so a new page is checked
without editing this file. Each GET address is filled with real ids of a seeded demo
(both demo assessments, a double-materiality one with an IRO, a link with invitation
codes, a deleted response) and fetched as an admin, an editor and an anonymous visitor,
in Chinese and in English. HTML answers of any status count (error pages too); redirects
and files do not. Then the form pages are posted empty once, for their error states,
and a survey is answered, for the thanks and "already answered" pages.

CSRF protection stays on while pages render, as in production: the hidden token field
is part of what the checkers read.
"""
from __future__ import annotations

import itertools
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

ROLES = ("admin", "editor", "anonymous")
LOCALES = ("zh_CN", "en")
PASSWORD = "correct horse battery"  # noqa: S105


@dataclass
class Page:
    """One rendered page: who asked for it, in which language, and its HTML."""

    role: str
    locale: str
    method: str
    url: str
    status: int
    html: str

    @property
    def name(self) -> str:
        """A label for failure messages: "admin en GET /admin/topics (200)"."""
        return f"{self.role} {self.locale} {self.method} {self.url} ({self.status})"

    @property
    def file_name(self) -> str:
        """A file name for the validator, unique per page."""
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.url).strip("-")[:100] or "root"
        return f"{self.role}-{self.locale}-{self.method}-{slug}.html"


@dataclass
class Site:
    """The rendered pages and a logged-in client per role and language (to fetch what
    the pages load: styles, scripts, images)."""

    app: Flask
    clients: dict[tuple[str, str], FlaskClient] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)


def _is_html(response) -> bool:  # noqa: ANN001
    return response.mimetype == "text/html" and not 300 <= response.status_code < 400


def _seed_extras() -> dict[str, list]:
    """Objects the demo lacks but pages show: a double-materiality assessment with an IRO,
    invitation codes, a deleted response. Returns the values for each URL variable."""
    from materiality.auth.operations import create_user
    from materiality.extensions import db
    from materiality.fieldwork.operations import delete_response, generate_codes
    from materiality.models import (
        Assessment,
        AssessmentTopic,
        GroupStatement,
        Iro,
        StakeholderGroup,
        Submission,
        SurveyLink,
        Topic,
    )

    admin = create_user("admin@example.org", PASSWORD, "admin")
    create_user("editor@example.org", PASSWORD, "editor")
    demo = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    double = Assessment(title="双重重要性 2025", reporting_year=2025, status="draft",
                        method="double", method_version="double-1")
    for link in demo.topic_links[:4]:
        double.topic_links.append(AssessmentTopic(topic_id=link.topic_id, position=link.position))
    db.session.add(double)
    db.session.flush()
    iro = Iro(assessment_id=double.id, topic_id=demo.topic_links[0].topic_id, kind="negative_impact",
              actuality="potential", own_operations=True, time_horizon="medium",
              description_zh="社区用水受影响", description_en="Community water use")
    db.session.add(iro)
    links = list(db.session.scalars(db.select(SurveyLink).where(
        SurveyLink.assessment_id == demo.id).order_by(SurveyLink.id)))
    coded = next((link for link in links if link.requires_code), links[-1])
    codes = generate_codes(coded, 3, note="董事会")
    submissions = list(db.session.scalars(db.select(Submission).where(
        Submission.assessment_id == demo.id).order_by(Submission.id).limit(2)))
    delete_response(submissions[1], "重复提交", admin.id)
    db.session.commit()
    return {
        "assessment_id": list(db.session.scalars(db.select(Assessment.id).order_by(Assessment.id))),
        "group_id": [db.session.scalar(db.select(StakeholderGroup.id).order_by(StakeholderGroup.id))],
        "topic_id": [db.session.scalar(db.select(Topic.id).order_by(Topic.id))],
        "statement_id": [db.session.scalar(db.select(GroupStatement.id).order_by(GroupStatement.id))],
        "link_id": [coded.id],
        "code_id": [codes[0].id],
        "iro_id": [iro.id],
        "submission_id": [s.id for s in submissions],
        "user_id": [admin.id],
        # The survey's links: one of each kind (stakeholder, general, company...).
        "survey.token": list({(link.kind, link.group_id is None, link.requires_code): link.token
                              for link in links}.values()) + ["unknown0token0000000000"],
        "survey.code": [codes[1].code],
    }


def _urls(app: Flask, values: dict[str, list]) -> list[tuple[str, str]]:
    """(endpoint, address) for every GET rule, its variables filled from ``values``."""
    from materiality.auth.operations import reset_token
    from materiality.extensions import db
    from materiality.models import User

    user = db.session.scalar(db.select(User).order_by(User.id))
    values = {**values, "auth.token": [reset_token(user, app.config["SECRET_KEY"]), "bad-token"]}
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in ("static", "main.set_language"):
            continue
        choices = []
        for converter, name in re.findall(r"<(?:([^:>]+):)?([^>]+)>", rule.rule):
            blueprint = rule.endpoint.partition(".")[0]
            if converter.startswith("any("):
                choices.append([(name, option.strip()) for option in converter[4:-1].split(",")])
            else:
                options = values.get(f"{blueprint}.{name}", values.get(name, ["1"]))
                choices.append([(name, option) for option in options])
        for combination in itertools.product(*choices):
            urls.append((rule.endpoint, rule.build(dict(combination), append_unknown=False)[1]))
    return urls


def _client(app: Flask, role: str, locale: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("lang", locale)
    if role != "anonymous":
        app.config["WTF_CSRF_ENABLED"] = False
        client.post("/auth/login", data={"email": f"{role}@example.org", "password": PASSWORD})
        app.config["WTF_CSRF_ENABLED"] = True
    return client


def build_site(template: Path, directory: Path) -> Site:
    """Seed a copy of the migrated SQLite template and render every page (see module doc)."""
    from materiality import create_app
    from materiality.extensions import db
    from materiality.seed import seed_demo

    path = directory / "markup.sqlite3"
    shutil.copyfile(template, path)
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False,
                      "SURVEY_MIN_SECONDS": 0, "PUBLIC_BASE_URL": "", "WTF_CSRF_ENABLED": True})
    site = Site(app)
    with app.app_context():
        seed_demo()
        db.session.commit()
        values = _seed_extras()
        urls = _urls(app, values)
        db.session.remove()
    from materiality.auth.access import is_admin_endpoint, is_public_endpoint

    for role, locale in itertools.product(ROLES, LOCALES):
        site.clients[role, locale] = client = _client(app, role, locale)
        for endpoint, url in urls:
            if (role == "anonymous") != is_public_endpoint(app, endpoint):
                continue  # staff pages for staff; the public ones (survey, login) anonymously
            if role == "editor" and is_admin_endpoint(app, endpoint):
                continue  # a 403 page, checked once below
            _fetch(site, client, role, locale, "GET", url)
        # Error pages: a missing page for everyone, a refused one for the editor.
        _fetch(site, client, role, locale, "GET", "/no-such-page")
        if role == "editor":
            _fetch(site, client, role, locale, "GET", "/admin/users")
    _post_forms(site, urls)
    _answer_a_survey(site, values["survey.token"][0])
    return site


def _fetch(site: Site, client: FlaskClient, role: str, locale: str, method: str, url: str,
           data: dict | None = None) -> None:
    response = client.open(url, method=method, data=data)
    if _is_html(response):
        site.pages.append(Page(role, locale, method, url, response.status_code,
                               response.get_data(as_text=True)))
    response.close()


def _post_forms(site: Site, urls: list[tuple[str, str]]) -> None:
    """Each page with a form, posted empty: its error messages are markup too."""
    app = site.app
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        for locale in LOCALES:
            for endpoint, url in urls:
                if endpoint in posted and not url.endswith("unknown0token0000000000"):
                    _fetch(site, site.clients["admin", locale], "admin", locale, "POST", url, {})
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def _answer_a_survey(site: Site, url_token: str) -> None:
    """The thanks page and, on a second visit, "you have already answered"."""
    from survey_helpers import fill

    for locale in LOCALES:
        client = site.clients["anonymous", locale]
        url = f"/s/{url_token}"
        _data, response = fill(client, url)
        thanks = response.headers.get("Location", "")
        response.close()
        if thanks:
            _fetch(site, client, "anonymous", locale, "GET", urlsplit(thanks)._replace(
                scheme="", netloc="").geturl())
        _fetch(site, client, "anonymous", locale, "GET", url)
