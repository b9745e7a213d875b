"""Respondents' journeys: a link or a code, the form, safe submission, thank-you."""
from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from survey_helpers import fill, hidden_fields, link_for, make_links, topic_fields

from materiality import create_app
from materiality.extensions import SURVEY_BIND, db, dispose_engines, limiter
from materiality.fieldwork.operations import generate_codes
from materiality.models import (
    Answer,
    InvitationCode,
    Rating,
    StakeholderGroup,
    Submission,
    Topic,
)
from materiality.survey.operations import find_link

pytestmark = pytest.mark.usefixtures("demo_data")


def stored() -> list[Submission]:
    """Responses stored by the test (the demo assessment's synthetic ones left out)."""
    return list(db.session.scalars(db.select(Submission).where(
        ~Submission.uid.startswith("demo-")).order_by(Submission.id)))


def test_every_group_link_stores_a_whole_response_for_its_group(client):
    assessment = make_links()
    groups = list(db.session.scalars(db.select(StakeholderGroup)))
    assert len(groups) == 8
    for group in groups:
        link = link_for(assessment, group_id=group.id)
        data, response = fill(client, f"/s/{link.token}",
                              {"other_topics": "Water", "expectations": "More data"})
        assert response.status_code == 303
        thanks = client.get(response.headers["Location"] + "&lang=en")
        assert "Thank you" in thanks.get_data(as_text=True)
        submission = db.session.scalar(db.select(Submission).filter_by(uid=data["uid"]))
        assert submission.group_id == group.id and submission.kind == "stakeholder"
        assert submission.other_topics == "Water" and submission.expectations == "More data"
        assert len(submission.ratings) == 23
        assert {r.score for r in submission.ratings} == {4}
    assert len(stored()) == 8


def test_a_response_records_the_language_its_form_was_shown_in(client):
    link = link_for(make_links(), group_id=1)
    english, _response = fill(client, f"/s/{link.token}?lang=en")
    assert english["locale"] == "en"
    chinese, _response = fill(client, f"/s/{link.token}?lang=zh_CN")
    assert chinese["locale"] == "zh_CN"
    # A forged value is not stored: the request's own language is.
    forged, _response = fill(client, f"/s/{link.token}", {"locale": "<b>xx</b>"},
                             headers={"Accept-Language": "en"})
    locales = dict(db.session.execute(db.select(Submission.uid, Submission.locale)).all())
    assert [locales[d["uid"]] for d in (english, chinese, forged)] == ["en", "zh_CN", "en"]


def test_general_link_asks_for_the_group_first(client):
    assessment = make_links()
    link = link_for(assessment)
    group = db.session.scalar(db.select(StakeholderGroup).filter_by(name_en="Employees"))
    _data, response = fill(client, f"/s/{link.token}?lang=en")
    assert response.status_code == 400
    assert "Please choose your group" in response.get_data(as_text=True)
    data, response = fill(client, f"/s/{link.token}?lang=en", {"group": str(group.id), "t1": "dk"})
    assert response.status_code == 303
    submission = stored()[0]
    assert submission.group_id == group.id and submission.link_id == link.id
    assert db.session.scalar(db.select(Rating.score).filter_by(
        submission_id=submission.id, topic_id=1)) is None  # "don't know"


def test_missing_answer_is_shown_next_to_its_question_and_every_answer_is_kept(client):
    link = link_for(make_links(), group_id=1)
    data, response = fill(client, f"/s/{link.token}?lang=en", {"other_topics": "<b>kept</b>"},
                          score="5", skip=1)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    first, second = topic_fields(html)[:2]
    assert f'id="err-{first}"' in html and f'id="err-{second}"' not in html
    assert f'name="{second}" value="5" checked' in html
    assert "&lt;b&gt;kept&lt;/b&gt;" in html
    assert hidden_fields(html)["uid"] == data["uid"]
    assert stored() == []


