"""The outbox: the sender's queries and its transactions (`SqlOutbox`), and what a lost or
migrated chat changes. Rows go pending -> sending (claimed, with a lease) -> sent | failed; a
retry or a pause puts a row back to pending with a later `next_attempt_at`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    Subquery,
    Table,
    Update,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from bot.core import codec
from bot.core.events import EditKeyboard, EditMessage, Ref
from bot.core.outbox import Backlog, Claim, Claimed, Depth, Pace, QueuedEffect, Verdict
from bot.storage.inline import Conn
from bot.storage.models import OutboxRow, table_of
from bot.storage.repositories import Transactions
from bot.storage.statements import cached, update_by_id
from bot.storage.support_repos import OPEN_STATES
from bot.storage.uow import UnitOfWork

DEFAULT_PACE = Pace()
OUTBOX = table_of(OutboxRow)


async def claim(conn: Conn, now: datetime, lease: timedelta, limit: int, *,
                skip: Collection[int] = (), pace: Pace = DEFAULT_PACE) -> list[Claimed]:
    """Claim the first open row of up to `limit` chats, if it is ready (or its lease expired).

    A chat's later rows wait while an earlier one is open, so edits never overtake sends.
    The chats with the most work left go first: the least time their limits allow for their
    open rows (a private chat with 60 rows needs 59 s, a group with 25 needs 64 s), ties in
    queue order; the chats in `skip` (still held back by their limits) are left for later.
    One grouped pass over the open rows (`ix_outbox_state_chat`) finds each chat's first row
    and its backlog. On PostgreSQL, `FOR UPDATE SKIP LOCKED` (of the outbox row, not of the
    grouped rows) keeps two processes from claiming the same row.
    """
    if limit <= 0:
        return []
    o = OUTBOX
    query = cached(("outbox_claim", conn.dialect.name, bool(skip), pace),
                   lambda: _claim_query(o, bool(skip), pace, conn.dialect.name))
    params: dict[str, object] = {"_now": now, "_limit": limit}
    if skip:
        params["_skip"] = list(skip)
    rows = (await conn.execute(query, params)).mappings().all()
    if not rows:
        return []
    await conn.execute(_lease_statement(), {"_ids": [r["id"] for r in rows],
                                            "_until": now + lease})
    return [Claimed(r["id"], r["chat_id"], r["kind"], r["payload"], r["ref_kind"], r["ref_id"],
                    r["attempts"], r["created_at"], r["order_id"], int(r["backlog"]),
                    float(r["work_left"])) for r in rows]


def _claim_query(o: Table, skipping: bool, pace: Pace, dialect_name: str) -> Select[Any]:
    """The claim's SELECT, built once: `:_now`, `:_limit` and (if `skipping`) `:_skip`, the
    chats left out, are its parameters."""
    now = bindparam("_now", type_=o.c.next_attempt_at.type)
    ready = or_(and_(o.c.state == "pending", o.c.next_attempt_at <= now),
                and_(o.c.state == "sending", o.c.claimed_until <= now))
    heads = _heads(o, skipping)
    work = _work_left(o, heads.c.backlog, pace).label("work_left")
    query = (select(o, heads.c.backlog, work).join(heads, o.c.id == heads.c.head_id)
             .where(ready).order_by(work.desc(), o.c.id).limit(bindparam("_limit")))
    if dialect_name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=o)
    return query


def _heads(o: Table, skipping: bool) -> Subquery:
    """A row for each chat with open rows, but those in `:_skip`: `head_id`, its first open
    row, and `backlog`, how many it has."""
    query = select(o.c.chat_id, func.min(o.c.id).label("head_id"),
                   func.count().label("backlog")).where(o.c.state.in_(OPEN_STATES))
    if skipping:
        query = query.where(o.c.chat_id.not_in(bindparam("_skip", expanding=True)))
    return query.group_by(o.c.chat_id).subquery("heads")


def _work_left(o: Table, backlog: ColumnElement[int], pace: Pace) -> ColumnElement[float]:
    """The least seconds from the chat's next message to its last (as bench/telegram_bound.py
    counts them): a spacing each, and in a group a window for each full `group_limit`."""
    after = backlog - 1
    group = (after // pace.group_limit) * pace.group_window \
        + (after % pace.group_limit) * pace.spacing
    return case((o.c.chat_id < 0, group), else_=after * pace.spacing)


def _lease_statement() -> Update:
    """Lease the rows `:_ids` to this sender until `:_until`."""
    o = OUTBOX
    return cached(("outbox_lease",), lambda: update(o).where(
        o.c.id.in_(bindparam("_ids", expanding=True))).values(
        state="sending", claimed_until=bindparam("_until")))


async def retry_later(conn: Conn, row_id: int, at: datetime, reason: str,
                      count_attempt: bool) -> None:
    """Back to pending until `at`; a 429 or a rate-limit deferral does not count an attempt."""
    await _mark(conn, row_id, count_attempt, state="pending", next_attempt_at=at,
                claimed_until=None, outcome_reason=reason[:1000])


async def _mark(conn: Conn, row_id: int, count_attempt: bool = False, **values: Any) -> None:
    """SET `values` on the row, and one more attempt if `count_attempt`."""
    statement = _counting_update() if count_attempt else update_by_id(OUTBOX, versioned=False)
    await conn.execute(statement, {"_id": row_id, **values})


def _counting_update() -> Update:
    """`update_by_id` that also counts an attempt."""
    return cached(("outbox_count_attempt",), lambda: update_by_id(OUTBOX, versioned=False)
                  .values(attempts=OUTBOX.c.attempts + 1))


def _ref_pending_query() -> Select[Any]:
    o = OUTBOX
    return select(o.c.id).where(
        o.c.ref_kind == bindparam("_ref_kind"), o.c.ref_id == bindparam("_ref_id"),
        o.c.kind.in_(("send", "document")), o.c.id < bindparam("_before"),
        o.c.state.in_(OPEN_STATES)).limit(1)


async def ref_pending(conn: Conn, ref_kind: str, ref_id: int, before_id: int) -> bool:
    """True if a send carrying this ref is still open (the edit must wait for its id)."""
    query = cached(("outbox_ref_pending",), _ref_pending_query)
    params = {"_ref_kind": ref_kind, "_ref_id": ref_id, "_before": before_id}
    return (await conn.execute(query, params)).first() is not None


def _open_rows_query() -> Select[int, Any]:
    o = OUTBOX
    return select(func.count(), func.min(o.c.created_at)).where(o.c.state.in_(OPEN_STATES))


async def open_rows(conn: Conn) -> tuple[int, datetime | None]:
    """How many rows are open, and when the oldest was queued."""
    query = cached(("outbox_open_rows",), _open_rows_query)
    count, oldest = (await conn.execute(query)).one()
    return int(count), oldest


def _first_due_query(skipping: bool) -> Select[Any]:
    """The earliest `next_attempt_at` of a pending row that heads its chat (and, if
    `skipping`, whose chat is not in `:_skip`)."""
    o, earlier = OUTBOX, OUTBOX.alias("earlier")
    heads_its_chat = ~exists().where(earlier.c.chat_id == o.c.chat_id, earlier.c.id < o.c.id,
                                     earlier.c.state.in_(OPEN_STATES))
    first = (select(o.c.next_attempt_at).where(o.c.state == "pending", heads_its_chat)
             .order_by(o.c.next_attempt_at).limit(1))
    if skipping:
        first = first.where(o.c.chat_id.not_in(bindparam("_skip", expanding=True)))
    return first


async def next_due(conn: Conn, skip: Collection[int] = ()) -> datetime | None:
    """When the next open row becomes claimable (a pending retry or an expiring lease); the
    pending rows of the chats in `skip` are left out (their limits say when). The pending
    rows are walked in `next_attempt_at` order up to the first that heads its chat."""
    o = OUTBOX
    first = cached(("outbox_first_due", bool(skip)), lambda: _first_due_query(bool(skip)))
    leased = cached(("outbox_lease_ends",), lambda: select(
        func.min(o.c.claimed_until)).where(o.c.state == "sending"))
    params = {"_skip": list(skip)} if skip else {}
    times = [(await conn.execute(first, params)).scalar(),
             (await conn.execute(leased)).scalar()]
    present = [t for t in times if t is not None]
    return min(present) if present else None


async def pending_chats(conn: Conn, chats: Collection[int]) -> set[int]:
    """Which of `chats` have a pending row."""
    if not chats:
        return set()
    o = OUTBOX
    query = cached(("outbox_pending_chats",), lambda: select(o.c.chat_id).distinct().where(
        o.c.chat_id.in_(bindparam("_chats", expanding=True)), o.c.state == "pending"))
    result = await conn.execute(query, {"_chats": list(chats)})
    return {int(chat) for chat in result.scalars()}


class SqlOutbox(Transactions):
    """The sender's transactions. Implements `bot.delivery.ports.Outbox`."""

    async def claim(self, now: datetime, lease: timedelta, limit: int, *,
                    skip: Collection[int], pace: Pace) -> Claim:
        async def claimed(uow: UnitOfWork) -> Claim:
            rows = await claim(uow.conn, now, lease, limit, skip=skip, pace=pace)
            return Claim(rows, await pending_chats(uow.conn, skip) if not rows and skip
                         else set())
        return await self.committed(claimed)

    async def renew(self, ids: Collection[int], until: datetime) -> int:
        """Extend the lease of those of `ids` still being sent to `until` (a row already
        recorded as sent, failed or put back keeps its state); return how many."""
        if not ids:
            return 0
        o = OUTBOX
        statement = cached(("outbox_renew",), lambda: update(o).where(
            o.c.id.in_(bindparam("_ids", expanding=True)), o.c.state == "sending"))
        result = await self.committed(lambda uow: uow.conn.execute(
            statement, {"_ids": sorted(ids), "claimed_until": until}))
        return int(result.rowcount)

    async def prepare(self, row: Claimed, ref_wait: float) -> Verdict:
        return await self.committed(lambda uow: _prepare(uow, row, ref_wait))

    async def sent(self, row: Claimed, chat_id: int, message_id: int | None,
                   now: datetime) -> None:
        """Mark the row sent; a send that carries a ref records where its message went."""
        async def sent(uow: UnitOfWork) -> None:
            await _mark(uow.conn, row.id, state="sent", sent_at=now, sent_message_id=message_id,
                        claimed_until=None, outcome_reason=None)
            if message_id is not None and row.ref_kind and row.ref_id is not None \
                    and row.kind in ("send", "document"):
                await uow.refs.record(chat_id, message_id, Ref(row.ref_kind, row.ref_id), now)
        await self.committed(sent)

    async def failed(self, row_id: int, reason: str, now: datetime) -> None:
        await self.committed(lambda uow: _mark(
            uow.conn, row_id, state="failed", sent_at=None, claimed_until=None,
            outcome_reason=reason[:1000], next_attempt_at=now))

    async def retry_later(self, row_id: int, at: datetime, reason: str,
                          count_attempt: bool) -> None:
        await self.committed(lambda uow: retry_later(uow.conn, row_id, at, reason,
                                                     count_attempt))

    async def migrated(self, row: Claimed, new_id: int, now: datetime) -> None:
        """The chat moved: its orders, rows and refs follow, and the row is ready again."""
        async def migrated(uow: UnitOfWork) -> None:
            await uow.chats.migrate(row.chat_id, new_id, now)
            await uow.outbox.move_chat(row.chat_id, new_id)
            await retry_later(uow.conn, row.id, now, f"chat migrated to {new_id}",
                              count_attempt=False)
        await self.committed(migrated)

    async def lose_chat(self, chat_id: int, reason: str, now: datetime) -> bool:
        return await self.committed(lambda uow: uow.chats.lose(chat_id, reason, now))

    async def backlog(self, skip: Collection[int]) -> Backlog:
        async with self._uow() as uow:
            count, oldest = await open_rows(uow.conn)
            due = await next_due(uow.conn, skip=skip)
            held = await pending_chats(uow.conn, skip) if count and skip else set()
        return Backlog(count, due, held, oldest)

    async def depth(self) -> Depth:
        async with self._uow() as uow:
            return Depth(*await open_rows(uow.conn))


