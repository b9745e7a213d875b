"""Staff's changes to the fieldwork: links, invitation codes, targets, deleted responses.

Functions here only flush; the view commits once at the edge.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select

from ..admin.operations import OperationRefused
from ..extensions import db
from ..frozen_configuration import is_closed
from ..models import (
    Assessment,
    CriterionAnchor,
    InvitationCode,
    LinkState,
    Method,
    QuestionnaireKind,
    RaterKind,
    ResponseTarget,
    StakeholderGroup,
    Submission,
    SurveyLink,
    as_utc,
)
from ..services.scoring.anchors import DEFAULT_ANCHORS
from ..trail import Action, record

MAX_CODES_AT_ONCE = 1000


def assessment_links(assessment_id: int) -> list[SurveyLink]:
    """Every link of an assessment: stakeholder (groups, then general), company, feedback."""
    links = list(db.session.scalars(
        select(SurveyLink).where(SurveyLink.assessment_id == assessment_id)
        .order_by(SurveyLink.id)
    ))
    kind_order = {QuestionnaireKind.STAKEHOLDER: 0, QuestionnaireKind.COMPANY: 1,
                  QuestionnaireKind.FEEDBACK: 2}
    rater_order = {None: 9, **{k.value: i for i, k in enumerate(RaterKind)}}

    def key(link: SurveyLink) -> tuple:
        group = link.group
        return (kind_order.get(link.kind, 3), group is None,
                group.position if group else 0, rater_order.get(link.rater_kind, 9), link.id)

    return sorted(links, key=key)


def ensure_links(assessment: Assessment, groups: Sequence[StakeholderGroup]) -> int:
    """Create the links an assessment lacks; return how many were made.

    One stakeholder link per group (invitation-only groups need codes), a general
    stakeholder link, one company link per rater kind and a general company link
    (both need codes), and the reader feedback link.
    """
    existing = {(link.kind, link.group_id, link.rater_kind)
                for link in assessment_links(assessment.id)}
    wanted: list[SurveyLink] = []
    for group in groups:
        wanted.append(SurveyLink(kind=QuestionnaireKind.STAKEHOLDER, group_id=group.id,
                                 requires_code=group.invitation_only))
    wanted.append(SurveyLink(kind=QuestionnaireKind.STAKEHOLDER))
    for rater in RaterKind:
        wanted.append(SurveyLink(kind=QuestionnaireKind.COMPANY, rater_kind=rater.value,
                                 requires_code=True))
    wanted.append(SurveyLink(kind=QuestionnaireKind.COMPANY, requires_code=True))
    wanted.append(SurveyLink(kind=QuestionnaireKind.FEEDBACK))
    made = 0
    for link in wanted:
        if (link.kind, link.group_id, link.rater_kind) in existing:
            continue
        link.assessment_id = assessment.id
        link.state = LinkState.ACTIVE
        db.session.add(link)
        made += 1
    db.session.flush()
    return made


def set_link_state(link: SurveyLink, state: str) -> None:
    """Pause, resume or close a link; a closed assessment's links cannot take answers again."""
    state = LinkState(state).value
    if state == link.state:
        return
    if state == LinkState.ACTIVE and is_closed(link.assessment):
        raise OperationRefused("assessment_closed")
    before = link.state
    link.state = state
    record(link.assessment, Action.LINK_STATE_CHANGED, subject=f"link:{link.id}",
           before={"state": before}, after={"state": state})


def _moment(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def set_link_closing(link: SurveyLink, closes_at: datetime | None) -> None:
    """Set or clear the moment a link stops taking answers."""
    before = _moment(link.closes_at)
    link.closes_at = closes_at
    if before != _moment(closes_at):
        record(link.assessment, Action.LINK_CLOSING_CHANGED, subject=f"link:{link.id}",
               before={"closes_at": before}, after={"closes_at": _moment(closes_at)})
    db.session.flush()


def generate_codes(link: SurveyLink, count: int, note: str | None = None) -> list[InvitationCode]:
    """Add ``count`` single-use invitation codes to a link."""
    count = max(0, min(count, MAX_CODES_AT_ONCE))
    codes = [InvitationCode(link_id=link.id, note=note or None) for _ in range(count)]
    db.session.add_all(codes)
    db.session.flush()
    return codes


def link_codes(link_id: int) -> list[InvitationCode]:
    """A link's codes, oldest first."""
    return list(db.session.scalars(
        select(InvitationCode).where(InvitationCode.link_id == link_id)
        .order_by(InvitationCode.id)))


def set_targets(assessment_id: int, targets: dict[int, int | None]) -> None:
    """Replace the response targets per group (None or 0 removes a target)."""
    current = {t.group_id: t for t in db.session.scalars(
        select(ResponseTarget).where(ResponseTarget.assessment_id == assessment_id))}
    for group_id, value in targets.items():
        row = current.get(group_id)
        if not value:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ResponseTarget(assessment_id=assessment_id, group_id=group_id,
                                          target=value))
        else:
            row.target = value
    db.session.flush()


