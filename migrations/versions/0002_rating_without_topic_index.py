"""Drop the rating.topic_id index: ratings are read by submission, and it slowed every write.

Each submission adds one rating per topic; in an index ordered by topic those 25 rows
land on 25 different leaf pages, so every survey response rewrote ~25 index pages
(100 KB of SQLite WAL) for an index no query used. The primary key
(submission_id, topic_id) serves every read. Topics are archived, never deleted, so
the foreign key to topic needs no index either.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_topic_id'))


def downgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_topic_id'), ['topic_id'], unique=False)
