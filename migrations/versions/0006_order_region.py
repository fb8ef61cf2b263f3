"""the territory of each order's locale (es_ES, pt_BR, ar_SA): the chat's first day of the
week, date and number formats; existing orders get their language's default

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 17:00:00.000000
"""
from __future__ import annotations

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The defaults of bot.i18n at this revision; ORDERBOT_DEFAULT_REGIONS (as read by
# bot/config.py: "es_MX,pt_BR") overrides them, so existing orders get what new ones get.
BUILT_IN = {'es': 'ES', 'pt': 'BR', 'ar': 'SA'}


def default_regions() -> dict[str, str]:
    chosen = {}
    for code in os.environ.get('ORDERBOT_DEFAULT_REGIONS', '').split(','):
        language, _, territory = code.strip().replace('-', '_').partition('_')
        if language and territory:
            chosen[language.lower()] = territory.upper()
    return {**BUILT_IN, **chosen}


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=8), nullable=False,
                                      server_default=''))
    orders = sa.table('orders', sa.column('language', sa.String), sa.column('region', sa.String))
    for language, territory in default_regions().items():
        op.execute(orders.update().where(orders.c.language == language)
                   .values(region=territory))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('region')
