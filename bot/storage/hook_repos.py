"""The marketplace hook's events (`hook_events`): written with the change they report,
claimed for a while by the process that posts them, deleted once the hook has taken them.
`created_at` is when an event was queued (again, after `requeue_given_up`): its age decides
when it is given up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, func, or_, select, update

from bot.core.hook_events import HookBacklog, HookEvent, HookFate
from bot.storage.models import HookEventRow, UTCDateTime, table_of
from bot.storage.repositories import Repository, Transactions, to_domain

if TYPE_CHECKING:  # the unit of work imports this module
    from bot.storage.uow import UnitOfWork

PENDING, FAILED = "pending", "failed"


class HookEventRepository(Repository):
    table = table_of(HookEventRow)

    async def add(self, event_id: str, event: str, order_id: int, payload: str,
                  now: datetime) -> None:
        await self.conn.execute(self.table.insert().values(
            event_id=event_id, event=event, order_id=order_id, payload=payload,
            created_at=now, state=PENDING, attempts=0, next_attempt_at=now))

    async def heads(self, now: datetime, limit: int) -> list[HookEvent]:
        """The due events that are first of their order: an order's events are posted in
        the order they happened, so one waiting for a retry holds back the later ones."""
        h = self.table
        query = select(h).where(h.c.state == PENDING, h.c.next_attempt_at <= now,
                                _unclaimed(h, now), _first_of_order(h)
                                ).order_by(h.c.id).limit(limit)
        rows = (await self.conn.execute(query)).mappings().all()
        return [to_domain(HookEvent, row) for row in rows]

    async def next_due(self) -> datetime | None:
        """When the next of `heads` is due (a claimed one: when its claim runs out)."""
        h = self.table
        due = func.coalesce(h.c.claimed_until, h.c.next_attempt_at, type_=UTCDateTime())
        result = await self.conn.execute(select(func.min(due, type_=UTCDateTime())).where(
            h.c.state == PENDING, _first_of_order(h)))
        value: datetime | None = result.scalar_one_or_none()
        return value

    async def claim(self, event_id: int, now: datetime, until: datetime) -> bool:
        """Take the event until `until`, unless another process has it; counts an attempt."""
        h = self.table
        result = await self.conn.execute(update(h).where(
            h.c.id == event_id, h.c.state == PENDING, _unclaimed(h, now)
        ).values(claimed_until=until, attempts=h.c.attempts + 1))
        return bool(result.rowcount)

    async def delivered(self, event_id: int) -> None:
        await self.conn.execute(delete(self.table).where(self.table.c.id == event_id))

    async def retry_at(self, event_id: int, at: datetime, error: str) -> None:
        await self.conn.execute(update(self.table).where(self.table.c.id == event_id).values(
            claimed_until=None, next_attempt_at=at, last_error=error))

    async def give_up(self, event_id: int, error: str) -> None:
        await self.conn.execute(update(self.table).where(self.table.c.id == event_id).values(
            state=FAILED, claimed_until=None, last_error=error))

    async def requeue_given_up(self, now: datetime) -> int:
        """Queue every given-up event again, as if new (its age, which decides when it is
        given up, counts from now); return how many."""
        h = self.table
        result = await self.conn.execute(update(h).where(h.c.state == FAILED).values(
            state=PENDING, attempts=0, next_attempt_at=now, created_at=now, claimed_until=None))
        return int(result.rowcount or 0)

    async def given_up(self) -> list[dict[str, Any]]:
        h = self.table
        result = await self.conn.execute(select(
            h.c.id, h.c.event_id, h.c.event, h.c.order_id, h.c.attempts, h.c.last_error
        ).where(h.c.state == FAILED).order_by(h.c.id))
        return [dict(row) for row in result.mappings().all()]

    async def counts(self) -> dict[str, int]:
        """How many events are pending and how many were given up."""
        h = self.table
        result = await self.conn.execute(select(h.c.state, func.count()).group_by(h.c.state))
        found = {str(state): int(count) for state, count in result.all()}
        return {PENDING: found.get(PENDING, 0), FAILED: found.get(FAILED, 0)}


def _first_of_order(h: Any) -> Any:
    older = h.alias("older")
    return ~exists().where(older.c.order_id == h.c.order_id, older.c.state == PENDING,
                           older.c.id < h.c.id)


def _unclaimed(h: Any, now: datetime) -> Any:
    return or_(h.c.claimed_until.is_(None), h.c.claimed_until <= now)


class SqlHookEvents(Transactions):
    """The hook sender's transactions. Implements `bot.delivery.ports.HookEvents`."""

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[HookEvent]:
        """Take up to `limit` due events, each first of its order, until `until`; each comes
        back with its attempts as the claim counted them."""
        async def claim(uow: UnitOfWork) -> list[HookEvent]:
            return [replace(event, attempts=event.attempts + 1)
                    for event in await uow.hooks.heads(now, limit)
                    if await uow.hooks.claim(event.id, now, until)]
        return await self.committed(claim)

    async def record(self, fates: Sequence[HookFate]) -> None:
        async def record(uow: UnitOfWork) -> None:
            for fate in fates:
                if fate.delivered:
                    await uow.hooks.delivered(fate.id)
                elif fate.retry_at is not None:
                    await uow.hooks.retry_at(fate.id, fate.retry_at, fate.error)
                else:
                    await uow.hooks.give_up(fate.id, fate.error)
        await self.committed(record)

    async def backlog(self) -> HookBacklog:
        async with self._uow() as uow:
            due = await uow.hooks.next_due()
            pending = (await uow.hooks.counts())[PENDING]
        return HookBacklog(due, pending)
