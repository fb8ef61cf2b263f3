"""the outbox's open rows by chat, for the claim: state, chat id, row id; it replaces
the index by chat id and state

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 12:56:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state_chat', ['state', 'chat_id', 'id'], unique=False)
        batch_op.drop_index('ix_outbox_chat')


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_chat', ['chat_id', 'state'], unique=False)
        batch_op.drop_index('ix_outbox_state_chat')
