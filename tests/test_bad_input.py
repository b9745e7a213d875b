"""The bad-input corpus: what an attacker (or a confused browser) sends, on every endpoint.

Each case is sent as an anonymous visitor, as an editor and as an admin, on each database.
No case may get a server error. A case marked refused must leave every table's row
count as it was (it answers 4xx, shows the form again with its errors, or redirects
with a message);
the others may store something, and at the end nothing stored may be harmful: no
control characters, no non-finite numbers, no label outside the plot.

The URL map is walked: every endpoint must have cases here, and every rule also gets
generated ones (huge, negative and non-ASCII-digit ids, wrong methods, odd bodies).
"""
from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from conftest import make_user
from sqlalchemy import Float, String, Text, func
from survey_helpers import hidden_fields, topic_fields

from materiality.extensions import db
from materiality.fieldwork.operations import create_assessor_link, ensure_links, generate_codes
from materiality.models import (
    Assessment,
    AssessmentTopic,
    Category,
    GroupStatement,
    Iro,
    LabelPosition,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
)

HUGE = "9" * 30
CONTROL = "a\x00b\x01c\x1bd\x7fe\x85f"
LONG = "x" * 20_000
SUPERSCRIPT_TWO = "²"
ARABIC_THREE = "٣"
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)",
            "=cmd|' /C calc'!A0")
NON_UTF8 = b"\xff\xfe\xc3\x28"


@dataclass
class Case:
    """One request. ``data`` may be a function of the client (for a fresh survey stamp)."""

    method: str
    path: str
    data: object = None
    refused: bool = True
    content_type: str | None = None
    query_string: bytes | str | None = None
    headers: dict = field(default_factory=dict)

    def send(self, client):  # noqa: ANN001, ANN201
        data = self.data(client) if callable(self.data) else self.data
        content_type = self.content_type
        if isinstance(data, tuple):  # a body with its own content type
            data, content_type = data
        kwargs = {"method": self.method, "headers": self.headers}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        if self.query_string is not None:
            kwargs["query_string"] = self.query_string
        return client.open(self.path, **kwargs)


# -- the data the corpus attacks ----------------------------------------------------------

def build_world() -> dict:
    """A small library, one open assessment with links, codes and responses; the staff."""
    categories = list(db.session.scalars(db.select(Category).order_by(Category.id)))
    topics = [Topic(name_zh=f"议题{i}", name_en=f"Topic {i}", category_id=categories[i % 4].id)
              for i in range(4)]
    groups = [StakeholderGroup(name_zh=f"群体{i}", name_en=f"Group {i}", position=i,
                               invitation_only=(i == 2)) for i in range(3)]
    db.session.add_all(topics + groups)
    db.session.flush()
    statement = GroupStatement(group_id=groups[0].id, kind="expectation", position=0,
                               text_en="Fair pay")
    assessment = Assessment(title="Corpus", reporting_year=2025, status="open")
    assessment.topic_links = [AssessmentTopic(topic_id=t.id, position=i)
                              for i, t in enumerate(topics[:3])]
    db.session.add_all([statement, assessment])
    db.session.flush()
    ensure_links(assessment, groups)
    links = list(db.session.scalars(db.select(SurveyLink).where(
        SurveyLink.assessment_id == assessment.id).order_by(SurveyLink.id)))
    by_group = {link.group_id: link for link in links if link.kind == "stakeholder"}
    company = next(link for link in links if link.kind == "company" and not link.rater_kind)
    feedback = next(link for link in links if link.kind == "feedback")
    codes = generate_codes(by_group[groups[2].id], 3)
    company_codes = generate_codes(company, 2)
    db.session.add(LabelPosition(assessment_id=assessment.id, topic_id=topics[0].id,
                                 locale="en", x=3.0, y=3.0))
    double = Assessment(title="Corpus double", reporting_year=2025, status="open",
                        method="double", method_version="double-1")
    double.topic_links = [AssessmentTopic(topic_id=t.id, position=i)
                          for i, t in enumerate(topics[:3])]
    db.session.add(double)
    db.session.flush()
    risk = Iro(assessment_id=double.id, topic_id=topics[0].id, kind="risk",
               own_operations=True, time_horizon="short", description_en="=1+1")
    db.session.add(risk)
    panel = add_assessor_panel(double, topics[1], risk)
    make_user("admin@example.org", "admin")
    make_user("editor@example.org", "editor")
    db.session.commit()
    return {**panel,
        "assessment": assessment.id, "topic": topics[0].id, "topic_out": topics[3].id,
        "group": groups[0].id, "statement": statement.id,
        "link": by_group[groups[0].id].id, "token": by_group[groups[0].id].token,
        "general": by_group[None].token, "feedback": feedback.token,
        "code": codes[0].code, "code_id": codes[0].id, "company_code": company_codes[0].code,
        "topics_asked": [t.id for t in topics[:3]], "double": double.id,
    }


def add_assessor_panel(double: Assessment, topic: Topic, risk: Iro) -> dict:
    """An actual negative impact beside the double-materiality assessment's risk, and an
    assessor link (the assessor says how they take part) with two codes."""
    impact = Iro(assessment_id=double.id, topic_id=topic.id, kind="negative_impact",
                 actuality="actual", upstream=True, time_horizon="long", description_zh="泄漏")
    db.session.add(impact)
    db.session.flush()
    codes = generate_codes(create_assessor_link(double, None), 2)
    return {"iro_actual": impact.id, "iro_risk": risk.id,
            "assessor_codes": [code.code for code in codes]}


