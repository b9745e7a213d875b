"""Helpers shared by the survey tests: links for the demo assessment, filling in a form."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

from materiality.extensions import db
from materiality.fieldwork.operations import ensure_links
from materiality.models import Assessment, AssessmentTopic, StakeholderGroup, SurveyLink


def demo_assessment() -> Assessment:
    return db.session.scalar(db.select(Assessment).order_by(Assessment.id))


def fresh_assessment() -> Assessment:
    """An open assessment with the demo's 23 topics and no links or responses yet."""
    demo = demo_assessment()
    assessment = Assessment(title="Fieldwork test", reporting_year=2024, status="open",
                            intro_en=demo.intro_en, intro_zh=demo.intro_zh,
                            privacy_en=demo.privacy_en, privacy_zh=demo.privacy_zh)
    for link in demo.topic_links:
        assessment.topic_links.append(AssessmentTopic(topic_id=link.topic_id,
                                                      position=link.position))
    db.session.add(assessment)
    db.session.flush()
    return assessment


def make_links(invitation_only_groups: int = 0) -> Assessment:
    """Create every link of the demo assessment; the first N groups are invitation-only."""
    assessment = fresh_assessment()
    groups = list(db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.position)))
    for group in groups[:invitation_only_groups]:
        group.invitation_only = True
    ensure_links(assessment, groups)
    db.session.commit()
    return assessment


def link_for(assessment: Assessment, kind: str = "stakeholder", group_id=None, rater_kind=None,  # noqa: ANN001
             ) -> SurveyLink:
    return db.session.scalar(db.select(SurveyLink).filter_by(
        assessment_id=assessment.id, kind=kind, group_id=group_id, rater_kind=rater_kind))


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields a browser posts back (the uid, the signed stamp, the page's
    language; kept answers on the busy page), their values unescaped as a browser does."""
    return {name: unescape(value) for name, value
            in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def topic_fields(html: str) -> list[str]:
    """The names of the topic rating questions, in order."""
    return list(dict.fromkeys(re.findall(r'name="(t\d+)"', html)))


def fill(client, url: str, extra: dict | None = None, score: str = "4", skip: int = 0,  # noqa: ANN001
         headers: dict | None = None):
    """GET the form and POST a complete answer (minus ``skip`` topics); returns (data, response).

    Each call is another respondent: a browser that answered the link before keeps a
    marker cookie and is shown "you have answered" instead of the form, so the marker
    is dropped first, as "answer for another person" does.
    """
    client.delete_cookie("survey_answered", path=urlsplit(url).path)
    page = client.get(url, headers=headers)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    data = hidden_fields(html)
    names = topic_fields(html)
    for name in names[skip:]:
        data[name] = score
    data.update(extra or {})
    return data, client.post(url, data=data, headers=headers)
