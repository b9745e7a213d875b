"""Group weights and the method version belong to the assessment.

Until now scoring read each stakeholder group's one global weight, so editing a weight
for next year rewrote closed assessments, and archiving a group dropped its weight.
Each existing assessment keeps the weight its groups have today: every group that
answered it or has a response target in it, and every group not archived.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 19:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CLASSIC_METHOD_VERSION = 'classic-1'


def upgrade():
    op.create_table('assessment_group_weight',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.CheckConstraint('weight > 0', name=op.f('ck_assessment_group_weight_weight_positive')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_group_weight_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_group.id'], name=op.f('fk_assessment_group_weight_group_id_stakeholder_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'group_id', name=op.f('pk_assessment_group_weight'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method_version', sa.String(length=32),
                                      server_default=CLASSIC_METHOD_VERSION, nullable=False))
    # Backfill: each assessment keeps today's weight of every group that counts in it.
    op.execute(sa.text("""
        INSERT INTO assessment_group_weight (assessment_id, group_id, weight)
        SELECT a.id, g.id, g.weight
        FROM assessment a CROSS JOIN stakeholder_group g
        WHERE g.archived = false
           OR EXISTS (SELECT 1 FROM submission s
                      WHERE s.assessment_id = a.id AND s.group_id = g.id)
           OR EXISTS (SELECT 1 FROM response_target t
                      WHERE t.assessment_id = a.id AND t.group_id = g.id)
    """))


def downgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('method_version')
    op.drop_table('assessment_group_weight')
