"""The survey form and thanks page come from a per-process cache (survey/page_cache.py):
the same page as rendered afresh, with a new submission id and stamp on every view,
and a new page as soon as the assessment, its topics, the link or the organisation
change."""
from __future__ import annotations

import re

import pytest
from survey_helpers import fill, hidden_fields, link_for, make_links

from materiality.extensions import db
from materiality.models import (
    Assessment,
    AssessmentTopic,
    Organisation,
    StakeholderGroup,
    SurveyLink,
    Topic,
)
from materiality.survey import page_cache
from materiality.survey import routes as survey_routes

pytestmark = pytest.mark.usefixtures("demo_data")


def pages(app) -> page_cache.LRUCache:  # noqa: ANN001
    with app.app_context():
        return page_cache._pages()  # noqa: SLF001 - the test reads the cache's counters


def without_view_values(html: str) -> str:
    """The page with its submission id and stamp blanked out."""
    fields = hidden_fields(html)
    # The stamp first: it carries the submission id.
    return html.replace(fields["stamp"], "STAMP").replace(fields["uid"], "UID")


@pytest.fixture
def link_url(app) -> str:
    link = link_for(make_links(), group_id=db.session.scalar(
        db.select(StakeholderGroup.id).order_by(StakeholderGroup.position)))
    return f"/s/{link.token}"


def test_cached_form_is_the_freshly_rendered_form_byte_for_byte(app, client, link_url,
                                                                 monkeypatch):
    monkeypatch.setattr(survey_routes, "new_uid", lambda: "0123456789abcdef" * 2)
    monkeypatch.setattr(survey_routes, "make_stamp", lambda *args: "fixed.stamp-value_x")
    for lang in ("zh_CN", "en"):
        app.config["SURVEY_PAGE_CACHE"] = False
        fresh = client.get(f"{link_url}?lang={lang}").get_data()
        app.config["SURVEY_PAGE_CACHE"] = True
        first = client.get(f"{link_url}?lang={lang}").get_data()  # rendered with markers
        second = client.get(f"{link_url}?lang={lang}").get_data()  # from the cache
        assert fresh == first == second
    assert pages(app).hits >= 2


def test_every_view_gets_its_own_submission_id_and_stamp_and_both_are_stored(app, client,
                                                                               link_url):
    first = client.get(link_url).get_data(as_text=True)
    second = client.get(link_url).get_data(as_text=True)
    one, two = hidden_fields(first), hidden_fields(second)
    assert one["uid"] != two["uid"] and one["stamp"] != two["stamp"]
    assert f'data-uid="{two["uid"]}"' in second
    assert without_view_values(first) == without_view_values(second)
    assert pages(app).hits >= 1
    for _ in range(2):
        data, response = fill(client, link_url)
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
    uids = re.findall(r"done=([0-9a-f]{32})", response.headers["Location"])
    assert uids == [data["uid"]]


def test_the_form_changes_with_the_assessment_its_topics_and_the_link(app, client, link_url):
    token = link_url.rsplit("/", 1)[1]
    link = db.session.scalar(db.select(SurveyLink).filter_by(token=token))
    assessment = db.session.get(Assessment, link.assessment_id)
    before = client.get(f"{link_url}?lang=en").get_data(as_text=True)

    assessment.intro_en = "A brand-new introduction for the cache test."
    db.session.commit()
    page = client.get(f"{link_url}?lang=en").get_data(as_text=True)
    assert "A brand-new introduction for the cache test." in page and page != before

    topic = db.session.get(Topic, assessment.topic_links[0].topic_id)
    topic.name_en = "Renamed topic for the cache test"
    db.session.commit()
    assert "Renamed topic for the cache test" in client.get(f"{link_url}?lang=en").get_data(
        as_text=True)

    extra = db.session.scalar(db.select(Topic).where(
        Topic.id.not_in([t.topic_id for t in assessment.topic_links])).order_by(Topic.id))
    if extra is None:  # the demo library holds only the assessment's topics
        extra = Topic(name_en="Added topic for the cache test", name_zh="新增议题",
                      category=topic.category)
        db.session.add(extra)
    assessment.topic_links.append(AssessmentTopic(topic=extra, position=99))
    db.session.commit()
    page = client.get(f"{link_url}?lang=en").get_data(as_text=True)
    assert extra.name_en in page
    assert len(set(re.findall(r'name="(t\d+)"', page))) == len(assessment.topic_links)

    group = db.session.get(StakeholderGroup, link.group_id)
    group.name_en = "Renamed group for the cache test"
    db.session.commit()
    assert "Renamed group for the cache test" in client.get(f"{link_url}?lang=en").get_data(
        as_text=True)

    link.state = "paused"
    db.session.commit()
    assert client.get(link_url).status_code == 404