def add_responses(client, world: dict) -> None:  # noqa: ANN001
    """Two real stakeholder responses through the survey form."""
    for _ in range(2):
        post_survey(client, f"/s/{world['token']}", {"expectations": "Safe work"})
    world["submission"] = db.session.scalar(db.select(Submission.id).order_by(Submission.id))


def survey_fields(client, path: str) -> dict:  # noqa: ANN001
    """The hidden fields and a complete set of ratings, from a fresh GET of the form."""
    page = client.get(path)
    html = page.get_data(as_text=True)
    data = hidden_fields(html)
    for name in topic_fields(html):
        data[name] = "4"
    return data


def post_survey(client, path: str, overrides: dict):  # noqa: ANN001, ANN201
    data = survey_fields(client, path)
    data.update(overrides)
    return client.post(path, data=data)


def assessor_case(path: str, overrides: dict, refused: bool = True) -> Case:
    """An assessor questionnaire POST: a fresh stamp, a level for every criterion asked,
    then the overrides."""

    def data(client) -> dict:  # noqa: ANN001
        html = client.get(path).get_data(as_text=True)
        fields = hidden_fields(html)
        fields.update(dict.fromkeys(re.findall(r'name="(r[0-9]+_[a-z]+)"', html), "3"))
        fields.update(overrides)
        return {k: v for k, v in fields.items() if v is not None}

    return Case("POST", path, data, refused=refused)


