"""Assessor questionnaires, double-materiality settings and anchors, the organisation
profile, English assessment titles, short link codes and guideline article codes.

- survey_link.kind and submission.kind admit 'assessor' (double materiality's panels).
- assessment: title_en; dm_* scoring settings (aggregation, combination, thresholds).
- criterion_anchor: an assessment's own wording of each criterion's levels.
- organisation: the one-row profile shown to respondents and readers.
- survey_link.short_code: a short address for posters; existing links get one.
- topic.guideline_codes: articles of the exchanges' 2024 guideline.

On SQLite, columns are added with ALTER TABLE and CHECKs edited in the schema (as in
0006 and 0007): a batch rebuild would drop tables that others refer to, and with
foreign keys on that deletes through every survey row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 22:40:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KINDS_OLD = "kind IN ('stakeholder', 'company', 'feedback')"
KINDS_NEW = "kind IN ('stakeholder', 'company', 'feedback', 'assessor')"
THRESHOLD_MODES = "('midpoint', 'mean', 'value', 'top_n', 'quantile')"

#: (column, SQLite's ADD COLUMN clause after the name, its CHECK or None)
ASSESSMENT_COLUMNS = [
    ("title_en", "VARCHAR(200)", None),
    ("dm_aggregate", "VARCHAR(8) DEFAULT 'mean' NOT NULL",
     "dm_aggregate IN ('mean', 'median')"),
    ("dm_combine", "VARCHAR(12) DEFAULT 'geometric' NOT NULL",
     "dm_combine IN ('geometric', 'arithmetic', 'product')"),
    ("dm_threshold_mode", "VARCHAR(16) DEFAULT 'value' NOT NULL",
     f"dm_threshold_mode IN {THRESHOLD_MODES}"),
    ("dm_threshold_impact", "DOUBLE DEFAULT '3.0'", None),
    ("dm_threshold_financial", "DOUBLE DEFAULT '3.0'", None),
    ("dm_top_n", "INTEGER", None),
    ("dm_quantile", "DOUBLE", None),
]

SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _sqlite_replace_check(table: str, old: str, new: str) -> None:
    """Swap a CHECK's text in sqlite_master (SQLite's documented way) and bump the version."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    if old not in sql:
        raise RuntimeError(f"{table}'s CHECK constraint not found: {old}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                         (sql.replace(old, new), table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace_kind_checks(old: str, new: str) -> None:
    for table in ('survey_link', 'submission'):
        if op.get_bind().dialect.name == 'sqlite':
            _sqlite_replace_check(table, old, new)
        else:
            op.drop_constraint(op.f(f'ck_{table}_kind'), table, type_='check')
            op.create_check_constraint(op.f(f'ck_{table}_kind'), table, new)


def upgrade():
    _replace_kind_checks(KINDS_OLD, KINDS_NEW)
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=True),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('contact_zh', sa.String(length=300), nullable=True),
    sa.Column('contact_en', sa.String(length=300), nullable=True),
    sa.Column('privacy_zh', sa.Text(), nullable=True),
    sa.Column('privacy_en', sa.Text(), nullable=True),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_mime', sa.String(length=32), nullable=True),
    sa.Column('logo_sha256', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("logo IS NULL OR logo_mime IN ('image/png', 'image/jpeg')", name=op.f('ck_organisation_logo_mime')),
    sa.CheckConstraint('id = 1', name=op.f('ck_organisation_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('criterion_anchor',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=16), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('text_zh', sa.String(length=300), nullable=True),
    sa.Column('text_en', sa.String(length=300), nullable=True),
    sa.CheckConstraint("criterion IN ('scale', 'scope', 'irremediable', 'likelihood', 'magnitude')", name=op.f('ck_criterion_anchor_criterion')),
    sa.CheckConstraint('level >= 1 AND level <= 5', name=op.f('ck_criterion_anchor_level_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_criterion_anchor_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'criterion', 'level', name=op.f('pk_criterion_anchor'))
    )
    if op.get_bind().dialect.name == 'sqlite':
        for column, clause, check in ASSESSMENT_COLUMNS:
            constraint = f" CONSTRAINT ck_assessment_{column} CHECK ({check})" if check else ""
            op.execute(f"ALTER TABLE assessment ADD COLUMN {column} {clause}{constraint}")
        op.execute("ALTER TABLE survey_link ADD COLUMN short_code VARCHAR(16)")
        op.execute("ALTER TABLE topic ADD COLUMN guideline_codes VARCHAR(200)")
    else:
        op.add_column('assessment', sa.Column('title_en', sa.String(length=200), nullable=True))
        op.add_column('assessment', sa.Column('dm_aggregate', sa.String(length=8), server_default='mean', nullable=False))
        op.add_column('assessment', sa.Column('dm_combine', sa.String(length=12), server_default='geometric', nullable=False))
        op.add_column('assessment', sa.Column('dm_threshold_mode', sa.String(length=16), server_default='value', nullable=False))
        op.add_column('assessment', sa.Column('dm_threshold_impact', sa.Double(), server_default='3.0', nullable=True))
        op.add_column('assessment', sa.Column('dm_threshold_financial', sa.Double(), server_default='3.0', nullable=True))
        op.add_column('assessment', sa.Column('dm_top_n', sa.Integer(), nullable=True))
        op.add_column('assessment', sa.Column('dm_quantile', sa.Double(), nullable=True))
        for column, _clause, check in ASSESSMENT_COLUMNS:
            if check:
                op.create_check_constraint(op.f(f'ck_assessment_{column}'), 'assessment', check)
        op.add_column('survey_link', sa.Column('short_code', sa.String(length=16), nullable=True))
        op.add_column('topic', sa.Column('guideline_codes', sa.String(length=200), nullable=True))
    # Every existing link gets a short address (40 random bits, Crockford base32).
    bind = op.get_bind()
    taken = set()
    for (link_id,) in bind.execute(sa.text("SELECT id FROM survey_link")).all():
        code = None
        while code is None or code in taken:
            code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))
        taken.add(code)
        bind.execute(sa.text("UPDATE survey_link SET short_code = :code WHERE id = :id"),
                     {"code": code, "id": link_id})
    op.create_index(op.f('ix_survey_link_short_code'), 'survey_link', ['short_code'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_survey_link_short_code'), table_name='survey_link')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE topic DROP COLUMN guideline_codes")
        op.execute("ALTER TABLE survey_link DROP COLUMN short_code")
        for column, _clause, _check in reversed(ASSESSMENT_COLUMNS):
            op.execute(f"ALTER TABLE assessment DROP COLUMN {column}")
    else:
        op.drop_column('topic', 'guideline_codes')
        op.drop_column('survey_link', 'short_code')
        for column, _clause, check in reversed(ASSESSMENT_COLUMNS):
            if check:
                op.drop_constraint(op.f(f'ck_assessment_{column}'), 'assessment', type_='check')
            op.drop_column('assessment', column)
    op.drop_table('criterion_anchor')
    op.drop_table('organisation')
    # Assessor responses have no place in the older schema.
    op.execute("DELETE FROM submission WHERE kind = 'assessor'")
    op.execute("DELETE FROM survey_link WHERE kind = 'assessor'")
    _replace_kind_checks(KINDS_NEW, KINDS_OLD)
