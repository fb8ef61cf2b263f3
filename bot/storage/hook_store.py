"""The hook sender's transactions on `hook_events`, each a short unit of work of its own.
Implements `bot.delivery.ports.HookEvents`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.hook_events import HookBacklog, HookEvent, HookFate
from bot.storage.hook_repos import PENDING
from bot.storage.uow import UnitOfWorkFactory


class SqlHookEvents:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[HookEvent]:
        """Take up to `limit` due events, each first of its order, until `until`; each comes
        back with its attempts as the claim counted them."""
        async with self._uow() as uow:
            claimed = [replace(event, attempts=event.attempts + 1)
                       for event in await uow.hooks.heads(now, limit)
                       if await uow.hooks.claim(event.id, now, until)]
            await uow.commit()
        return claimed

    async def record(self, fates: Sequence[HookFate]) -> None:
        async with self._uow() as uow:
            for fate in fates:
                if fate.delivered:
                    await uow.hooks.delivered(fate.id)
                elif fate.retry_at is not None:
                    await uow.hooks.retry_at(fate.id, fate.retry_at, fate.error)
                else:
                    await uow.hooks.give_up(fate.id, fate.error)
            await uow.commit()

    async def backlog(self) -> HookBacklog:
        async with self._uow() as uow:
            due = await uow.hooks.next_due()
            pending = (await uow.hooks.counts())[PENDING]
        return HookBacklog(due, pending)
