"""The inbox: every update id seen, the stored webhook updates, their final states.

An update is "received" (stored, not yet finished) until it ends in exactly one final state
(`handled_at` is when): handled, ignored (`reason`: why), or parked (it failed every attempt;
`reason` is the error, `event` the update as the core saw it, kept until it is run again or
pruned). A stored update is leased by the worker handling it (`lease_owner` until
`lease_until`) and taken over by another once the lease runs out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.parking import ParkedUpdate
from bot.storage.models import InboxRow, table_of
from bot.storage.repositories import Repository, Transactions, to_domain
from bot.storage.statements import cached, insert_ignore, upsert

RECEIVED, HANDLED, IGNORED, PARKED = "received", "handled", "ignored", "parked"


class InboxRepository(Repository):
    table = table_of(InboxRow)

    async def record(self, update_id: int, now: datetime, payload: str | None = None,
                     owner: str | None = None, lease_until: datetime | None = None) -> bool:
        """Store an update before it is handled (webhook); True the first time its id is
        seen, False for a repeat. `owner` holds its lease until `lease_until`."""
        return await insert_ignore(self.conn, self.table, {
            "update_id": update_id, "received_at": now, "payload": payload,
            "state": RECEIVED, "lease_owner": owner, "lease_until": lease_until})

    async def claim(self, update_id: int, now: datetime, again: bool = False) -> bool:
        """True if this update is to be handled now: new, or stored but not finished (or,
        with `again`, parked). It is recorded as handled at once: in the caller's
        transaction, which commits the handling with it (or rolls both back)."""
        if await insert_ignore(self.conn, self.table, {
                "update_id": update_id, "received_at": now, "payload": None,
                "handled_at": now, "state": HANDLED}):
            return True
        states = (RECEIVED, PARKED) if again else (RECEIVED,)
        return await self._finish(update_id, now, states, HANDLED) == 1

    async def ignore(self, update_id: int, now: datetime, reason: str) -> bool:
        """A stored update the bot does not handle (a kind it does not take, a service
        message it has no use for): final, with why."""
        return await self._finish(update_id, now, (RECEIVED,), IGNORED, reason=reason) == 1

    async def park(self, update_id: int, now: datetime, *, chat_id: int | None,
                   event: str | None, error: str, attempts: int,
                   payload: str | None = None) -> None:
        """Keep an update that failed every attempt, with its error, out of the way (`event`
        None: no framework could read it, so it cannot be run again)."""
        final = {"handled_at": now, "state": PARKED, "chat_id": chat_id, "event": event,
                 "reason": error, "attempts": attempts, "lease_owner": None, "lease_until": None}
        await upsert(self.conn, self.table, {
            "update_id": update_id, "received_at": now, "payload": payload, **final},
            ("update_id",), tuple(final))

    async def moderators_told(self, update_id: int, now: datetime) -> None:
        await self.conn.execute(update(self.table).where(
            self.table.c.update_id == update_id).values(moderators_told_at=now))

    async def last_told_moderators(self) -> datetime | None:
        told = self.table.c.moderators_told_at
        return (await self.conn.execute(select(func.max(told)))).scalar()

    async def parked(self, limit: int, update_id: int | None = None) -> list[ParkedUpdate]:
        """Parked updates, oldest first (or the one asked for)."""
        c = self.table.c
        query = select(c.update_id, c.chat_id, c.received_at, c.handled_at.label("parked_at"),
                       c.attempts, c.reason.label("error"), c.event).where(c.state == PARKED)
        if update_id is not None:
            query = query.where(c.update_id == update_id)
        rows = await self.conn.execute(query.order_by(c.update_id).limit(limit))
        return [to_domain(ParkedUpdate, row) for row in rows.mappings()]

    async def renew_leases(self, owner: str, until: datetime) -> int:
        """Extend the leases `owner` holds on updates it has not finished."""
        c = self.table.c
        result = await self.conn.execute(update(self.table).where(
            c.state == RECEIVED, c.lease_owner == owner).values(lease_until=until))
        return int(result.rowcount)

    async def take_over(self, owner: str, now: datetime, until: datetime, limit: int
                        ) -> list[tuple[int, str]]:
        """Lease to `owner` the stored updates whose worker's lease ran out (it died), or
        that no worker holds: their payloads, in arrival order. Each is taken by one worker
        only."""
        c = self.table.c
        expired = (c.state == RECEIVED) & c.payload.is_not(None) & (
            c.lease_until.is_(None) | (c.lease_until < now))
        first = select(c.update_id).where(expired).order_by(c.update_id).limit(limit)
        # the lease's condition again: a row another worker took meanwhile is left to it
        rows = await self.conn.execute(update(self.table).where(
            c.update_id.in_(first.scalar_subquery()), expired
        ).values(lease_owner=owner, lease_until=until).returning(c.update_id, c.payload))
        return sorted((int(update_id), str(payload)) for update_id, payload in rows.all())

    async def prune(self, before: datetime, limit: int | None = None) -> int:
        """Forget finished updates (handled, ignored, parked) received before `before` (at
        most `limit` of them, so a big backlog goes in short transactions); return how
        many. Unfinished ones stay."""
        c = self.table.c
        old: ColumnElement[bool] = (c.received_at < before) & (c.state != RECEIVED)
        if limit is not None:
            batch = select(c.update_id).where(old).order_by(c.received_at).limit(limit)
            old = c.update_id.in_(batch.scalar_subquery())
        result = await self.conn.execute(delete(self.table).where(old))
        return int(result.rowcount)

    async def _finish(self, update_id: int, now: datetime, states: tuple[str, ...],
                      state: str, reason: str | None = None) -> int:
        c = self.table.c
        query = cached(("inbox_finish", states, state), lambda: update(self.table).where(
            c.update_id == bindparam("_update_id"), c.state.in_(states)
        ).values(state=state, lease_owner=None, lease_until=None))
        result = await self.conn.execute(
            query, {"_update_id": update_id, "handled_at": now, "reason": reason})
        return int(result.rowcount)


class SqlInbox(Transactions):
    """The inbox pruner's transaction. Implements `bot.delivery.ports.Inbox`."""

    async def prune(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` finished updates received before `before`; return how many."""
        return await self.committed(lambda uow: uow.inbox.prune(before, limit=limit))
