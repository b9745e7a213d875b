"""Double materiality: a method per assessment, the IRO register and assessors' ratings.

Every existing assessment is classic. Time horizons default to ESRS 1 §77's (short up
to 1 year, medium up to 5, long beyond).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SQLITE_COLUMNS = [
    "ALTER TABLE assessment ADD COLUMN method VARCHAR(16) DEFAULT 'classic' NOT NULL "
    "CONSTRAINT ck_assessment_method CHECK (method IN ('classic', 'double'))",
    "ALTER TABLE assessment ADD COLUMN horizon_short_years INTEGER DEFAULT '1' NOT NULL",
    "ALTER TABLE assessment ADD COLUMN horizon_medium_years INTEGER DEFAULT '5' NOT NULL "
    "CONSTRAINT ck_assessment_horizons_ordered "
    "CHECK (horizon_short_years > 0 AND horizon_medium_years > horizon_short_years)",
]


def upgrade():
    op.create_table('iro',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actuality', sa.String(length=12), nullable=True),
    sa.Column('human_rights', sa.Boolean(), nullable=False),
    sa.Column('upstream', sa.Boolean(), nullable=False),
    sa.Column('own_operations', sa.Boolean(), nullable=False),
    sa.Column('downstream', sa.Boolean(), nullable=False),
    sa.Column('time_horizon', sa.String(length=8), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind IN ('negative_impact', 'positive_impact') AND actuality IS NOT NULL AND actuality IN ('actual', 'potential')) OR (kind IN ('risk', 'opportunity') AND actuality IS NULL)", name=op.f('ck_iro_actuality')),
    sa.CheckConstraint("NOT human_rights OR kind = 'negative_impact'", name=op.f('ck_iro_human_rights')),
    sa.CheckConstraint("kind IN ('negative_impact', 'positive_impact', 'risk', 'opportunity')", name=op.f('ck_iro_kind')),
    sa.CheckConstraint("time_horizon IN ('short', 'medium', 'long')", name=op.f('ck_iro_time_horizon')),
    sa.CheckConstraint('description_zh IS NOT NULL OR description_en IS NOT NULL', name=op.f('ck_iro_has_description')),
    sa.CheckConstraint('upstream OR own_operations OR downstream', name=op.f('ck_iro_value_chain')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_iro_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_iro_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iro'))
    )
    with op.batch_alter_table('iro', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iro_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('iro_stakeholder_group',
    sa.Column('iro_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_group.id'], name=op.f('fk_iro_stakeholder_group_group_id_stakeholder_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['iro_id'], ['iro.id'], name=op.f('fk_iro_stakeholder_group_iro_id_iro'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('iro_id', 'group_id', name=op.f('pk_iro_stakeholder_group'))
    )
    op.create_table('iro_rating',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('iro_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=16), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint("criterion IN ('scale', 'scope', 'irremediable', 'likelihood', 'magnitude')", name=op.f('ck_iro_rating_criterion')),
    sa.CheckConstraint('value IS NULL OR (value >= 1 AND value <= 5)', name=op.f('ck_iro_rating_value_range')),
    sa.ForeignKeyConstraint(['iro_id'], ['iro.id'], name=op.f('fk_iro_rating_iro_id_iro'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_iro_rating_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', 'iro_id', 'criterion', name=op.f('pk_iro_rating'))
    )
    with op.batch_alter_table('iro_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iro_rating_iro_id'), ['iro_id'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        # ALTER TABLE, not a batch rebuild: rebuilding drops the old table, and in SQLite
        # that first deletes its rows, which the trail's foreign key refuses (and which
        # would cascade to every survey row). SQLite takes column CHECKs on ADD COLUMN.
        for statement in SQLITE_COLUMNS:
            op.execute(statement)
        return
    op.add_column('assessment', sa.Column('method', sa.String(length=16),
                                          server_default='classic', nullable=False))
    op.add_column('assessment', sa.Column('horizon_short_years', sa.Integer(),
                                          server_default='1', nullable=False))
    op.add_column('assessment', sa.Column('horizon_medium_years', sa.Integer(),
                                          server_default='5', nullable=False))
    op.create_check_constraint(op.f('ck_assessment_method'), 'assessment',
                               "method IN ('classic', 'double')")
    op.create_check_constraint(
        op.f('ck_assessment_horizons_ordered'), 'assessment',
        "horizon_short_years > 0 AND horizon_medium_years > horizon_short_years")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # The horizons' CHECK belongs to horizon_medium_years: it goes with that column.
        for column in ('horizon_medium_years', 'horizon_short_years', 'method'):
            op.execute(f'ALTER TABLE assessment DROP COLUMN {column}')
    else:
        op.drop_constraint(op.f('ck_assessment_horizons_ordered'), 'assessment', type_='check')
        op.drop_constraint(op.f('ck_assessment_method'), 'assessment', type_='check')
        for column in ('horizon_medium_years', 'horizon_short_years', 'method'):
            op.drop_column('assessment', column)

    with op.batch_alter_table('iro_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iro_rating_iro_id'))

    op.drop_table('iro_rating')
    op.drop_table('iro_stakeholder_group')
    with op.batch_alter_table('iro', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iro_assessment_id'))

    op.drop_table('iro')