async def _prepare(uow: UnitOfWork, row: Claimed, ref_wait: float) -> Verdict:
    """Check the chat, follow a recorded migration, and resolve an edit's ref to a message id."""
    active, reason, migrated_to = await uow.chats.state(row.chat_id)
    if migrated_to is not None:
        await uow.outbox.move_chat(row.chat_id, migrated_to)
        return Verdict(wait=0.0, reason=f"chat migrated to {migrated_to}")
    if not active:
        return Verdict(give_up=f"chat inactive: {reason or 'unknown'}")
    effect = codec.loads(row.kind, row.payload)
    if not isinstance(effect, QueuedEffect):
        return Verdict(give_up=f"{row.kind} is not deliverable")
    effect = replace(effect, chat_id=row.chat_id)
    if not isinstance(effect, EditMessage | EditKeyboard) or effect.message_id is not None:
        return Verdict(effect=effect)
    if effect.ref is None:
        return Verdict(give_up="edit without a message id or a ref")
    return await _resolve(uow, row, effect, effect.ref, ref_wait)


async def _resolve(uow: UnitOfWork, row: Claimed, effect: EditMessage | EditKeyboard, ref: Ref,
                   ref_wait: float) -> Verdict:
    found = await uow.refs.latest(ref)
    if found is not None:
        return Verdict(effect=replace(effect, chat_id=found[0], message_id=found[1]))
    if await ref_pending(uow.conn, ref.kind, ref.id, row.id):
        return Verdict(wait=ref_wait, reason=f"waiting for the message {ref.kind}:{ref.id}")
    return Verdict(give_up=f"no message for {ref.kind}:{ref.id} (never sent or given up)")