def test_the_same_submission_id_posted_twice_is_stored_once(client):
    link = link_for(make_links(), group_id=2)
    data, first = fill(client, f"/s/{link.token}")
    second = client.post(f"/s/{link.token}", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stored()) == 1
    assert len(stored()[0].ratings) == 23


def test_invitation_only_group_needs_a_single_use_code(client):
    assessment = make_links(invitation_only_groups=1)
    group = db.session.scalar(db.select(StakeholderGroup).order_by(StakeholderGroup.position))
    link = link_for(assessment, group_id=group.id)
    assert link.requires_code
    page = client.get(f"/s/{link.token}?lang=en")
    assert "by invitation" in page.get_data(as_text=True)
    code = generate_codes(link, 2)[0]
    db.session.commit()
    data, response = fill(client, f"/i/{code.code}")
    assert response.status_code == 303
    submission = stored()[0]
    assert submission.invitation_code_id == code.id and submission.group_id == group.id
    db.session.expire_all()
    assert db.session.get(InvitationCode, code.id).used_at is not None
    # The same response retried still thanks; a new response with the used code is refused.
    assert client.post(f"/i/{code.code}", data=data).status_code == 303
    again = client.get(f"/i/{code.code}?lang=en")
    assert "already been used" in again.get_data(as_text=True)
    new_data = dict(data, uid="0" * 32)
    refused = client.post(f"/i/{code.code}?lang=en", data=new_data)
    assert refused.status_code in (200, 400)  # a forged uid does not match the signed stamp
    assert len(stored()) == 1


def test_company_links_record_the_rater_kind(client):
    assessment = make_links()
    link = link_for(assessment, kind="company", rater_kind="external_expert")
    general = link_for(assessment, kind="company")
    codes = generate_codes(link, 1) + generate_codes(general, 1)
    db.session.commit()
    page = client.get(f"/i/{codes[0].code}?lang=en")
    assert "importance of this topic to the company" in page.get_data(as_text=True).lower() or \
        "company's development" in page.get_data(as_text=True)
    assert fill(client, f"/i/{codes[0].code}")[1].status_code == 303
    assert fill(client, f"/i/{codes[1].code}", {"rater_kind": "management"})[1].status_code == 303
    assert [(s.kind, s.rater_kind) for s in stored()] == [
        ("company", "external_expert"), ("company", "management")]


def test_feedback_form_stores_its_answers(client):
    link = link_for(make_links(), kind="feedback")
    answers = {"overall": "fairly_good", "impacts": "yes", "information": "high",
               "layout": "very_reasonable", "readability": "good",
               "suggestions": "<script>alert(1)</script>"}
    page = client.get(f"/s/{link.token}?lang=en")
    html = page.get_data(as_text=True)
    assert "Fairly good" in html and "Readability" in html and 'name="t' not in html
    data = dict(hidden_fields(html), **answers)
    assert client.post(f"/s/{link.token}", data=data).status_code == 303
    rows = dict(db.session.execute(db.select(Answer.question, Answer.value)).all())
    assert rows == answers


def test_closed_paused_expired_and_draft_links_take_no_answers(client):
    assessment = make_links()
    links = [link_for(assessment, group_id=g) for g in (1, 2, 3)]
    links[0].state = "paused"
    links[1].state = "closed"
    links[2].closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert "paused" in client.get(f"/s/{links[0].token}?lang=en").get_data(as_text=True)
    for link in links[1:]:
        assert "closed" in client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)
    open_link = link_for(assessment, group_id=4)
    data, _response = fill(client, f"/s/{open_link.token}", skip=1)
    assessment.status = "closed"
    db.session.commit()
    response = client.post(f"/s/{open_link.token}?lang=en", data=data)
    assert "closed" in response.get_data(as_text=True)
    assert client.get("/s/no-such-token").status_code == 404
    assert stored() == []


