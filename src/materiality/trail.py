"""Write and check the trail: :func:`record` is called by every operation that can change
an assessment's results; :func:`verify` walks the hash chains.

``record`` only flushes, like the operations that call it; the view commits once.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select, text

from .extensions import db
from .models import Assessment, TrailEntry, as_utc, now_utc
from .services.trail_chain import (
    GENESIS_HASH,
    BrokenLink,
    StoredEntry,
    canonical_json,
    entry_hash,
    first_broken_link,
)


class Action(StrEnum):
    """The acts the trail records."""

    ASSESSMENT_CREATED = "assessment_created"
    TOPICS_CHANGED = "topics_changed"
    GROUP_WEIGHTS_CHANGED = "group_weights_changed"
    RATER_KIND_WEIGHTS_CHANGED = "rater_kind_weights_changed"
    THRESHOLDS_CHANGED = "thresholds_changed"
    OVERRIDE_SET = "override_set"
    OVERRIDE_REMOVED = "override_removed"
    RESPONSE_DELETED = "response_deleted"
    RESPONSE_RESTORED = "response_restored"
    ANSWER_PROMOTED = "answer_promoted"
    LINK_STATE_CHANGED = "link_state_changed"
    LINK_CLOSING_CHANGED = "link_closing_changed"
    ASSESSMENT_OPENED = "assessment_opened"
    ASSESSMENT_CLOSED = "assessment_closed"
    ASSESSMENT_REOPENED = "assessment_reopened"
    ASSESSMENT_TO_DRAFT = "assessment_to_draft"
    LABELS_MOVED = "labels_moved"
    LABELS_RESET = "labels_reset"
    METHOD_CHANGED = "method_changed"
    HORIZONS_CHANGED = "horizons_changed"
    IRO_ADDED = "iro_added"
    IRO_CHANGED = "iro_changed"
    IRO_DELETED = "iro_deleted"
    DOUBLE_SETTINGS_CHANGED = "double_materiality_settings_changed"
    ANCHORS_CHANGED = "anchors_changed"
    #: Migration 0009 kept the topics of assessments closed before closings kept them.
    TOPICS_KEPT = "topics_kept"


ACTION_LABELS = {
    Action.ASSESSMENT_CREATED: _l("Assessment created"),
    Action.TOPICS_CHANGED: _l("Topics changed"),
    Action.GROUP_WEIGHTS_CHANGED: _l("Group weights changed"),
    Action.RATER_KIND_WEIGHTS_CHANGED: _l("Rater-kind weights changed"),
    Action.THRESHOLDS_CHANGED: _l("Thresholds changed"),
    Action.OVERRIDE_SET: _l("Company score overridden"),
    Action.OVERRIDE_REMOVED: _l("Override removed"),
    Action.RESPONSE_DELETED: _l("Response deleted"),
    Action.RESPONSE_RESTORED: _l("Response restored"),
    Action.ANSWER_PROMOTED: _l("Open answer added to the expectations"),
    Action.LINK_STATE_CHANGED: _l("Link paused, resumed or closed"),
    Action.LINK_CLOSING_CHANGED: _l("Link closing time changed"),
    Action.ASSESSMENT_OPENED: _l("Surveys opened"),
    Action.ASSESSMENT_CLOSED: _l("Assessment closed"),
    Action.ASSESSMENT_REOPENED: _l("Assessment reopened"),
    Action.ASSESSMENT_TO_DRAFT: _l("Back to draft"),
    Action.LABELS_MOVED: _l("Matrix labels moved"),
    Action.LABELS_RESET: _l("Matrix labels reset"),
    Action.METHOD_CHANGED: _l("Method changed"),
    Action.HORIZONS_CHANGED: _l("Time horizons changed"),
    Action.IRO_ADDED: _l("Impact, risk or opportunity added"),
    Action.IRO_CHANGED: _l("Impact, risk or opportunity changed"),
    Action.IRO_DELETED: _l("Impact, risk or opportunity deleted"),
    Action.DOUBLE_SETTINGS_CHANGED: _l("Double-materiality settings changed"),
    Action.ANCHORS_CHANGED: _l("Assessors' scale wording changed"),
    Action.TOPICS_KEPT: _l("Topic names kept as shown"),
}


def _actor() -> tuple[int | None, str | None]:
    """The logged-in staff member, or nobody (the command line, the demo seed)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, None


