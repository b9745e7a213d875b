"""Staff sessions carry a version: logout, password change and reset end every session.

Existing accounts start at 0. Cookies issued before this revision hold the bare user
id, which the loader no longer accepts, so everybody logs in once more.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