def survey_case(path: str, overrides: dict, refused: bool = True) -> Case:
    """A survey POST with a valid stamp and complete answers, then the overrides."""

    def data(client) -> dict:  # noqa: ANN001
        fields = survey_fields(client, path)
        fields.update(overrides)
        return {k: v for k, v in fields.items() if v is not None}

    return Case("POST", path, data, refused=refused)


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, mimetype: str = "application/octet-stream") -> Callable:
    """A multipart body built in memory (the test client spools big ones to a file it
    never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(content), name, "file", mimetype)})
    return lambda client: (body, f"multipart/form-data; boundary={boundary}")


# -- the hand-written cases -----------------------------------------------------------------

def topic_form(**overrides) -> dict:  # noqa: ANN003
    data = {"name_zh": "新议题", "name_en": "New topic", "category_id": "1",
            "description_zh": "", "description_en": "", "cass_codes": "", "gri_codes": "",
            "esrs_codes": "", "guideline_codes": ""}
    data.update(overrides)
    return data


def assessment_form(**overrides) -> dict:  # noqa: ANN003
    data = {"title": "Another", "reporting_year": "2026", "opens_on": "", "closes_on": "",
            "intro_zh": "", "intro_en": "", "privacy_zh": "", "privacy_en": ""}
    data.update(overrides)
    return data


def bad_texts(single_line: bool = True) -> list[str]:
    """Text every text input must refuse (or clean)."""
    texts = ["nul\x00byte", "\x00", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85\x9b"]
    if single_line:
        texts += ["line\nbreak", "tab\there", "cr\rhere"]
    return texts


def library_cases(w: dict) -> list[Case]:
    cases: list[Case] = []
    t = w["topic"]
    for bad in bad_texts():
        cases.append(Case("POST", "/admin/topics/new", topic_form(name_zh=bad, name_en="")))
        cases.append(Case("POST", f"/admin/topics/{t}/edit", topic_form(name_en=bad)))
        cases.append(Case("POST", "/admin/topics/new", topic_form(gri_codes=bad, name_en="x1")))
        cases.append(Case("POST", "/admin/topics/new",
                          topic_form(guideline_codes=bad, name_en="x2")))
        cases.append(Case("POST", "/admin/categories", {"key": "k", "name_zh": bad}))
        cases.append(Case("POST", "/admin/groups/new", {"name_zh": bad, "weight": "1"}))
        cases.append(Case("POST", f"/admin/groups/{w['group']}", {"name_en": bad, "weight": "1"}))
        cases.append(Case("POST", "/admin/assessments/new", assessment_form(title=bad)))
        cases.append(Case("POST", f"/admin/assessments/{w['assessment']}/copy",
                          {"title": bad, "reporting_year": "2027"}))
    for bad in bad_texts(single_line=False):
        cases.append(Case("POST", "/admin/topics/new", topic_form(description_en=bad)))
        cases.append(Case("POST", f"/admin/groups/{w['group']}/expectation/new", {"text_en": bad}))
        cases.append(Case("POST", f"/admin/statements/{w['statement']}/edit", {"text_zh": bad}))
        cases.append(Case("POST", f"/admin/assessments/{w['assessment']}/edit",
                          assessment_form(title="Corpus", reporting_year="2025", intro_en=bad)))
        cases.append(Case("POST", f"/fieldwork/links/{w['link']}/codes", {"count": "1", "note": bad}))
    for formula in FORMULAS[:3]:
        cases.append(Case("POST", f"/fieldwork/links/{w['link']}/codes",
                          {"count": "1", "note": formula}, refused=False))
        cases.append(Case("POST", f"/admin/groups/{w['group']}/expectation/new",
                          {"text_en": formula}, refused=False))
        cases.append(Case("POST", "/admin/topics/new",
                          topic_form(name_zh=formula, name_en=formula[::-1]), refused=False))
    cases += [
        Case("POST", "/admin/topics/new", topic_form(name_zh=LONG)),
        Case("POST", "/admin/topics/new", topic_form(description_en=LONG)),
        Case("POST", "/admin/topics/new", topic_form(guideline_codes=LONG)),
        Case("POST", "/admin/topics/new", topic_form(category_id=SUPERSCRIPT_TWO)),
        Case("POST", "/admin/topics/new", topic_form(category_id=HUGE)),
        Case("POST", "/admin/topics/new", topic_form(category_id="-1")),
        Case("POST", "/admin/topics/new", topic_form(name_zh="", name_en="  ")),
        Case("POST", "/admin/topics/new", topic_form(name_zh="议题0")),  # a duplicate
        Case("POST", "/admin/categories", {"key": "Bad Key!", "name_en": "x"}),
        Case("POST", "/admin/categories", {"key": "k" * 500, "name_en": "x"}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": "nan"}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": "inf"}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": "-inf"}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": "1e400"}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": "0"}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": SUPERSCRIPT_TWO}),
        Case("POST", "/admin/groups/new", {"name_en": "W", "weight": HUGE}),
        Case("POST", f"/admin/groups/{w['group']}/expectation/new", {"text_en": LONG}),
        Case("POST", f"/admin/groups/{w['group']}/expectation/new", {}),
        Case("POST", "/admin/assessments/new", assessment_form(reporting_year=HUGE)),
        Case("POST", "/admin/assessments/new", assessment_form(reporting_year=SUPERSCRIPT_TWO)),
        Case("POST", "/admin/assessments/new", assessment_form(reporting_year="-2025")),
        Case("POST", "/admin/assessments/new", assessment_form(opens_on="0001-01-01")),
        Case("POST", "/admin/assessments/new", assessment_form(closes_on="9999-12-31")),
        Case("POST", "/admin/assessments/new", assessment_form(opens_on="2025-13-45")),
        Case("POST", "/admin/assessments/new", assessment_form(opens_on="2025-02-30")),
        Case("POST", "/admin/assessments/new",
             assessment_form(opens_on="2026-05-01", closes_on="2026-04-01")),
        Case("POST", "/admin/assessments/new", assessment_form(title="x" * 201)),
        Case("POST", f"/admin/assessments/{w['assessment']}/copy",
             {"title": "Copy", "reporting_year": HUGE}),
        Case("POST", f"/admin/assessments/{w['assessment']}/copy",
             {"title": "Corpus", "reporting_year": "2025"}),  # exists already
        # The topic list of an assessment with responses cannot change; odd positions.
        Case("POST", f"/admin/assessments/{w['assessment']}/topics",
             {f"use_{w['topic']}": "on", f"position_{w['topic']}": "nan"}),
        Case("POST", f"/admin/assessments/{w['assessment']}/topics",
             {f"use_{w['topic']}": "on", f"position_{w['topic']}": "\x00"}),
        Case("POST", f"/admin/assessments/{w['assessment']}/topics",
             {f"use_{w['topic']}": "on", f"position_{w['topic']}": HUGE + "e999"}),
        Case("POST", f"/admin/assessments/{w['assessment']}/topics",
             {f"use_{HUGE}": "on", f"position_{HUGE}": "1"}),
        Case("POST", "/admin/users", {"email": "a\x00@example.org", "role": "admin",
                                      "password": "long enough password"}),
        Case("POST", "/admin/users", {"email": "new@example.org", "role": "root",
                                      "password": "long enough password"}),
        Case("POST", "/admin/users", {"email": "x" * 300 + "@example.org", "role": "editor",
                                      "password": "long enough password"}),
        Case("POST", "/admin/users", {"email": "new@example.org", "role": "editor",
                                      "password": "short"}),
        # Searches and filters.
        Case("GET", "/admin/topics", query_string={"q": "\x00"}, refused=False),
        Case("GET", "/admin/topics", query_string={"q": "a\x00b%_\\"}, refused=False),
        Case("GET", "/admin/topics", query_string={"q": LONG}, refused=False),
        Case("GET", "/admin/topics", query_string={"category": HUGE}, refused=False),
        Case("GET", "/admin/topics", query_string={"category": SUPERSCRIPT_TWO}, refused=False),
        Case("GET", "/admin/topics", query_string={"category": "-1", "show": "\x00"},
             refused=False),
        Case("GET", "/admin/topics", query_string="q=%ff%fe%00&category=%c3%28", refused=False),
        Case("GET", "/admin/topics", query_string="q=%ff%fe%c3%28", refused=False),
    ]
    return cases


def import_cases() -> list[Case]:
    path = "/admin/topics/import"
    header = "name_zh,name_en,category\n"
    good = header + "导入议题,Imported topic,social\n"
    wide = ",".join(f"c{i}" for i in range(20_000)) + "\n"
    zip_bomb = io.BytesIO()
    with zipfile.ZipFile(zip_bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * 30_000_000)
    cases = [
        Case("POST", path, upload("t.csv", (header + "坏\x00名,Bad,social\n").encode())),
        Case("POST", path, upload("t.csv", (header + "坏名,Bad\x1b,social\n").encode())),
        Case("POST", path, upload("t.csv", (header + "ok,multi\nline,social\n").encode())),
        Case("POST", path, upload("t.csv", b"name_zh\x00,category\nx,social\n")),
        Case("POST", path, upload("t.csv", "name_zh,category\n".encode("utf-16"))),
        Case("POST", path, upload("t.csv", header.encode() + NON_UTF8 + b",x,social\n")),
        Case("POST", path, upload("t.csv", b"")),
        Case("POST", path, upload("t.csv", b"\x00" * 1000)),
        Case("POST", path, upload("t.csv", wide.encode())),
        Case("POST", path, upload("t.csv", (header + "a,b,social\n" * 6000).encode())),
        Case("POST", path, upload("t.csv", (header + f"{LONG},b,social\n").encode())),
        Case("POST", path, upload("t.csv", (header + 'x,"unclosed,social\n').encode())),
        Case("POST", path, upload("t.csv", (header + "x," + "y" * 200_000 + ",social\n").encode())),
        Case("POST", path, upload("t.csv", good.encode() + b"x" * 3_000_000)),
        Case("POST", path, upload("t.exe", good.encode())),
        Case("POST", path, upload("../../etc/passwd.csv", b"root:x:0:0\n")),
        Case("POST", path, upload("t.xlsx", b"PK\x03\x04 not really a zip")),
        Case("POST", path, upload("t.xlsx", good.encode())),
        Case("POST", path, upload("t.xlsx", zip_bomb.getvalue())),
        Case("POST", path, upload("t.xlsx", xlsx_bytes(
            [["name_zh", "name_en", "category"], ["坏\t名", "Bad\nname", "social"]]))),
        Case("POST", path, upload("t.xlsx", xlsx_bytes(
            [["name_zh", "name_en", "category"]] + [["a", "b", "social"]] * 5100))),
        Case("POST", path, upload("t.xlsx", xlsx_bytes(
            [[f"c{i}" for i in range(500)]]))),
        Case("POST", path, upload("t.xlsx", xlsx_bytes(
            [["name_zh", "name_en", "category"], [float("nan"), 1e308, "social"]]))),
        Case("POST", path, {}),
        Case("POST", path, {"file": "not a file"}),
        Case("POST", path, b"--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n",
             content_type="multipart/form-data; boundary=xyz"),
        Case("POST", path, b"garbage", content_type="multipart/form-data"),
        Case("POST", path, b"garbage", content_type="multipart/form-data; boundary="),
    ]
    # Formula injection: stored as text, and every export must neutralise it.
    for formula in FORMULAS[:2]:
        cases.append(Case("POST", path, upload("f.csv", (header + f'"{formula}",,social\n').encode()),
                          refused=False))
    return cases


def fieldwork_cases(w: dict) -> list[Case]:
    a, link = w["assessment"], w["link"]
    cases = [
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": HUGE}),
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": "10" * 15}),
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": "-1"}),
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": "0"}),
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": SUPERSCRIPT_TWO}),
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": "1e3"}),
        Case("GET", f"/fieldwork/assessments/{a}/responses", query_string={"page": "\x00"}),
        Case("POST", f"/fieldwork/assessments/{a}/targets", {f"target_{w['group']}": SUPERSCRIPT_TWO}),
        Case("POST", f"/fieldwork/assessments/{a}/targets", {f"target_{w['group']}": ARABIC_THREE}),
        Case("POST", f"/fieldwork/assessments/{a}/targets", {f"target_{w['group']}": HUGE}),
        Case("POST", f"/fieldwork/assessments/{a}/targets", {f"target_{w['group']}": "-5"}),
        Case("POST", f"/fieldwork/assessments/{a}/targets", {f"target_{w['group']}": "1.5"}),
        Case("POST", f"/fieldwork/assessments/{a}/targets", {f"target_{w['group']}": "\x00"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": "0001-01-01T00:00"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": "0001-01-01T07:59"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": "9999-12-31T23:59"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": "2026-02-30T10:00"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": "2026-01-01T25:61"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": "\x00"}),
        Case("POST", f"/fieldwork/links/{link}/closing", {"closes_at": HUGE}),
        Case("POST", f"/fieldwork/links/{link}/codes", {"count": HUGE}),
        Case("POST", f"/fieldwork/links/{link}/codes", {"count": SUPERSCRIPT_TWO}),
        Case("POST", f"/fieldwork/links/{link}/codes", {"count": "-1"}),
        Case("POST", f"/fieldwork/links/{link}/codes", {"count": "0"}),
        Case("POST", f"/fieldwork/links/{link}/codes", {"count": "1", "note": "x" * 201}),
        *(Case("POST", f"/fieldwork/responses/{w['submission']}/delete",
               {"confirmed": "yes", "reason": reason})
          for reason in ("\x00", "", LONG, "bad\x00why")),
    ]
    return cases


def assessor_cases(w: dict) -> list[Case]:
    """The assessor panel: its questionnaire, its link, the wording of its scales."""
    first, last = (f"/i/{code}" for code in w["assessor_codes"])
    scale, magnitude = f"r{w['iro_actual']}_scale", f"r{w['iro_risk']}_magnitude"
    dm = w["double"]
    anchors = f"/fieldwork/assessments/{dm}/anchors"
    cases = [assessor_case(first, {scale: value, "rater_kind": "management"}) for value in (
        "6", "0", SUPERSCRIPT_TWO, ARABIC_THREE, "\x00", "3\x00", HUGE, "", None, "dk ")]
    cases += [
        assessor_case(first, {"rater_kind": "\x00"}),
        assessor_case(first, {"rater_kind": "board", magnitude: "dk"}),
        assessor_case(first, {f"r{w['iro_actual']}_likelihood": "3", "rater_kind": "management"}),
        assessor_case(first, {f"r{w['iro_risk']}_scale": "dk", "rater_kind": "management"}),
        assessor_case(first, {f"r{HUGE}_scale": "3", "rater_kind": "management"}),
        assessor_case(first, {"uid": "\x00", "rater_kind": "management"}),
        assessor_case(first, {"stamp": LONG, "rater_kind": "management"}),
        Case("POST", first, {"uid": "x", "stamp": "y", scale: "3"}),
        Case("POST", first, NON_UTF8, content_type="application/x-www-form-urlencoded"),
        assessor_case(first, {f"r{w['iro_actual']}_{LONG}": "3", "rater_kind": "management"}),
        assessor_case(first, {f"r{w['iro_actual']}_scale_x": "3", "rater_kind": "management"}),
        # A field that is no rating is ignored: the answer is stored (and the code used).
        assessor_case(first, {"remark": LONG, "rater_kind": "management"}, refused=False),
        assessor_case(last, {"rater_kind": "external_expert", magnitude: "dk",
                             "locale": "\x00"}, refused=False),
        assessor_case(last, {"rater_kind": "external_expert"}),  # the code is used
        Case("POST", f"/fieldwork/assessments/{dm}/links/assessor", {"rater_kind": "\x00"}),
        Case("POST", f"/fieldwork/assessments/{dm}/links/assessor", {"rater_kind": "board"}),
        Case("POST", f"/fieldwork/assessments/{dm}/links/assessor", {"rater_kind": LONG}),
        Case("POST", f"/fieldwork/assessments/{w['assessment']}/links/assessor",
             {"rater_kind": "management"}),  # a classic assessment has none
        Case("POST", anchors, {"scale_1_en": LONG}),
        Case("POST", anchors, {"scale_1_en": "x" * 301}),
        Case("POST", anchors, {"reason": LONG}),
        Case("POST", anchors, {"scale_1_en": "\x00"}),
        Case("POST", anchors, {"scale_1_zh": "ok", "reason": "bad\x00"}),
        Case("POST", anchors, {"magnitude_6_en": "no such level", "severity_1_en": "x"},
             refused=False),
        Case("GET", anchors, query_string={"locale": "\x00"}, refused=False),
    ]
    cases += [Case("POST", anchors, {"likelihood_2_zh": bad}) for bad in bad_texts(False)]
    cases += [Case("POST", anchors, {"scope_3_en": formula}, refused=False)
              for formula in FORMULAS[:2]]
    return cases


def report_cases(w: dict) -> list[Case]:
    a, t = w["assessment"], w["topic"]
    labels = f"/report/{a}/matrix/labels"
    cases = []
    for value in ("nan", "inf", "-inf", "1e400", "\x00", SUPERSCRIPT_TWO, "NaN", "Infinity", ""):
        cases.append(Case("POST", labels, {"locale": "en", f"x_{t}": value, f"y_{t}": "3",
                                           f"ox_{t}": "2", f"oy_{t}": "2"}))
    for value in ("1e308", "-1e308", HUGE):  # finite: kept on the plot's edge
        cases.append(Case("POST", labels, {"locale": "en", f"x_{t}": value, f"y_{t}": value,
                                           f"ox_{t}": "2", f"oy_{t}": "2"}, refused=False))
    cases += [
        Case("POST", labels, {"locale": "\x00", f"x_{t}": "3", f"y_{t}": "3"}, refused=False),
        Case("POST", labels, {"locale": "en", f"x_{HUGE}": "3", f"y_{HUGE}": "3"}, refused=False),
        Case("POST", labels, {"locale": "en", f"x_{w['topic_out']}": "3",
                              f"y_{w['topic_out']}": "3"}, refused=False),
        Case("POST", labels, {"locale": "en", f"x_{t}": "1e6", f"y_{t}": "-1e6"}, refused=False),
        Case("POST", labels, json.dumps({f"x_{t}": 1e308}), content_type="application/json",
             refused=False),
        Case("POST", f"/report/{a}/matrix/labels/reset", {"confirmed": "yes", "locale": "\x00"},
             refused=False),
        Case("GET", f"/report/{a}/matrix", query_string={"size": "\x00", "dpi": HUGE,
                                                          "locale": "\x00", "zoom": "\x00"},
             refused=False),
        Case("GET", f"/report/{a}/matrix.svg", query_string={"dpi": "-1", "size": LONG},
             refused=False),
        Case("GET", f"/report/{a}/topics.csv", query_string={"locale": "\x00"}, refused=False),
        Case("GET", f"/report/{a}/raw.csv", query_string={"locale": LONG}, refused=False),
        Case("POST", f"/report/{a}/scores/settings",
             {"threshold_mode": "value", "threshold_company": "nan", "threshold_stakeholder": "3",
              "weight_management": "1", "weight_internal_expert": "1",
              "weight_external_expert": "1"}),
        Case("POST", f"/report/{a}/scores/settings",
             {"threshold_mode": "midpoint", "weight_management": "nan",
              "weight_internal_expert": "1", "weight_external_expert": "1"}),
        Case("POST", f"/report/{a}/scores/settings",
             {"threshold_mode": "top_n", "top_n": HUGE, "weight_management": "1",
              "weight_internal_expert": "1", "weight_external_expert": "1"}),
        Case("POST", f"/report/{a}/scores/settings",
             {"threshold_mode": "\x00", "weight_management": "1",
              "weight_internal_expert": "1", "weight_external_expert": "1"}),
        Case("POST", f"/report/{a}/scores/settings",
             {"threshold_mode": "quantile", "quantile": "inf", "weight_management": "1",
              "weight_internal_expert": "1", "weight_external_expert": "1"}),
        Case("POST", f"/report/{a}/scores/overrides", {"topic_id": str(t), "score": "nan",
                                                      "reason": "why"}),
        Case("POST", f"/report/{a}/scores/overrides", {"topic_id": HUGE, "score": "3",
                                                      "reason": "why"}),
        Case("POST", f"/report/{a}/scores/overrides", {"topic_id": SUPERSCRIPT_TWO, "score": "3",
                                                      "reason": "why"}),
        Case("POST", f"/report/{a}/scores/overrides", {"topic_id": str(t), "score": "3",
                                                      "reason": "bad\x00reason"}),
        Case("POST", f"/report/{a}/scores/overrides", {"topic_id": str(w["topic_out"]),
                                                      "score": "3", "reason": "why"}),
        Case("POST", f"/report/{a}/responses/promote", {"submission_id": SUPERSCRIPT_TWO,
                                                       "field": "expectations"}),
        Case("POST", f"/report/{a}/responses/promote", {"submission_id": HUGE,
                                                       "field": "expectations"}),
        Case("POST", f"/report/{a}/responses/promote", {"submission_id": "1",
                                                       "field": "__class__"}),
        Case("POST", f"/report/{a}/responses/promote", {"submission_id": "\x00",
                                                       "field": "\x00"}),
    ]
    d = w["double"]
    settings = {"dm_aggregate": "mean", "dm_combine": "geometric", "dm_threshold_mode": "value",
                "dm_threshold_impact": "3", "dm_threshold_financial": "3", "reason": "why"}
    for bad in ({"dm_threshold_impact": "nan"}, {"dm_threshold_financial": "inf"},
                {"dm_threshold_mode": "\x00"}, {"dm_combine": "__class__"},
                {"dm_threshold_mode": "top_n", "dm_top_n": HUGE},
                {"dm_threshold_mode": "quantile", "dm_quantile": "-inf"},
                {"dm_threshold_mode": "quantile", "dm_quantile": SUPERSCRIPT_TWO},
                {"dm_threshold_impact": "", "reason": "\x00"}, {"reason": LONG}):
        cases.append(Case("POST", f"/report/{d}/double/scores/settings", {**settings, **bad}))
    for value in ("nan", "-inf", "\x00", ""):
        cases.append(Case("POST", f"/report/{d}/matrix/labels",
                          {"locale": "en", f"x_{t}": value, f"y_{t}": "3", f"ox_{t}": "2",
                           f"oy_{t}": "2"}))
    cases += [
        Case("POST", f"/report/{d}/matrix/labels", {"locale": "en", f"x_{t}": "1e308",
                                                          f"y_{t}": "-1e308"}, refused=False),
        Case("POST", f"/report/{d}/matrix/labels/reset",
             {"confirmed": "yes", "locale": "\x00"}, refused=False),
        Case("GET", f"/report/{d}/double/matrix", query_string={"size": "\x00", "dpi": HUGE,
                                                                 "locale": "\x00", "zoom": "\x00"},
             refused=False),
        Case("GET", f"/report/{d}/double/matrix.pdf", query_string={"size": LONG, "dpi": "-1"},
             refused=False),
        Case("GET", f"/report/{d}/double/iros.csv", query_string={"locale": "\x00"},
             refused=False),
        Case("GET", f"/report/{d}/double/material-topics.docx", query_string={"locale": LONG},
             refused=False),
        Case("GET", f"/report/{a}/double/scores", refused=False),  # classic: 404
    ]
    return cases


def survey_cases(w: dict) -> list[Case]:
    token, general, feedback = w["token"], w["general"], w["feedback"]
    first = w["topics_asked"][0]
    link = f"/s/{token}"
    cases = [
        # Answers with control characters are stored cleaned (nothing refused for them).
        survey_case(link, {"expectations": "need\x00less\x1b"}, refused=False),
        survey_case(link, {"other_topics": "\x00" * 50}, refused=False),
        survey_case(f"/s/{feedback}", {"overall": "good", "impacts": "yes",
                                       "suggestions": "more\x00data"}, refused=False),
        survey_case(link, {"expectations": "x" * 5000}),
        survey_case(link, {f"t{first}": SUPERSCRIPT_TWO}),
        survey_case(link, {f"t{first}": "6"}),
        survey_case(link, {f"t{first}": "\x00"}),
        survey_case(link, {f"t{first}": None}),
        survey_case(f"/s/{general}", {"group": SUPERSCRIPT_TWO}),
        survey_case(f"/s/{general}", {"group": ARABIC_THREE}),
        survey_case(f"/s/{general}", {"group": HUGE}),
        survey_case(f"/s/{general}", {"group": "-1"}),
        survey_case(f"/s/{general}", {"group": "\x00"}),
        survey_case(f"/i/{w['company_code']}", {"rater_kind": "\x00"}),
        survey_case(link, {"locale": "\x00"}, refused=False),
        survey_case(link, {"uid": "\x00"}),
        survey_case(link, {"uid": LONG}),
        survey_case(link, {"stamp": "\x00"}),
        survey_case(link, {"stamp": LONG}),
        survey_case(link, {"website": "http://spam.example"}, refused=False),
        Case("POST", link, {"uid": "x", "stamp": "y"}),
        Case("POST", link, json.dumps({"uid": "x"}), content_type="application/json"),
        Case("POST", link, NON_UTF8, content_type="application/x-www-form-urlencoded"),
        Case("POST", link, b"a=%ff%fe&b=%00", content_type="application/x-www-form-urlencoded"),
        Case("POST", link, b"garbage", content_type="multipart/form-data; boundary=zz"),
        Case("GET", link, query_string={"lang": "\x00"}, refused=False),
        Case("GET", link, query_string="lang=%ff%fe%c3%28", refused=False),
        Case("GET", f"/s/{token}/thanks", query_string={"done": "\x00" + LONG}, refused=False),
        Case("GET", "/s/%00"),
        Case("GET", "/s/%00/thanks"),
        Case("POST", "/s/%00"),
        Case("GET", "/s/%ff%fe"),
        Case("GET", "/s/" + "a" * 5000),
        Case("GET", "/s/..%2f..%2fetc%2fpasswd"),
        Case("GET", "/s/%e2%80%ae"),
        Case("GET", "/i/%00"),
        Case("POST", "/i/%00"),
        Case("GET", "/i/" + "b" * 5000),
        Case("GET", "/i/x%0d%0aSet-Cookie:%20a=b"),
        Case("GET", "/lang/%00", query_string={"next": "/\x00"}, refused=False),
        Case("GET", "/lang/en", query_string={"next": "/admin\r\nSet-Cookie: a=b"}, refused=False),
        Case("GET", "/lang/en", query_string={"next": "\x00//evil.example"}, refused=False),
        Case("GET", "/lang/en", query_string={"next": "/\t/evil.example"}, refused=False),
        Case("GET", "/lang/" + "z" * 5000, refused=False),
        Case("GET", "/auth/login", query_string={"next": "/\r\n/evil.example"}, refused=False),
        Case("POST", "/auth/login", {"email": "admin@example.org\x00", "password": "x\x00"}),
        Case("POST", "/auth/login", {"email": "a" * 5000, "password": "b" * 5000}),
        Case("POST", "/auth/login", query_string={"next": "/\x00"},
             data={"email": "nobody@example.org", "password": "wrong password"}),
        Case("POST", "/auth/login", json.dumps({"email": "x"}), content_type="application/json"),
        Case("GET", "/static/%00"),
        Case("GET", "/static/..%2f..%2fpyproject.toml"),
        Case("GET", "/static/../../pyproject.toml"),
        Case("GET", "/static/css/%2e%2e/%2e%2e/__init__.py"),
        Case("GET", "/healthz", query_string={"x": "\x00"}, refused=False),
    ]
    for formula in FORMULAS:
        cases.append(survey_case(link, {"expectations": formula}, refused=False))
    return cases


# -- generated from the URL map -----------------------------------------------------------------

SAMPLES = {"int": "1", "default": "x", "path": "css/app.css"}


def rule_path(rule, w: dict, int_value: str | None = None, text_value: str | None = None) -> str:  # noqa: ANN001
    """The rule's URL with real ids, or with ``int_value``/``text_value`` in every slot."""
    real = {"assessment_id": w["assessment"], "topic_id": w["topic"], "group_id": w["group"],
            "statement_id": w["statement"], "link_id": w["link"], "code_id": w["code_id"],
            "submission_id": w["submission"], "user_id": 1, "token": w["token"],
            "code": w["code"], "filename": "css/app.css"}

    def value(match: re.Match) -> str:
        converter, _sep, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        if converter == "int" and int_value is not None:
            return int_value
        if converter in ("", "string", "path") and text_value is not None:
            return text_value
        return str(real.get(name, "x"))

    return re.sub(r"<([^>]+)>", value, rule.rule)


