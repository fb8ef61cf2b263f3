"""the inbox's final states (handled, ignored, parked), the failed updates kept for a retry,
and the lease of the worker handling a stored update

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 14:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=False,
                                      server_default='received'))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('chat_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('event', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('moderators_told_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_inbox_state_lease', ['state', 'lease_until'], unique=False)
    inbox = sa.table('inbox', sa.column('state', sa.String), sa.column('handled_at'))
    op.execute(inbox.update().where(inbox.c.handled_at.is_not(None)).values(state='handled'))


def downgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_state_lease')
        for column in ('moderators_told_at', 'lease_until', 'lease_owner', 'event', 'chat_id',
                       'attempts', 'reason', 'state'):
            batch_op.drop_column(column)
