"""Assessments may cut the tiers at the mean of all topics' scores ("mean" threshold mode).

Only the CHECK constraint on assessment.threshold_mode widens; stored modes are kept.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 19:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD = "threshold_mode IN ('midpoint', 'value', 'top_n', 'quantile')"
NEW = "threshold_mode IN ('midpoint', 'mean', 'value', 'top_n', 'quantile')"


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assessment_threshold_mode'), type_='check')
        batch_op.create_check_constraint('threshold_mode', NEW)


def downgrade():
    # An assessment cut at the mean goes back to the scale's midpoint, the old default.
    op.execute("UPDATE assessment SET threshold_mode = 'midpoint' WHERE threshold_mode = 'mean'")
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assessment_threshold_mode'), type_='check')
        batch_op.create_check_constraint('threshold_mode', OLD)