def delete_response(submission: Submission, reason: str, user_id: int | None) -> None:
    """Soft-delete a response: kept with the reason, left out of every count."""
    assessment = db.session.get(Assessment, submission.assessment_id)
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    if not reason.strip():
        raise OperationRefused("reason_required")
    submission.deleted_at = datetime.now(UTC)
    submission.deleted_reason = reason.strip()
    submission.deleted_by_id = user_id
    record(assessment, Action.RESPONSE_DELETED, subject=f"submission:{submission.id}",
           before={"deleted": False}, after={"deleted": True}, reason=reason)


def restore_response(submission: Submission, reason: str) -> None:
    """Count a deleted response again, saying why; the deletion stays in the trail."""
    assessment = db.session.get(Assessment, submission.assessment_id)
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    if not reason.strip():
        raise OperationRefused("reason_required")
    before = {"deleted": True, "deleted_at": _moment(submission.deleted_at),
              "deleted_reason": submission.deleted_reason}
    submission.deleted_at = None
    submission.deleted_reason = None
    submission.deleted_by_id = None
    record(assessment, Action.RESPONSE_RESTORED, subject=f"submission:{submission.id}",
           before=before, after={"deleted": False}, reason=reason)


def count_live(assessment_id: int, kind: str) -> int:
    """Responses of one kind that are not deleted."""
    return db.session.scalar(
        select(func.count()).select_from(Submission).where(
            Submission.assessment_id == assessment_id, Submission.kind == kind,
            Submission.deleted_at.is_(None)))


def create_assessor_link(assessment: Assessment, rater_kind: str | None) -> SurveyLink:
    """Add a double-materiality assessment's assessor link, opened by invitation codes only.

    ``rater_kind`` (management, internal or external expert) is stored on every answer
    given through the link; None lets each assessor say. One link per kind.
    """
    if assessment.method != Method.DOUBLE:
        raise OperationRefused("not_double")
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    rater_kind = RaterKind(rater_kind).value if rater_kind else None
    if any(link.kind == QuestionnaireKind.ASSESSOR and link.rater_kind == rater_kind
           for link in assessment_links(assessment.id)):
        raise OperationRefused("link_exists")
    link = SurveyLink(assessment_id=assessment.id, kind=QuestionnaireKind.ASSESSOR.value,
                      rater_kind=rater_kind, requires_code=True, state=LinkState.ACTIVE.value)
    db.session.add(link)
    db.session.flush()
    return link


def anchor_overrides(assessment_id: int) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    """The assessment's own wording of the criteria's levels: (criterion, level) -> (zh, en)."""
    return {(row.criterion, row.level): (row.text_zh, row.text_en)
            for row in db.session.scalars(select(CriterionAnchor).where(
                CriterionAnchor.assessment_id == assessment_id))}


def save_anchors(assessment: Assessment,
                 texts: dict[tuple[str, int], tuple[str | None, str | None]],
                 reason: str | None = None) -> int:
    """Replace the assessment's wording of the levels given; return how many levels changed.

    An empty text, or the default's own words, is the default (no row kept). The
    levels changed go to the trail with their wording before and after.
    """
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    current = anchor_overrides(assessment.id)
    rows = {(row.criterion, row.level): row for row in db.session.scalars(
        select(CriterionAnchor).where(CriterionAnchor.assessment_id == assessment.id))}
    before, after = {}, {}
    for (criterion, level), (zh, en) in texts.items():
        default = DEFAULT_ANCHORS[criterion][level]
        zh = None if not zh or zh == default["zh"] else zh
        en = None if not en or en == default["en"] else en
        old = current.get((criterion, level), (None, None))
        if (zh, en) == old:
            continue
        key = f"{criterion}.{level}"
        before[key], after[key] = {"zh": old[0], "en": old[1]}, {"zh": zh, "en": en}
        row = rows.get((criterion, level))
        if zh is None and en is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(CriterionAnchor(assessment_id=assessment.id, criterion=criterion,
                                           level=level, text_zh=zh, text_en=en))
        else:
            row.text_zh, row.text_en = zh, en
    if after:
        record(assessment, Action.ANCHORS_CHANGED, subject="anchors", before=before,
               after=after, reason=reason or None)
    db.session.flush()
    return len(after)
