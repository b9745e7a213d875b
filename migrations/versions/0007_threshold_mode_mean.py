"""Assessments may cut the tiers at the mean of all topics' scores ("mean" threshold mode).

Only the CHECK constraint on assessment.threshold_mode widens; stored modes are kept.
On SQLite the constraint's text is edited in the schema (SQLite's documented way to
change a CHECK constraint): a batch rebuild would drop the assessment table, and with
foreign keys on, that deletes through every table that refers to it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD = "threshold_mode IN ('midpoint', 'value', 'top_n', 'quantile')"
NEW = "threshold_mode IN ('midpoint', 'mean', 'value', 'top_n', 'quantile')"


def _sqlite_replace(old: str, new: str) -> None:
    """Swap the CHECK's text in sqlite_master and bump the schema version."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'assessment'").scalar()
    if old not in sql:
        raise RuntimeError(f"assessment's CHECK constraint not found: {old}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'assessment'",
        (sql.replace(old, new),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_replace(old, new)
        return
    op.drop_constraint(op.f('ck_assessment_threshold_mode'), 'assessment', type_='check')
    op.create_check_constraint(op.f('ck_assessment_threshold_mode'), 'assessment', new)


def upgrade():
    _replace(OLD, NEW)


def downgrade():
    # An assessment cut at the mean goes back to the scale's midpoint, the old default.
    op.execute("UPDATE assessment SET threshold_mode = 'midpoint' WHERE threshold_mode = 'mean'")
    _replace(NEW, OLD)