def generated_cases(app, w: dict) -> list[Case]:  # noqa: ANN001
    cases: list[Case] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        method = "GET" if "GET" in methods else methods[0]
        has_int = "<int:" in rule.rule
        if has_int:
            for bad in (HUGE, str(2**31), "0", "-1", SUPERSCRIPT_TWO, ARABIC_THREE):
                cases.append(Case(method, rule_path(rule, w, int_value=bad)))
        if re.search(r"<(string:|path:)?(token|code|filename)>", rule.rule):
            for bad in ("%00", "%0a", "%7f", "%c2%85", "%ff"):
                # An unknown language is ignored: the switch just goes back.
                cases.append(Case(method, rule_path(rule, w, text_value=bad),
                                  refused=rule.endpoint != "main.set_language"))
        if "GET" in methods:
            cases.append(Case("GET", rule_path(rule, w), refused=False, query_string=(
                "locale=%00&lang=%ff&page=%c2%b2&q=%00&size=%00&next=%0d%0a//evil.example"
                "&compare=%c2%b2&baseline=%c2%b2&axes=%00")))
        cases.append(Case("PUT" if len(cases) % 2 else "DELETE", rule_path(rule, w)))
        if "POST" not in methods:
            cases.append(Case("POST", rule_path(rule, w)))
        else:
            # Buttons that post no data (archive, move, create the links) act on any
            # body, as they would on an empty one (the tests turn CSRF off).
            path = rule_path(rule, w)
            cases.append(Case("POST", path, json.dumps({"a": "\x00"}), content_type="application/json",
                              refused=False))
            cases.append(Case("POST", path, NON_UTF8 + b"=" + NON_UTF8,
                              content_type="application/x-www-form-urlencoded", refused=False))
    return cases


