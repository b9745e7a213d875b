"""Closed assessments keep their topics' names: those closed before closings kept them
keep the library's names of today.

From now on closing an assessment keeps its topics as its outputs show them (names,
descriptions and category, both languages) in the closing's trail entry, so a topic
renamed later leaves the published report alone (frozen_configuration.shown_topics).
An assessment already closed has no such record: this migration appends one entry to
its trail, "topics_kept", with the topics as the library has them now and the reason,
chained and hashed as the app's own entries are (``flask verify-trail`` checks it).
No schema change.

The trail cannot lose entries (its triggers refuse deletes): the downgrade leaves them,
and older versions show such an entry by its code and read nothing from it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00

"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from materiality.services.trail_chain import GENESIS_HASH, canonical_json, entry_hash

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ACTION = "topics_kept"
REASON = ("kept on upgrade (migration 0009) from the topic library as it stood then: "
          "the assessment was closed before closings kept its topics' names")

trail_entry = sa.table(
    'trail_entry',
    sa.column('assessment_id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('user_id', sa.Integer), sa.column('user_email', sa.String),
    sa.column('action', sa.String), sa.column('subject', sa.String),
    sa.column('before', sa.Text), sa.column('after', sa.Text), sa.column('reason', sa.Text),
    sa.column('previous_hash', sa.String), sa.column('hash', sa.String))


def _keeps_topics(bind, assessment_id: int) -> bool:
    """Whether the latest closing (or an entry after it) kept the topics already."""
    rows = bind.execute(sa.text(
        "SELECT after FROM trail_entry WHERE assessment_id = :id "
        "AND action IN ('assessment_closed', :action) AND id >= COALESCE((SELECT MAX(id) "
        "FROM trail_entry WHERE assessment_id = :id AND action = 'assessment_closed'), 0)"),
        {"id": assessment_id, "action": ACTION}).scalars()
    return any("shown_topics" in (json.loads(after) or {}) for after in rows if after)


def _topics(bind, assessment_id: int) -> list[dict]:
    """The assessment's topics as frozen_configuration.topics_snapshot writes them."""
    rows = bind.execute(sa.text(
        "SELECT t.id, t.name_zh, t.name_en, t.description_zh, t.description_en, "
        "c.key, c.name_zh AS category_zh, c.name_en AS category_en "
        "FROM assessment_topic a JOIN topic t ON t.id = a.topic_id "
        "JOIN category c ON c.id = t.category_id "
        "WHERE a.assessment_id = :id ORDER BY a.position, t.id"), {"id": assessment_id})
    return [{"id": r.id, "name_zh": r.name_zh, "name_en": r.name_en,
             "description_zh": r.description_zh, "description_en": r.description_en,
             "category": {"key": r.key, "name_zh": r.category_zh, "name_en": r.category_en}}
            for r in rows]


def upgrade():
    bind = op.get_bind()
    closed = bind.execute(sa.text(
        "SELECT id FROM assessment WHERE status = 'closed' ORDER BY id")).scalars().all()
    for assessment_id in closed:
        if _keeps_topics(bind, assessment_id):
            continue
        previous = bind.execute(sa.text(
            "SELECT hash FROM trail_entry WHERE assessment_id = :id ORDER BY id DESC LIMIT 1"),
            {"id": assessment_id}).scalar() or GENESIS_HASH
        entry = {"assessment_id": assessment_id, "created_at": datetime.now(UTC),
                 "user_id": None, "user_email": None, "action": ACTION, "subject": None,
                 "before": None,
                 "after": canonical_json({"shown_topics": _topics(bind, assessment_id)}),
                 "reason": REASON}
        bind.execute(trail_entry.insert().values(
            **entry, previous_hash=previous, hash=entry_hash(previous, entry)))


def downgrade():
    pass  # the trail keeps its entries (see the docstring)
