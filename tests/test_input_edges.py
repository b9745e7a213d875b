"""Bad input at the edges, one story each: what the person sees, and that nothing is lost.

The corpus (test_bad_input.py) proves no request reaches a server error; these tests
show the messages, the kept answers, the limits and the headers.
"""
from __future__ import annotations

import io

import pytest
from conftest import base_test_config
from flask import got_request_exception
from sqlalchemy import text
from survey_helpers import fill, hidden_fields, link_for, make_links, topic_fields

from materiality import create_app
from materiality.auth.access import public
from materiality.extensions import db, dispose_engines
from materiality.models import (
    Assessment,
    GroupStatement,
    LabelPosition,
    Submission,
    SurveyLink,
    Topic,
)
from materiality.services.charts.matrix import label_area
from materiality.services.input_checks import (
    MAX_INT,
    has_control_characters,
    parse_int,
    remove_control_characters,
)
from materiality.services.library.topic_files import (
    MAX_COLUMNS,
    MAX_ROWS,
    TopicFileError,
    read_topic_file,
    validate_topic_rows,
)


@pytest.fixture(autouse=True)
def english(client) -> None:  # noqa: ANN001
    """The messages are asserted in English."""
    client.set_cookie("lang", "en")


# -- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("-3", -3), ("0", 0), (str(MAX_INT), MAX_INT),
    (str(MAX_INT + 1), None), ("9" * 30, None), ("²", None), ("٣", None), (" 1", None),
    ("1_000", None), ("1.0", None), ("0x1", None), ("", None), (None, None), ("\x00", None),
])
def test_numbers_are_ascii_digits_within_bounds(text, expected):
    assert parse_int(text) == expected


def test_control_characters_are_judged_by_the_kind_of_text():
    assert has_control_characters("a\x00b") and has_control_characters("a\x85")
    assert has_control_characters("two\nlines") and not has_control_characters("two\nlines", True)
    assert remove_control_characters("a\x00b\tc\r\nd") == "ab c d"
    assert remove_control_characters("a\x00b\tc\r\nd", multiline=True) == "ab\tc\r\nd"
    assert remove_control_characters("名称 ok") == "名称 ok"


# -- staff forms ----------------------------------------------------------------------------


