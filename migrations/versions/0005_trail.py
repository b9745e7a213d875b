"""The trail: an append-only, hash-chained record of every act that can change a result.

Triggers refuse UPDATE and DELETE of trail rows on both databases, so no role in the
app (nor a slip in its code) can edit or remove an entry. A later migration that
rebuilds ``trail_entry`` in SQLite batch mode drops its triggers: create them again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 19:45:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

POSTGRESQL_GUARD = [
    """CREATE FUNCTION trail_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'trail entries cannot be changed or deleted'
           USING ERRCODE = 'insufficient_privilege';
       END $$""",
    """CREATE TRIGGER trail_entry_append_only BEFORE UPDATE OR DELETE ON trail_entry
       FOR EACH ROW EXECUTE FUNCTION trail_entry_append_only()""",
]
SQLITE_GUARD = [
    """CREATE TRIGGER trail_entry_no_update BEFORE UPDATE ON trail_entry
       BEGIN SELECT RAISE(ABORT, 'trail entries cannot be changed or deleted'); END""",
    """CREATE TRIGGER trail_entry_no_delete BEFORE DELETE ON trail_entry
       BEGIN SELECT RAISE(ABORT, 'trail entries cannot be changed or deleted'); END""",
]


def upgrade():
    op.create_table('trail_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=254), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_trail_entry_assessment_id_assessment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trail_entry')),
    sa.UniqueConstraint('assessment_id', 'previous_hash', name=op.f('uq_trail_entry_assessment_id_previous_hash')),
    sa.UniqueConstraint('hash', name=op.f('uq_trail_entry_hash'))
    )
    guard = POSTGRESQL_GUARD if op.get_bind().dialect.name == 'postgresql' else SQLITE_GUARD
    for statement in guard:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS trail_entry_append_only ON trail_entry")
        op.execute("DROP FUNCTION IF EXISTS trail_entry_append_only()")
    op.drop_table('trail_entry')