def test_the_form_is_made_anew_when_the_organisation_profile_changes(app, client, link_url):
    client.get(link_url)
    client.get(link_url)
    misses = pages(app).misses
    organisation = db.session.get(Organisation, 1)
    if organisation is None:
        organisation = Organisation(id=1)
        db.session.add(organisation)
    organisation.name_en = "Cache Test Holdings"
    organisation.name_zh = "缓存测试控股"
    db.session.commit()
    client.get(link_url)
    assert pages(app).misses == misses + 1
    client.get(link_url)
    assert pages(app).misses == misses + 1


def test_head_and_answered_and_posted_pages_are_not_mixed_up(app, client, link_url):
    assert client.head(link_url).status_code == 200
    get = client.get(link_url).get_data(as_text=True)
    assert 'data-fresh="yes"' in get
    data = hidden_fields(get)
    response = client.post(link_url, data=data)  # every topic missing: the form again
    assert response.status_code == 400
    assert hidden_fields(response.get_data(as_text=True))["uid"] == data["uid"]
    data, stored = fill(client, link_url)
    assert stored.status_code == 303
    # The browser's marker for the link: "answered", never the cached form.
    again = client.get(link_url)
    assert 'name="stamp"' not in again.get_data(as_text=True)


def test_thanks_page_names_its_own_response(app, client, link_url):
    token = link_url.rsplit("/", 1)[1]
    seen = []
    for _ in range(3):
        data, response = fill(client, link_url)
        thanks = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f'data-done="{data["uid"]}"' in thanks
        assert f"done%3D{data['uid']}" in thanks or f"done={data['uid']}" in thanks
        seen.append(thanks.replace(data["uid"], "UID"))
    assert seen[0] == seen[1] == seen[2]
    plain = client.get(f"/s/{token}/thanks").get_data(as_text=True)
    assert 'data-done=""' in plain
    odd = client.get(f"/s/{token}/thanks?done=<b>x</b>").get_data(as_text=True)
    assert "<b>x</b>" not in odd and 'data-done="&lt;b&gt;x&lt;/b&gt;"' in odd


def test_the_cursor_reads_give_what_sqlalchemy_gives(app, link_url):
    """survey/cursor_statements.py: the link reads of every view and answer, on the DBAPI
    cursor, return the same values as Connection.execute, dates and flags included."""
    from datetime import UTC, datetime

    from materiality.survey import operations

    token = link_url.rsplit("/", 1)[1]
    link = db.session.scalar(db.select(SurveyLink).filter_by(token=token))
    link.closes_at = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    db.session.add(Organisation(name_zh="某公司", name_en="A Company"))
    db.session.commit()
    with db.engine.connect() as connection:
        for read in (operations._LINK_BY_TOKEN, operations._LINK_AND_FORM_BY_TOKEN):  # noqa: SLF001
            expected = tuple(connection.execute(read.statement, {"token": token}).one())
            assert read.first(connection, token=token) == expected
            assert read.first(connection, token="no-such-token") is None
        found = operations.find_link(connection, token)
    assert found.closes_at.replace(tzinfo=UTC) == datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert found.requires_code is False and len(found.topic_ids) > 0


def test_a_response_stored_on_the_cursor_is_stored_as_sqlalchemy_stores_it(app, link_url):
    """survey/storing.py writes through survey/cursor_statements.py: the same row as an
    ORM insert of the same values, read back the same way; a second store of the same
    submission id is SQLAlchemy's IntegrityError, which the view turns into "stored once"."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import IntegrityError

    from materiality.models import Rating, Submission
    from materiality.survey import operations
    from materiality.survey.storing import store_submission, survey_connection

    token = link_url.rsplit("/", 1)[1]
    started = datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=UTC)
    with survey_connection() as connection:
        link = operations.find_link(connection, token)
        scores = dict.fromkeys(sorted(link.topic_ids), 4)
        response = operations.PostedResponse(group_id=link.group_id, scores=scores,
                                             answers={"expectations": "更多披露"})
        stored_id = store_submission(connection, uid="c" * 32, link=link, response=response,
                                     code=None, locale="en", started_at=started)
        connection.commit()
        with pytest.raises(IntegrityError):
            store_submission(connection, uid="c" * 32, link=link, response=response,
                             code=None, locale="en", started_at=started)
        connection.rollback()
    twin = Submission(uid="d" * 32, assessment_id=link.assessment_id, link_id=link.id,
                      kind=link.kind, group_id=link.group_id, locale="en", started_at=started,
                      expectations="更多披露")
    db.session.add(twin)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Submission, stored_id)
    assert (stored.started_at, stored.locale, stored.expectations, stored.group_id) == (
        twin.started_at, twin.locale, twin.expectations, twin.group_id)
    # As text, too: what SQLite keeps is what the ORM writes (ordering and exports read it).
    as_text = db.session.execute(db.text(
        "SELECT CAST(started_at AS TEXT) FROM submission WHERE id IN (:a, :b) ORDER BY id"),
        {"a": stored_id, "b": twin.id}).scalars().all()
    assert as_text[0] == as_text[1]
    assert dict(db.session.execute(db.select(Rating.topic_id, Rating.score)
                                   .filter_by(submission_id=stored_id)).all()) == scores