def test_a_control_character_in_a_staff_form_is_named_and_the_text_kept_without_it(admin_client):
    response = admin_client.post("/admin/topics/new", data={
        "name_zh": "安全\x00生产", "name_en": "Safety", "category_id": "1",
        "description_en": "First line\nsecond\x1b line"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("invisible control characters") == 2
    assert 'value="安全生产"' in html and "First line\nsecond line" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 0
    # Saving once more stores exactly what was shown.
    response = admin_client.post("/admin/topics/new", data={
        "name_zh": "安全生产", "name_en": "Safety", "category_id": "1",
        "description_en": "First line\nsecond line"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Topic.description_en)) == "First line\nsecond line"


def test_a_far_off_date_is_refused_next_to_its_field(admin_client):
    response = admin_client.post("/admin/assessments/new", data={
        "title": "2026", "reporting_year": "2026", "opens_on": "0001-01-01"})
    assert response.status_code == 200
    assert "Enter a date between 1990 and 2100." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 0


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00"])
def test_a_link_closing_time_out_of_range_gets_a_message_at_its_link(admin_client, typed):
    link = link_for(make_links(), group_id=1)
    response = admin_client.post(f"/fieldwork/links/{link.id}/closing", data={"closes_at": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="closing-error-{link.id}"' in html
    assert ("Enter a date between 1990 and 2100." in html if typed[0] in "09"
            else "YYYY-MM-DD HH:MM" in html)
    assert f'value="{typed}" aria-invalid="true"' in html
    assert db.session.get(SurveyLink, link.id).closes_at is None


@pytest.mark.usefixtures("demo_data")
def test_targets_refuse_unicode_digits(admin_client):
    assessment = make_links()
    response = admin_client.post(f"/fieldwork/assessments/{assessment.id}/targets",
                                 data={"target_1": "²"}, follow_redirects=True)
    assert "Targets must be whole numbers" in response.get_data(as_text=True)


# -- addresses ------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("path", [
    "/admin/topics/" + "9" * 30 + "/edit", f"/admin/topics/{2**31}/edit", "/admin/topics/٣/edit",
    "/report/" + "9" * 30 + "/matrix", "/fieldwork/assessments/1/responses?page=" + "1" + "0" * 30,
    "/fieldwork/assessments/1/responses?page=-1", "/s/%00", "/s/%00/thanks", "/i/%0a",
])
def test_huge_and_odd_ids_are_not_found(admin_client, path):
    assert admin_client.get(path).status_code == 404


def test_a_newline_in_next_is_ignored(client):
    response = client.get("/lang/en", query_string={"next": "/admin\r\nSet-Cookie: a=b"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# -- the survey -----------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
def test_a_survey_with_a_nul_and_a_missing_rating_comes_back_with_every_answer(client):
    link = link_for(make_links(), group_id=1)
    url = f"/s/{link.token}?lang=en"
    data, response = fill(client, url, {"expectations": "Fair\x00 pay", "other_topics": "Water"},
                          score="5", skip=1)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Water" in html and "Fair" in html and " pay" in html
    names = topic_fields(html)
    assert f'name="{names[1]}" value="5" checked' in html
    # Sent again, complete: stored once, without the NUL.
    data = hidden_fields(html) | {name: "5" for name in names}
    data.update(expectations="Fair\x00 pay", other_topics="Water")
    assert client.post(url, data=data).status_code == 303
    stored = db.session.scalar(db.select(Submission).where(~Submission.uid.startswith("demo-")))
    assert stored.expectations == "Fair pay" and stored.other_topics == "Water"


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("group", ["²", "٣", "9" * 30, "-1", "\x00"])
def test_an_odd_group_number_asks_for_the_group_again(client, group):
    general = db.session.scalar(db.select(SurveyLink).filter_by(
        assessment_id=make_links().id, kind="stakeholder", group_id=None))
    _data, response = fill(client, f"/s/{general.token}?lang=en", {"group": group})
    assert response.status_code == 400
    assert "Please choose your group" in response.get_data(as_text=True)


# -- the error page -------------------------------------------------------------------------


def test_after_a_database_error_the_error_page_still_renders(app, client, admin_user, auth):
    @app.route("/test-broken")
    @public
    def broken():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return "unreachable"

    app.config["PROPAGATE_EXCEPTIONS"] = False
    errors = []
    got_request_exception.connect(lambda sender, exception, **extra: errors.append(exception), app,
                                  weak=False)
    auth.login(admin_user.email)
    response = client.get("/test-broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "Back to the overview" in html  # the menu read the logged-in user after rollback
    assert len(errors) == 1


# -- the matrix labels ----------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
def test_editors_move_labels_and_positions_stay_on_the_plot(editor_client):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    first, second = (link.topic_id for link in assessment.topic_links[:2])
    response = editor_client.post(f"/report/{assessment.id}/matrix/labels", data={
        "locale": "en", f"x_{first}": "1e308", f"y_{first}": "-7", f"x_{second}": "3.5",
        f"y_{second}": "2.5", f"ox_{second}": "3", f"oy_{second}": "3"})
    assert response.status_code == 302
    (x0, x1), (y0, y1) = label_area()
    saved = {row.topic_id: (row.x, row.y) for row in db.session.scalars(db.select(LabelPosition))}
    assert saved == {first: (x1, y0), second: (3.5, 2.5)}
    assert editor_client.post(f"/report/{assessment.id}/matrix/labels/reset",
                              data={"confirmed": "yes", "locale": "en"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(LabelPosition)) == 0


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e400", ""])
def test_a_label_position_that_is_not_a_finite_number_is_refused(editor_client, value):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    first, second = (link.topic_id for link in assessment.topic_links[:2])
    response = editor_client.post(f"/report/{assessment.id}/matrix/labels", data={
        "locale": "en", f"x_{first}": value, f"y_{first}": "3", f"x_{second}": "4.25",
        f"y_{second}": "2.5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Label positions must be numbers" in html
    assert f'name="x_{second}" value="4.25"' in html  # what was typed is kept
    assert f'name="x_{first}" value="{value}" aria-label' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(LabelPosition)) == 0


@pytest.mark.usefixtures("demo_data")
def test_a_stored_label_far_off_the_plot_does_not_break_the_png(editor_client):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    for link in assessment.topic_links[:2]:
        db.session.add(LabelPosition(assessment_id=assessment.id, topic_id=link.topic_id,
                                     locale="en", x=1e308, y=-1e308))
    db.session.commit()
    response = editor_client.get(f"/report/{assessment.id}/matrix.png?locale=en&preview=1")
    assert response.status_code == 200
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"


# -- imports --------------------------------------------------------------------------------


def _xlsx(rows) -> bytes:  # noqa: ANN001
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_of_200000_rows_is_refused_before_it_is_parsed():
    data = _xlsx([["name_zh", "category"]] + [[f"议题{i}", "social"] for i in range(200_000)])
    assert len(data) < 3 * 1024 * 1024  # small on disk, 29 MB unpacked
    with pytest.raises(TopicFileError) as refused:
        read_topic_file(data, "big.xlsx")
    assert refused.value.code == "too_large_unpacked"


def test_rows_past_the_limit_are_not_read():
    data = _xlsx([["name_zh", "category"]] + [[f"议题{i}", "social"] for i in range(20_000)])
    with pytest.raises(TopicFileError) as refused:
        read_topic_file(data, "long.xlsx")
    assert refused.value.code == "too_many_rows"


def test_a_header_of_20000_columns_is_refused_before_the_rows():
    data = (",".join(f"c{i}" for i in range(20_000)) + "\n" + "x," * 19_999 + "x\n").encode()
    with pytest.raises(TopicFileError) as refused:
        read_topic_file(data, "wide.csv")
    assert refused.value.code == "too_many_columns"
    assert MAX_COLUMNS < 20_000


def test_exactly_the_row_limit_is_read():
    data = ("name_zh,category\n" + "".join(f"t{i},social\n" for i in range(MAX_ROWS))).encode()
    assert len(read_topic_file(data, "full.csv")) == MAX_ROWS


def test_a_file_over_the_byte_limit_is_refused_unread(admin_client):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    data = b"name_zh,category\n" + b"x" * (6 * 1024 * 1024)
    # Built in memory: the test client spools a big upload to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "t.csv", "file")})
    response = admin_client.post("/admin/topics/import", data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert "The file is larger than 5 MB." in response.get_data(as_text=True)


def test_a_control_character_in_a_cell_names_its_row_and_column(admin_client):
    data = ("name_zh,name_en,description_en,category\n"
            "议题一,One,\"two\nlines\",social\n\n"
            "议题二,Tw\x00o,,social\n").encode()
    response = admin_client.post("/admin/topics/import", data={"file": (io.BytesIO(data), "t.csv")})
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 1 rows have errors." in html
    assert "name_en holds an invisible control character" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 0
    frame = read_topic_file(data, "t.csv")
    _rows, errors = validate_topic_rows(frame, {"social": "social"})
    assert [e.row for e in errors] == [4]  # the spreadsheet's row: a record, blank ones counted


def test_a_row_longer_than_the_header_is_named():
    frame = read_topic_file(b"name_zh,category\nA,social,extra\nB,social,\n", "t.csv")
    rows, errors = validate_topic_rows(frame, {"social": "social"})
    assert [(e.row, e.problems[0][0]) for e in errors] == [(2, "extra_cells")]
    assert [r.name_zh for r in rows] == ["B"]


# -- headers --------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
def test_staff_pages_and_downloads_are_not_stored_and_public_files_keep_their_caching(
        editor_client):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    survey = link_for(make_links(), group_id=1)
    for path in ("/", "/admin/topics", f"/report/{assessment.id}/raw.csv",
                 f"/report/{assessment.id}/topics.csv", f"/fieldwork/links/{survey.id}/qr.png"):
        response = editor_client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    for path in ("/static/css/app.css", "/auth/login"):
        response = editor_client.get(path)
        assert response.headers.get("Cache-Control") != "no-store", path
        response.close()
    # The survey form is not stored either, but for the respondent's sake: Back after
    # submitting must ask the server, which shows "you have answered" (test_survey.py).
    assert editor_client.get(f"/s/{survey.token}").headers["Cache-Control"] == "no-store"


@pytest.mark.usefixtures("demo_data")
def test_csv_downloads_name_the_charset_once(admin_client):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    link = link_for(make_links(), group_id=1)
    for path in ("/admin/topics/export.csv", f"/report/{assessment.id}/raw.csv",
                 f"/report/{assessment.id}/responses.csv", f"/fieldwork/links/{link.id}/codes.csv"):
        assert admin_client.get(path).headers["Content-Type"] == "text/csv; charset=utf-8", path


def test_hsts_only_in_production(database_url):
    for env, expected in (("production", "max-age=31536000"), ("development", None)):
        app = create_app(base_test_config(database_url) | {"APP_ENV": env})
        response = app.test_client().get("/auth/login")
        assert response.headers.get("Strict-Transport-Security") == expected
        with app.app_context():
            dispose_engines()


def test_statements_keep_their_line_breaks(admin_client):
    from materiality.models import StakeholderGroup

    group = StakeholderGroup(name_en="Staff", position=0)
    db.session.add(group)
    db.session.commit()
    response = admin_client.post(f"/admin/groups/{group.id}/expectation/new",
                                 data={"text_en": "Fair pay\r\nSafe work\tnow"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(GroupStatement.text_en)) == "Fair pay\r\nSafe work\tnow"
