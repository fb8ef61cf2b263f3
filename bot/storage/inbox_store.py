"""The inbox pruner's transaction. Implements `bot.delivery.ports.Inbox`."""

from __future__ import annotations

from datetime import datetime

from bot.storage.uow import UnitOfWorkFactory


class SqlInbox:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    async def prune(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` handled update ids received before `before`, in a
        transaction of its own; return how many."""
        async with self._uow() as uow:
            count = await uow.inbox.prune(before, limit=limit)
            await uow.commit()
        return count