def test_bots_are_kept_out_by_honeypot_and_minimum_time(app, client):
    link = link_for(make_links(), group_id=1)
    _data, response = fill(client, f"/s/{link.token}", {"website": "http://spam"})
    assert response.status_code == 303
    app.config["SURVEY_MIN_SECONDS"] = 60
    _data, response = fill(client, f"/s/{link.token}?lang=en")
    assert response.status_code == 200 and "very quick" in response.get_data(as_text=True)
    app.config["SURVEY_MIN_SECONDS"] = 0
    data, _response = fill(client, f"/s/{link.token}", skip=1)
    forged = dict(data, stamp=data["stamp"][:-2] + "xx", t1="3")
    for name in topic_fields(client.get(f"/s/{link.token}").get_data(as_text=True)):
        forged.setdefault(name, "3")
    response = client.post(f"/s/{link.token}?lang=en", data=forged)
    assert "submit again" in response.get_data(as_text=True)
    assert stored() == []


def test_script_in_topic_names_and_descriptions_is_shown_as_text(client):
    topic = db.session.get(Topic, 1)
    topic.name_en = "<script>alert('name')</script>"
    topic.description_en = "<img src=x onerror=alert(1)>"
    link = link_for(make_links(), group_id=1)
    html = client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;name&#39;)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_survey_page_shows_intro_in_the_chosen_language(client):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    english = client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)
    chinese = client.get(f"/s/{link.token}?lang=zh_CN").get_data(as_text=True)
    assert "Production safety" in english and "安全生产" in chinese
    for page, locale in ((english, "en"), (chinese, "zh_CN")):
        assert str(escape(assessment.intro(locale).splitlines()[0])) in page
        assert str(escape(assessment.privacy(locale).splitlines()[0])) in page
        assert str(escape(link.group.name(locale))) in page
    assert "You answer as" in english and "Privacy note" in english
    # The labelled 1–5 scale: the number and its words, and "don't know" apart.
    assert '<b class="scale-value">1</b> Not important' in english
    assert '<b class="scale-value">5</b> 非常重要' in chinese and "不了解" in chinese
    assert 'name="website"' in english and "survey.js" in english


def test_rate_limits_apply_per_link(app):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                      "RATELIMIT_ENABLED": True, "SURVEY_MIN_SECONDS": 0,
                      "SURVEY_LINK_GET_LIMIT": "2/minute", "SURVEY_LINK_POST_LIMIT": "1/minute"})
    with app.app_context():
        assessment = make_links()
        one, two = (link_for(assessment, group_id=g).token for g in (1, 2))
        client = app.test_client()
        data, first_post = fill(client, f"/s/{one}")
        assert [client.get(f"/s/{one}").status_code for _ in range(2)] == [200, 429]
        assert client.get(f"/s/{two}").status_code == 200
        # Answers are counted apart from page views: the GET limit did not stop this POST.
        assert first_post.status_code == 303
        assert client.post(f"/s/{one}", data=data).status_code == 429
        db.session.remove()
        dispose_engines()


def test_answers_refused_by_the_rate_limit_come_back_ready_to_resend(app):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                      "RATELIMIT_ENABLED": True, "SURVEY_MIN_SECONDS": 0,
                      "SURVEY_LINK_POST_LIMIT": "1/minute"})
    with app.app_context():
        limiter.reset()
        token = link_for(make_links(), group_id=1).token
        client = app.test_client()
        assert fill(client, f"/s/{token}")[1].status_code == 303  # the minute's one answer
        data, refused = fill(client, f"/s/{token}", {"expectations": "<b>清洁能源</b>"})
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
        page = refused.get_data(as_text=True)
        assert "现在答题的人很多" in page  # the default language, Chinese
        assert "<b>清洁能源</b>" not in page and "&lt;b&gt;清洁能源&lt;/b&gt;" in page
        kept = hidden_fields(page)
        assert kept == data  # every answer, the submission id and the stamp
        limiter.reset()  # the minute has passed
        assert client.post(f"/s/{token}", data=kept).status_code == 303
        limiter.reset()
        assert client.post(f"/s/{token}", data=kept).status_code == 303  # sent twice, stored once
        stored = db.session.scalars(db.select(Submission).filter_by(uid=data["uid"])).all()
        assert len(stored) == 1 and stored[0].expectations == "<b>清洁能源</b>"
        db.session.remove()
        dispose_engines()