def all_cases(app, w: dict) -> list[Case]:  # noqa: ANN001
    return (library_cases(w) + import_cases() + fieldwork_cases(w) + report_cases(w)
            + survey_cases(w) + assessor_cases(w) + generated_cases(app, w))


# -- checks ---------------------------------------------------------------------------------

def row_counts() -> tuple[int, ...]:
    """Every table's row count, in one query."""
    return tuple(db.session.execute(db.select(*(
        db.select(func.count()).select_from(table).scalar_subquery()
        for table in db.metadata.sorted_tables))).one())


CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def harmful_values() -> list[str]:
    """Stored values no input may leave behind."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                for value in db.session.execute(db.select(column).where(column.is_not(None))).scalars():
                    if CONTROL_RE.search(value):
                        found.append(f"{table.name}.{column.name}={value!r}")
            elif isinstance(column.type, Float):
                for value in db.session.execute(db.select(column).where(column.is_not(None))).scalars():
                    if not math.isfinite(value):
                        found.append(f"{table.name}.{column.name}={value!r}")
    for row in db.session.scalars(db.select(LabelPosition)):
        if not (0 <= row.x <= 6 and 0 <= row.y <= 6):
            found.append(f"label_position {row.x}, {row.y}")
    return found


def cases_for(app, role: str, cases: list[Case]) -> list[Case]:  # noqa: ANN001
    """The cases worth sending in a role, so the corpus stays fast.

    A visitor who may not use an endpoint is turned away before its view runs: one
    case per such endpoint shows it. The survey is the same for everyone: it is sent
    anonymously. An admin reads what an editor reads: reading pages go to editors.
    """
    from materiality.auth.access import is_admin_endpoint, is_public_endpoint

    kept, turned_away = [], set()
    for case in cases:
        endpoint = endpoint_of(app, case)
        if endpoint is None:  # refused by the URL map itself, whoever asks
            kept.append(case)
            continue
        is_public, is_admin = is_public_endpoint(app, endpoint), is_admin_endpoint(app, endpoint)
        if is_public and role != "anonymous" and not endpoint.startswith(("auth.", "main.")):
            continue
        if role == "admin" and not is_public and not is_admin and case.method == "GET":
            continue
        if (role == "anonymous" and not is_public) or (role == "editor" and is_admin):
            if endpoint in turned_away:
                continue
            turned_away.add(endpoint)
        kept.append(case)
    return kept


def log_in(client, role: str) -> None:  # noqa: ANN001
    if role != "anonymous":
        response = client.post("/auth/login", data={"email": f"{role}@example.org",
                                                    "password": "correct horse battery"})
        assert response.status_code == 302, role


def endpoint_of(app, case: Case) -> str | None:  # noqa: ANN001
    from werkzeug.exceptions import HTTPException

    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(case.path.split("?")[0], method=case.method)[0]
    except HTTPException:
        return None


@pytest.fixture
def world(app, client) -> dict:  # noqa: ANN001
    found = build_world()
    add_responses(client, found)
    return found


def test_the_corpus_covers_every_endpoint(app, world) -> None:  # noqa: ANN001
    cases = all_cases(app, world)
    assert len(cases) >= 250
    hand_written = (library_cases(world) + import_cases() + fieldwork_cases(world)
                    + report_cases(world) + survey_cases(world) + assessor_cases(world))
    reached = {endpoint_of(app, case) for case in cases}
    missing = {rule.endpoint for rule in app.url_map.iter_rules()} - reached
    assert not missing
    assert len(hand_written) >= 250


@pytest.mark.parametrize("role", ["anonymous", "editor", "admin"])
def test_no_bad_request_reaches_a_server_error(app, client, world, role) -> None:  # noqa: ANN001
    from flask import got_request_exception

    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is a failure to list, not to raise
    errors: list[str] = []
    got_request_exception.connect(lambda sender, exception, **extra: errors.append(repr(exception)[:300]),
                                  app, weak=False)
    log_in(client, role)
    failures = []
    for case in cases_for(app, role, all_cases(app, world)):
        before = row_counts() if case.refused else ()
        response = case.send(client)
        status = response.status_code
        response.close()
        db.session.rollback()
        if status >= 500:
            failures.append(f"{status} {case.method} {case.path} {case.query_string!r} "
                            f"{str(case.data)[:80]!r} {errors[-1:]}")
            continue
        if case.refused and row_counts() != before:
            failures.append(f"not refused ({status}) {case.method} {case.path} "
                            f"{case.query_string!r} {str(case.data)[:120]!r}")
        if case.path.startswith("/auth/"):
            log_in(client, role)
    assert not failures, "\n".join(failures)
    assert not harmful_values()
    if role == "admin":
        assert not unguarded_formulas(client, world)


def unguarded_formulas(client, world: dict) -> list[str]:  # noqa: ANN001
    """Cells of the CSV downloads a spreadsheet would run as a formula."""
    import csv

    found = []
    for path in ("/admin/topics/export.csv", f"/report/{world['assessment']}/raw.csv",
                 f"/report/{world['assessment']}/responses.csv",
                 f"/report/{world['double']}/double/iros.csv",
                 f"/fieldwork/links/{world['link']}/codes.csv"):
        text = client.get(path).get_data(as_text=True)
        found += [f"{path}: {cell!r}" for row in csv.reader(io.StringIO(text)) for cell in row
                  if cell.startswith(("=", "+", "-", "@"))]
    return found
