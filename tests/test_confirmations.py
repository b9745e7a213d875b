"""Nothing destructive on one tap: every act that deletes or changes a state asks first.

The URL map is walked: every POST route either has the confirm step (confirmation.py)
or is listed in EXEMPT with the reason. Each confirmed act is then walked without
script: the page links to the confirm page, GET says what will happen with the real
figures, a POST that is not the confirmation changes nothing, the confirmation does it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from conftest import make_user

from materiality.confirmation import has_confirm_step
from materiality.extensions import db
from materiality.fieldwork.operations import ensure_links
from materiality.models import (
    Assessment,
    AssessmentTopic,
    Category,
    CompanyScoreOverride,
    GroupStatement,
    Iro,
    LabelPosition,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
    User,
)

#: POST routes without a confirm step, and why none is needed.
EXEMPT = {
    "admin.assessment_copy": "a form: the new title and year are typed first; it only adds a draft",
    "admin.assessment_edit": "saves an edit form",
    "admin.assessment_new": "saves the new-assessment form",
    "admin.assessment_topics": "saves the topic selection form",
    "admin.assessment_weights": "saves the weights form, with a written reason",
    "admin.organisation": "saves the profile form (removing the logo is a tick in it)",
    "admin.categories": "saves the new-category form",
    "admin.group_detail": "saves the group's edit form",
    "admin.group_new": "saves the new-group form",
    "admin.group_move": "moves a group one place; the opposite arrow undoes it",
    "admin.statement_new": "saves the new-statement form",
    "admin.statement_edit": "saves an edit form",
    "admin.statement_move": "moves a statement one place; the opposite arrow undoes it",
    "admin.iro_new": "saves the new-IRO form",
    "admin.iro_edit": "saves an edit form",
    "admin.iro_import": "a file is chosen and sent; all rows or none are imported",
    "admin.iro_horizons": "saves the horizons form",
    "admin.topic_new": "saves the new-topic form",
    "admin.topic_edit": "saves an edit form",
    "admin.topic_import": "a file is chosen and sent; all rows or none are imported",
    "admin.topic_template": "a form: the template is chosen first; it only adds missing topics",
    "admin.users": "saves the add-user form",
    "auth.login": "the login form",
    "auth.logout": "ends one's own session; no data changes",
    "auth.change_password": "the change-password form",
    "auth.reset_password": "the reset-password form",
    "fieldwork.links_create": "adds only the missing links; nothing existing changes",
    "fieldwork.link_closing": "saves the closing-date form",
    "fieldwork.codes": "saves the generate-codes form (a count is typed first)",
    "fieldwork.targets": "saves the targets form",
    "fieldwork.assessor_link_create": "a form: who answers is chosen first; it only adds a link",
    "fieldwork.anchors": "saves the anchors form, with a written reason",
    "report.labels_save": "saves the label editor's form",
    "report.double_settings": "saves the settings form, with a written reason",
    "report.override_set": "saves the override form, with a written reason",
    "report.scoring_settings": "saves the settings form, with a written reason",
    "report.promote": "adds one expectation to a group; deleting it again asks first",
    "survey.by_link": "a respondent's answers",
    "survey.by_code": "a respondent's answers",
    "survey.answer_again": "a respondent starts another response; nothing stored changes",
}


def test_every_post_route_confirms_first_or_says_why_not(app):
    confirmed, unlisted = set(), []
    posts = set()
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        posts.add(rule.endpoint)
        if has_confirm_step(app.view_functions[rule.endpoint]):
            assert "GET" in rule.methods, f"{rule.rule}: the confirm page is its GET"
            assert rule.endpoint not in EXEMPT, f"{rule.endpoint} confirms: drop it from EXEMPT"
            confirmed.add(rule.endpoint)
        elif rule.endpoint not in EXEMPT:
            unlisted.append(rule.endpoint)
    assert unlisted == [], (
        "These POST routes change something without a confirm step: decorate them with "
        "confirmation.confirm_step(describe), or list them in EXEMPT with the reason")
    assert set(EXEMPT) <= posts, f"EXEMPT names routes that are gone: {set(EXEMPT) - posts}"
    assert confirmed == {act.endpoint for act in ACTS}, "every confirmed act has a walk below"


# -- the acts, walked without script ----------------------------------------------------


def build_world() -> dict:
    """A small library, an open assessment with links and one response, a double one with
    an IRO, an override and a hand-placed label; an admin and a second account."""
    category = db.session.scalars(db.select(Category).order_by(Category.id)).first()
    topics = [Topic(name_zh=f"议题{i}", name_en=f"Topic {i}", category_id=category.id)
              for i in range(2)]
    group = StakeholderGroup(name_zh="客户", name_en="Customers", position=0)
    db.session.add_all([*topics, group])
    db.session.flush()
    statement = GroupStatement(group_id=group.id, kind="expectation", position=0,
                               text_en="Fair prices", text_zh="价格公道")
    assessment = Assessment(title="Survey 2025", reporting_year=2025, status="open")
    assessment.topic_links = [AssessmentTopic(topic_id=t.id, position=i)
                              for i, t in enumerate(topics)]
    double = Assessment(title="Double 2025", reporting_year=2025, method="double")
    double.topic_links = [AssessmentTopic(topic_id=topics[0].id, position=0)]
    db.session.add_all([statement, assessment, double])
    db.session.flush()
    ensure_links(assessment, [group])
    link = db.session.scalar(db.select(SurveyLink).where(
        SurveyLink.assessment_id == assessment.id, SurveyLink.group_id == group.id))
    answers = [Submission(uid=f"u{i}", assessment_id=assessment.id, link_id=link.id,
                          kind="stakeholder", group_id=group.id,
                          submitted_at=datetime(2025, 3, 1 + i, tzinfo=UTC)) for i in range(3)]
    deleted = answers[2]
    deleted.deleted_at, deleted.deleted_reason = datetime(2025, 3, 9, tzinfo=UTC), "test entry"
    iro = Iro(assessment_id=double.id, topic_id=topics[0].id, kind="risk", time_horizon="short",
              own_operations=True, description_en="Supplier failure")
    db.session.add_all([*answers, iro,
                        CompanyScoreOverride(assessment_id=assessment.id, topic_id=topics[0].id,
                                             score=4.5, reason="board decision"),
                        LabelPosition(assessment_id=assessment.id, topic_id=topics[0].id,
                                      locale="en", x=3.0, y=3.0),
                        LabelPosition(assessment_id=double.id, topic_id=topics[0].id,
                                      locale="en", x=3.0, y=3.0)])
    other = make_user("other@example.org", "editor")
    db.session.commit()
    return {"assessment": assessment.id, "double": double.id, "topic": topics[0].id,
            "group": group.id, "statement": statement.id, "link": link.id, "iro": iro.id,
            "response": answers[0].id, "deleted": deleted.id, "user": other.id}


def _get(model, key):  # noqa: ANN001, ANN202
    db.session.expire_all()
    return db.session.get(model, key)


@dataclass
class Walk:
    """One act: where it is offered, its address, what the confirm page says, the change."""

    endpoint: str
    #: the page offering the act (None: a page that needs scores to show it)
    page: Callable[[dict], str] | None
    url: Callable[[dict], str]
    says: tuple[str, ...]
    done: Callable[[dict], bool]
    reason: bool = False
    setup: Callable[[dict], None] | None = None

    def __str__(self) -> str:
        return self.endpoint


def _closed(world: dict) -> None:
    db.session.get(Assessment, world["assessment"]).status = "closed"
    db.session.commit()


def _locked(world: dict) -> None:
    db.session.get(User, world["user"]).locked_until = datetime(2099, 1, 1, tzinfo=UTC)
    db.session.commit()


def _archived(world: dict) -> None:
    db.session.get(Topic, world["topic"]).archived = True
    db.session.get(StakeholderGroup, world["group"]).archived = True
    db.session.commit()


ACTS = [
    Walk("fieldwork.link_state", lambda w: f"/fieldwork/assessments/{w['assessment']}/links",
         lambda w: f"/fieldwork/links/{w['link']}/state/closed",
         ("Close the link for Customers?", "2 people have answered; no one else can."),
         lambda w: _get(SurveyLink, w["link"]).state == "closed"),
    Walk("admin.assessment_status", lambda w: f"/admin/assessments/{w['assessment']}",
         lambda w: f"/admin/assessments/{w['assessment']}/status/closed",
         ("Close the surveys of Survey 2025?", "2 responses so far"),
         lambda w: _get(Assessment, w["assessment"]).status == "closed"),
    Walk("admin.topic_archive", lambda w: "/admin/topics",
         lambda w: f"/admin/topics/{w['topic']}/archive",
         ("Archive the topic Topic 0?", "It stays in the 2 assessments that ask it"),
         lambda w: _get(Topic, w["topic"]).archived),
    Walk("admin.group_archive", lambda w: "/admin/groups",
         lambda w: f"/admin/groups/{w['group']}/archive",
         ("Archive the group Customers?", "Its 2 responses"),
         lambda w: _get(StakeholderGroup, w["group"]).archived),
    Walk("admin.statement_delete", lambda w: f"/admin/groups/{w['group']}",
         lambda w: f"/admin/statements/{w['statement']}/delete",
         ("Delete this expectation of Customers?", "“Fair prices”"),
         lambda w: _get(GroupStatement, w["statement"]) is None),
    Walk("admin.user_action", lambda w: "/admin/users",
         lambda w: f"/admin/users/{w['user']}/deactivate",
         ("Deactivate other@example.org?", "can no longer log in"),
         lambda w: not _get(User, w["user"]).active),
    Walk("admin.user_reset_link", lambda w: "/admin/users",
         lambda w: f"/admin/users/{w['user']}/reset-link",
         ("Create a password reset link for other@example.org?", "within 24 hours"),
         lambda w: True),
    Walk("admin.iro_delete", lambda w: f"/admin/assessments/{w['double']}/iros",
         lambda w: f"/admin/assessments/{w['double']}/iros/{w['iro']}/delete",
         ("Delete this entry of Topic 0 from the register?", "“Supplier failure” and its 0"),
         lambda w: _get(Iro, w["iro"]) is None),
    Walk("fieldwork.response_delete", lambda w: f"/fieldwork/assessments/{w['assessment']}/responses",
         lambda w: f"/fieldwork/responses/{w['response']}/delete",
         ("Delete this response?", "left out of every count"),
         lambda w: _get(Submission, w["response"]).deleted_at is not None, reason=True),
    Walk("fieldwork.response_restore",
         lambda w: f"/fieldwork/assessments/{w['assessment']}/responses",
         lambda w: f"/fieldwork/responses/{w['deleted']}/restore",
         ("Restore this response?", "test entry"),
         lambda w: _get(Submission, w["deleted"]).deleted_at is None, reason=True),
    Walk("report.labels_reset", lambda w: f"/report/{w['assessment']}/matrix?locale=en",
         lambda w: f"/report/{w['assessment']}/matrix/labels/reset?locale=en&size=half_a4",
         ("Reset the labels of the English matrix?", "1 label placed by hand"),
         lambda w: _get(LabelPosition, (w["assessment"], w["topic"], "en")) is None),
    Walk("report.override_remove", lambda w: f"/report/{w['assessment']}/scores",
         lambda w: f"/report/{w['assessment']}/scores/overrides/{w['topic']}/remove",
         ("Remove the override of Topic 0?", "goes back from 4.50"),
         lambda w: _get(CompanyScoreOverride, (w["assessment"], w["topic"])) is None,
         reason=True),
]

#: More acts on the same routes: the other states and actions.
MORE_ACTS = [
    # The double-materiality matrix's labels are reset by the same route.
    Walk("report.labels_reset", None,
         lambda w: f"/report/{w['double']}/matrix/labels/reset?locale=en",
         ("Reset the labels of the English matrix?", "1 label placed by hand"),
         lambda w: _get(LabelPosition, (w["double"], w["topic"], "en")) is None),
    Walk("fieldwork.link_state", lambda w: f"/fieldwork/assessments/{w['assessment']}/links",
         lambda w: f"/fieldwork/links/{w['link']}/state/paused",
         ("Pause the link for Customers?", "2 people have answered."),
         lambda w: _get(SurveyLink, w["link"]).state == "paused"),
    Walk("admin.assessment_status", lambda w: f"/admin/assessments/{w['assessment']}",
         lambda w: f"/admin/assessments/{w['assessment']}/status/draft",
         ("Take Survey 2025 back to draft?", "the 2 responses so far are kept"),
         lambda w: _get(Assessment, w["assessment"]).status == "draft"),
    Walk("admin.assessment_status", lambda w: f"/admin/assessments/{w['assessment']}",
         lambda w: f"/admin/assessments/{w['assessment']}/status/open",
         ("Reopen Survey 2025?", "recorded in the trail"),
         lambda w: _get(Assessment, w["assessment"]).status == "open", reason=True,
         setup=_closed),
    Walk("admin.user_action", lambda w: "/admin/users",
         lambda w: f"/admin/users/{w['user']}/make_admin",
         ("Make other@example.org an admin?",),
         lambda w: _get(User, w["user"]).role == "admin"),
    Walk("admin.user_action", lambda w: "/admin/users",
         lambda w: f"/admin/users/{w['user']}/unlock",
         ("Unlock other@example.org?",),
         lambda w: _get(User, w["user"]).locked_until is None, setup=_locked),
    Walk("admin.topic_archive", lambda w: "/admin/topics?show=archived",
         lambda w: f"/admin/topics/{w['topic']}/restore",
         ("Restore the topic Topic 0?",),
         lambda w: not _get(Topic, w["topic"]).archived, setup=_archived),
    Walk("admin.group_archive", lambda w: "/admin/groups",
         lambda w: f"/admin/groups/{w['group']}/restore",
         ("Restore the group Customers?",),
         lambda w: not _get(StakeholderGroup, w["group"]).archived, setup=_archived),
]


@pytest.mark.parametrize("act", ACTS + MORE_ACTS, ids=str)
def test_an_act_without_script_asks_then_does(admin_client, act):
    world = build_world()
    if act.setup:
        act.setup(world)
    url = act.url(world)
    path = url.partition("?")[0]

    if act.page is not None:
        page = admin_client.get(act.page(world) + ("&" if "?" in act.page(world) else "?")
                                + "lang=en").get_data(as_text=True)
        assert re.search(rf'href="{re.escape(path)}[^"]*" [^>]*data-confirm', page), \
            "the page offers the act as a link to its confirm page"
        assert f'action="{path}"' not in page, "no one-tap form posts the act"

    confirm = admin_client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    for words in act.says:
        assert words in text
    assert 'name="confirmed" value="yes"' in text
    assert act.reason == ('name="reason"' in text)

    # A post that is not the confirmation changes nothing and goes to the confirm page.
    refused = admin_client.post(url, data={"reason": "because"})
    assert refused.status_code == 303 and refused.headers["Location"].endswith(url)
    if act.endpoint != "admin.user_reset_link":
        assert not act.done(world)
    if act.reason:  # the confirmation without a reason shows the page again, its error named
        again = admin_client.post(url + ("&" if "?" in url else "?") + "lang=en",
                                  data={"confirmed": "yes", "reason": " "})
        assert again.status_code == 400
        assert "Write the reason for this change" in again.get_data(as_text=True)
        assert not act.done(world)

    done = admin_client.post(url, data={"confirmed": "yes", "reason": "checked with the team"})
    assert done.status_code in (200, 302)
    assert act.done(world)


def test_the_confirm_page_says_when_the_act_cannot_be_done(admin_client):
    world = build_world()
    _closed(world)
    url = f"/fieldwork/responses/{world['response']}/delete?lang=en"
    page = admin_client.get(url)
    assert "This assessment is closed" in page.get_data(as_text=True)
    assert 'name="confirmed"' not in page.get_data(as_text=True)
    refused = admin_client.post(url, data={"confirmed": "yes", "reason": "late"})
    assert refused.status_code == 409
    assert _get(Submission, world["response"]).deleted_at is None


def test_an_admin_cannot_confirm_away_their_own_access(admin_client, admin_user):
    build_world()
    page = admin_client.get(f"/admin/users/{admin_user.id}/make_editor?lang=en")
    assert "You cannot remove your own admin access." in page.get_data(as_text=True)
    admin_client.post(f"/admin/users/{admin_user.id}/make_editor", data={"confirmed": "yes"})
    assert _get(User, admin_user.id).role == "admin"


def test_editors_see_no_admin_confirm_page(editor_client):
    world = build_world()
    assert editor_client.get(f"/fieldwork/links/{world['link']}/state/closed").status_code == 403
    assert editor_client.get(f"/admin/topics/{world['topic']}/archive").status_code == 403
    # ...but may reset the labels they may move.
    url = f"/report/{world['assessment']}/matrix/labels/reset?locale=en"
    assert editor_client.get(url).status_code == 200


def test_the_confirm_page_reads_in_chinese(admin_client):
    world = build_world()
    page = admin_client.get(f"/fieldwork/links/{world['link']}/state/closed?lang=zh_CN")
    text = page.get_data(as_text=True)
    assert "客户" in text and "Close the link" not in text