def _redis_url() -> str | None:
    """The Redis for shared rate limits (TEST_REDIS_URL, set by .ci/run), if it answers."""
    import os

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001  (no Redis here: the test says so and skips)
        return None
    return url


def test_two_instances_share_the_rate_limit_through_redis(app):
    """Behind a load balancer each instance counts the same link's requests in one place."""
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis reachable at TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(url).flushdb()
    config = {"TESTING": True, "SECRET_KEY": "test-secret-key",
              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url,
              "SURVEY_LINK_GET_LIMIT": "3/minute"}
    first, second = create_app(config), create_app(config)
    token = link_for(make_links(), group_id=1).token
    db.session.commit()
    codes = [instance.test_client().get(f"/s/{token}").status_code
             for instance in (first, second, first, second)]
    assert codes == [200, 200, 200, 429]
    page = second.test_client().get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "Too many requests" in page
    redis.Redis.from_url(url).flushdb()
    for instance in (first, second):
        with instance.app_context():
            dispose_engines()


# -- limits one client cannot use up ----------------------------------------------------------

def _limited_app(app, **settings):  # noqa: ANN001, ANN003, ANN202
    """The test app's database with the real rate limiter on (default limits unless given)."""
    limited = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "RATELIMIT_ENABLED": True, "SURVEY_MIN_SECONDS": 0, **settings})
    limiter.reset()
    return limited


def _respondent(limited, address: str):  # noqa: ANN001, ANN202
    """A phone of its own, at its own address."""
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_one_client_flooding_page_views_leaves_the_link_open_to_others(app):
    """620 page views from one client (as in the issue, the link's ceiling is 600 a minute)."""
    token = link_for(make_links(), group_id=1).token
    limited = _limited_app(app)
    flooder = _respondent(limited, "198.51.100.7")  # a browser: keeps its cookie
    codes = [flooder.get(f"/s/{token}").status_code for _ in range(620)]
    # Its browser's share (counted from the second view, the first one sets the cookie).
    assert codes[:31] == [200] * 31 and set(codes[31:]) == {429}
    # A script that drops the cookie is held by its address's share.
    script = limited.test_client(use_cookies=False)
    script.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    codes = [script.get(f"/s/{token}").status_code for _ in range(620)]
    assert codes.count(200) == 300 and codes[300:] == [429] * 320
    # Another respondent still gets the form and is stored; so is one from the first
    # flooder's own Wi-Fi (another browser at the same address).
    assert fill(_respondent(limited, "192.0.2.20"), f"/s/{token}")[1].status_code == 303
    assert fill(_respondent(limited, "198.51.100.7"), f"/s/{token}")[1].status_code == 303
    assert len(stored()) == 2
    with limited.app_context():
        dispose_engines()