def _json(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def _hold_chain(assessment_id: int) -> None:
    """Serialise appends to one assessment's chain until this transaction ends.

    PostgreSQL: lock the assessment row (FOR NO KEY UPDATE still lets survey answers
    reference it). SQLite: any write takes the database's one write lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Assessment.id).where(Assessment.id == assessment_id)
                           .with_for_update(key_share=True))
    else:
        db.session.execute(text("UPDATE assessment SET id = id WHERE id = :id"),
                           {"id": assessment_id})


def head_hash(assessment_id: int) -> str:
    """The hash of the assessment's latest entry (the genesis hash before the first)."""
    latest = db.session.scalar(select(TrailEntry.hash).where(
        TrailEntry.assessment_id == assessment_id).order_by(TrailEntry.id.desc()).limit(1))
    return latest or GENESIS_HASH


def record(assessment: Assessment, action: Action, *, before: Any = None, after: Any = None,
           reason: str | None = None, subject: str | None = None) -> TrailEntry:
    """Append one entry to the assessment's trail, chained to the latest one."""
    db.session.flush()  # the act itself first: its row locks come before the chain's
    _hold_chain(assessment.id)
    user_id, user_email = _actor()
    entry = TrailEntry(
        assessment_id=assessment.id, created_at=now_utc(), user_id=user_id,
        user_email=user_email, action=Action(action).value, subject=subject,
        before=_json(before), after=_json(after), reason=(reason or "").strip() or None,
        previous_hash=head_hash(assessment.id))
    entry.hash = entry_hash(entry.previous_hash, _content(entry))
    db.session.add(entry)
    db.session.flush()
    return entry


def _content(entry: TrailEntry) -> dict[str, Any]:
    return {"assessment_id": entry.assessment_id, "created_at": as_utc(entry.created_at),
            "user_id": entry.user_id, "user_email": entry.user_email, "action": entry.action,
            "subject": entry.subject, "before": entry.before, "after": entry.after,
            "reason": entry.reason}


def entries(assessment_id: int) -> list[TrailEntry]:
    """An assessment's trail, oldest first."""
    return list(db.session.scalars(select(TrailEntry).where(
        TrailEntry.assessment_id == assessment_id).order_by(TrailEntry.id)))


def latest_entry_id(assessment_id: int) -> int | None:
    """The id of the assessment's latest entry: changes whenever its configuration does.

    Cheap (one index lookup): a cache of results can add it to its key.
    """
    return db.session.scalar(select(func.max(TrailEntry.id)).where(
        TrailEntry.assessment_id == assessment_id))


@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: entries checked, and the first broken one if any."""

    checked: int
    broken: BrokenLink | None
    assessment_id: int | None = None


def _stored(assessment_id: int) -> Iterator[StoredEntry]:
    for entry in entries(assessment_id):
        yield StoredEntry(entry.id, entry.previous_hash, entry.hash, _content(entry))


def verify(assessment_id: int | None = None) -> Verification:
    """Recompute every chain (or one assessment's); stop at the first broken entry."""
    if assessment_id is None:
        ids = db.session.scalars(select(TrailEntry.assessment_id).distinct()
                                 .order_by(TrailEntry.assessment_id)).all()
    else:
        ids = [assessment_id]
    checked = 0
    for each in ids:
        count = 0

        def counted(stream: Iterator[StoredEntry]) -> Iterator[StoredEntry]:
            nonlocal count
            for item in stream:
                count += 1
                yield item

        broken = first_broken_link(counted(_stored(each)))
        checked += count
        if broken is not None:
            return Verification(checked, broken, each)
    return Verification(checked, None)
