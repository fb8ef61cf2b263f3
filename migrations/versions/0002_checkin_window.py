"""the check-in window on the card: which window the card was refreshed for, and whether it
offers the check-in button

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 19:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_window_for', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('checkin_offered', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_orders_last_pro_message_at'),
                              ['last_pro_message_at'], unique=False)
        batch_op.create_index('ix_orders_checkin_offered',
                              ['checkin_offered', 'checkin_window_for'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_checkin_offered')
        batch_op.drop_index(batch_op.f('ix_orders_last_pro_message_at'))
        batch_op.drop_column('checkin_offered')
        batch_op.drop_column('checkin_window_for')
