"""the marketplace hook's events: an outbox of their own, delivered outside Telegram's
limits

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'hook_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('event_id', sa.String(length=32), nullable=False),
        sa.Column('event', sa.String(length=32), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hook_events')),
        sa.UniqueConstraint('event_id', name=op.f('uq_hook_events_event_id')),
    )
    with op.batch_alter_table('hook_events', schema=None) as batch_op:
        batch_op.create_index('ix_hook_events_ready', ['state', 'next_attempt_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_hook_events_order_id'), ['order_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('hook_events')