def test_junk_posts_use_up_no_answers_of_the_link(app):
    token = link_for(make_links(), group_id=1).token
    limited = _limited_app(app)
    junk = limited.test_client(use_cookies=False)
    junk.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    forged = {"uid": "0" * 32, "stamp": "forged", "t1": "3"}
    codes = [junk.post(f"/s/{token}", data=forged).status_code for _ in range(620)]
    # The form again ("please submit again"), then 429 once its address's share is used.
    assert codes[:150] == [400] * 150 and set(codes[150:]) == {429}
    assert fill(_respondent(limited, "192.0.2.20"), f"/s/{token}")[1].status_code == 303

    # Only a POST whose stamp the server signed counts against the link's ceiling.
    tight = _limited_app(app, SURVEY_LINK_POST_LIMIT="2/minute")
    client = _respondent(tight, "192.0.2.30")
    assert [client.post(f"/s/{token}", data=forged).status_code for _ in range(5)] == [400] * 5
    answers = [fill(_respondent(tight, f"192.0.2.{40 + n}"), f"/s/{token}")[1] for n in range(3)]
    assert [response.status_code for response in answers] == [303, 303, 429]
    assert len(stored()) == 3
    for instance in (limited, tight):
        with instance.app_context():
            dispose_engines()


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(app):
    token = link_for(make_links(), group_id=1).token
    limited = _limited_app(app, TRUST_PROXY=True, SURVEY_ADDRESS_GET_LIMIT="2/minute")
    proxy = limited.test_client(use_cookies=False)  # every request comes from the proxy's address

    def view(address: str) -> int:
        return proxy.get(f"/s/{token}", headers={"X-Forwarded-For": address}).status_code

    assert [view("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert view("203.0.113.6") == 200
    # IPv6: one device may use any address of its /64, so the /64 is the client.
    assert [view(f"2001:db8:1:2::{n}") for n in (1, 2, 3)] == [200, 200, 429]
    assert view("2001:db8:1:3::1") == 200
    with limited.app_context():
        dispose_engines()


def test_clients_are_counted_by_ipv4_address_and_ipv6_network():
    from materiality.survey.limits import client_network

    assert client_network("192.0.2.1") == "192.0.2.1"
    assert client_network("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_network("2001:db8:1:2:a:b:c:d") == client_network("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_network("not an address") == "not an address"


# -- HEAD, status codes -------------------------------------------------------------------------

def test_head_is_answered_like_get_without_side_effects(app):
    assessment = make_links()
    token = link_for(assessment, group_id=1).token
    closed = link_for(assessment, group_id=2)
    closed.state = "closed"
    db.session.commit()
    limited = _limited_app(app, SURVEY_LINK_GET_LIMIT="1/minute")
    client = limited.test_client()
    heads = [client.head(f"/s/{token}") for _ in range(3)]  # a chat app's link preview
    assert [head.status_code for head in heads] == [200] * 3 and heads[0].data == b""
    assert heads[0].headers["Content-Type"].startswith("text/html")
    assert "Set-Cookie" not in heads[0].headers
    assert client.get(f"/s/{token}").status_code == 200  # HEADs used none of the link's page views
    assert client.head(f"/s/{closed.token}").status_code == 410
    assert client.head("/s/no-such-token").status_code == 404
    assert client.head("/i/no-such-code").status_code == 404
    assert stored() == []
    with limited.app_context():
        dispose_engines()


def test_links_and_codes_that_take_no_answers_say_why_with_their_status(client):
    assessment = make_links(invitation_only_groups=1)
    by_invitation = link_for(assessment, group_id=1)
    paused, closed, expired = (link_for(assessment, group_id=g) for g in (2, 3, 4))
    paused.state = "paused"
    closed.state = "closed"
    expired.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    code = generate_codes(by_invitation, 1)[0]
    db.session.commit()
    fill(client, f"/i/{code.code}")

    def page(url: str) -> tuple[int, str]:
        response = client.get(url + "?lang=en")
        assert response.headers["Cache-Control"] == "no-store"  # a link staff resume shows at once
        return response.status_code, response.get_data(as_text=True)

    expected = {
        f"/s/{paused.token}": (404, "This survey is paused"),
        f"/s/{closed.token}": (410, "This survey is closed"),
        f"/s/{expired.token}": (410, "This survey is closed"),
        f"/i/{code.code}": (410, "already been used"),
        f"/s/{by_invitation.token}": (403, "by invitation"),
        "/s/no-such-token": (404, "Survey not found"),
        "/s/%00": (404, "Survey not found"),
        "/i/%00": (404, "Survey not found"),
        "/s/no-such-token/thanks": (404, "Survey not found"),
    }
    for url, (status, text) in expected.items():
        assert page(url)[0] == status and text in page(url)[1], url
    open_link = link_for(assessment, group_id=5)
    assessment.status = "draft"  # not open yet: it may open
    db.session.commit()
    assert page(f"/s/{open_link.token}")[0] == 404
    assessment.status = "closed"
    db.session.commit()
    assert page(f"/s/{open_link.token}")[0] == 410


# -- one response per person ------------------------------------------------------------------

def test_a_browser_that_answered_a_link_is_told_so_and_can_answer_for_another_person(client):
    link = link_for(make_links(), group_id=1)
    url = f"/s/{link.token}"
    form = client.get(url)
    assert form.headers["Cache-Control"] == "no-store"  # Back asks the server again
    data = hidden_fields(form.get_data(as_text=True))
    data.update({name: "4" for name in topic_fields(form.get_data(as_text=True))})
    sent = client.post(url, data=data)
    assert sent.status_code == 303
    marker = client.get_cookie("survey_answered", path=url)
    assert marker.value == data["uid"] and marker.http_only and marker.same_site == "Lax"

    # Back, a reload, the QR code again: the server knows, and there is no form to send.
    again = client.get(url + "?lang=en")
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    assert "You have answered this survey" in page and 'id="survey-form"' not in page
    assert "Answer for another person" in page
    # The sent form, shown again from the browser's memory, stores nothing new.
    assert client.post(url, data=data).status_code == 303
    assert len(stored()) == 1

    another = client.post(f"{url}/another")
    assert another.status_code == 303 and another.headers["Location"] == url
    assert client.get_cookie("survey_answered", path=url) is None
    _data, response = fill(client, url)
    assert response.status_code == 303 and len(stored()) == 2
    chinese = client.get(url + "?lang=zh_CN").get_data(as_text=True)
    assert "您已填写过本问卷" in chinese and "为他人填写" in chinese


def test_an_invitation_code_leaves_no_marker_on_its_link(client):
    link = link_for(make_links(invitation_only_groups=1), group_id=1)
    code = generate_codes(link, 1)[0]
    db.session.commit()
    assert fill(client, f"/i/{code.code}")[1].status_code == 303
    assert client.get_cookie("survey_answered", path=f"/s/{link.token}") is None


# -- quick to finish: how long it takes, what is left ---------------------------------------

def test_minutes_to_answer_is_ten_seconds_a_question_rounded_up_at_least_one():
    from materiality.survey.questionnaires import minutes_to_answer

    assert [minutes_to_answer(n) for n in (0, 1, 6, 7, 12, 13, 23, 24, 25, 60)] == [
        1, 1, 1, 2, 2, 3, 4, 4, 5, 10]


def test_the_intro_says_how_many_topics_and_about_how_long_it_takes(client):
    assessment = make_links()
    group_link = link_for(assessment, group_id=1)
    english = client.get(f"/s/{group_link.token}?lang=en").get_data(as_text=True)
    assert "23 topics, about 4 minutes." in english
    # Without JavaScript the progress line states the questions to answer (the two open
    # questions are optional and do not count); survey.js turns it into "Answered x of n".
    assert "23 questions to answer" in english and "Answered {n} of {total}" in english
    assert english.count("data-required") == 23
    chinese = client.get(f"/s/{group_link.token}?lang=zh_CN").get_data(as_text=True)
    assert "共23项议题，约需4分钟。" in chinese and "共23道必答题" in chinese
    # A general link asks for the group too: one more question to answer.
    general = client.get(f"/s/{link_for(assessment).token}?lang=en").get_data(as_text=True)
    assert "24 questions to answer" in general and general.count("data-required") == 24
    code = generate_codes(link_for(assessment, kind="company"), 1)[0]  # company links need a code
    db.session.commit()
    company = client.get(f"/i/{code.code}?lang=en").get_data(as_text=True)
    assert "23 topics, about 4 minutes." in company and "24 questions to answer" in company
    feedback = client.get(f"/s/{link_for(assessment, kind='feedback').token}?lang=en")
    html = feedback.get_data(as_text=True)
    assert "5 questions, about 1 minute." in html and "5 questions to answer" in html


def test_missing_answers_are_listed_with_links_to_their_questions_and_nothing_is_lost(client):
    from html import unescape

    link = link_for(make_links())  # a general link: the group comes first
    data, response = fill(client, f"/s/{link.token}?lang=en",
                          {"other_topics": "x" * 4001, "expectations": "<b>kept</b>"},
                          score="2", skip=3)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and stored() == []
    names = topic_fields(html)
    topics = dict(db.session.execute(db.select(Topic.id, Topic.name_en)).all())
    assert "5 questions still need your answer; everything you entered is kept." in html
    box = html[html.index('id="survey-errors"'):html.index("</ul>", html.index('id="survey-errors"'))]
    listed = re.findall(r'<li><a href="#(q-[\w]+)">([^<]*)</a>', box)
    assert [anchor for anchor, _label in listed] == (
        ["q-group"] + [f"q-{name}" for name in names[:3]] + ["q-other_topics"])
    assert [unescape(label) for _anchor, label in listed[1:4]] == [
        topics[int(name[1:])] for name in names[:3]]
    assert "Which stakeholder group do you belong to?" in listed[0][1]
    assert "This answer is too long." in box.split("q-other_topics")[1]
    for anchor, _label in listed:  # every link has its card
        assert html.count(f'id="{anchor}"') == 1
    # Without JavaScript the browser starts at the first question to fix.
    assert html.count("autofocus") == 1
    assert re.search(r'id="q-group" data-required tabindex="-1" autofocus', html)
    # Every answer given is kept.
    assert all(f'name="{name}" value="2" checked' in html for name in names[3:])
    assert "&lt;b&gt;kept&lt;/b&gt;" in html and "x" * 4001 in html
    assert hidden_fields(html)["uid"] == data["uid"]


def _drop_every_other_connection() -> None:
    """What a database restart does to the app's pooled connections: closes them all."""
    statement = db.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert db.session.execute(statement).scalar() >= 1
    still = db.text("SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 10
    while db.session.execute(still).scalar() and time.monotonic() < deadline:
        time.sleep(0.05)
    db.session.commit()


def test_a_respondent_does_not_see_the_database_drop_its_connections(app, client):
    """The survey's engine hands out pooled connections without a ping (a round trip on
    every request): one the database closed is found on use, and the view runs again on
    a fresh connection. A POST caught that way is stored once."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("an embedded SQLite file has no connection to drop")
    token = link_for(make_links(), group_id=1).token
    url = f"/s/{token}"
    assert client.get(url).status_code == 200  # the survey's pool now keeps a connection
    _drop_every_other_connection()
    page = client.get(url)
    assert page.status_code == 200
    data = hidden_fields(page.get_data(as_text=True))
    data.update(dict.fromkeys(topic_fields(page.get_data(as_text=True)), "4"))
    _drop_every_other_connection()
    response = client.post(url, data=data)
    assert response.status_code == 303
    _drop_every_other_connection()
    assert client.get(response.headers["Location"]).status_code == 200  # thanks
    assert [s.uid for s in stored()] == [data["uid"]]
    assert len(stored()[0].ratings) == 23
    # Without the second run, the first use of a dropped connection would have failed.
    survey_engine = db.engines[SURVEY_BIND]
    with survey_engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    _drop_every_other_connection()
    with survey_engine.connect() as connection, pytest.raises(DBAPIError) as raised:
        find_link(connection, token)
    assert raised.value.connection_invalidated
    with survey_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
