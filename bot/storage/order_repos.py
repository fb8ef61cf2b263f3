"""Repositories of the order and what hangs from it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select

from bot.domain.events import DomainEvent
from bot.domain.order import Order, Status, StatusChange
from bot.domain.prompts import Prompt
from bot.domain.reviews import (
    ACTIVE_REQUEST_STATES,
    Rating,
    RatingEdit,
    RequestState,
    ReviewRequest,
)
from bot.domain.revisions import DeliveryProposal, ProposalState, Revision
from bot.storage import models
from bot.storage.repositories import TableRepository, to_domain
from bot.storage.statements import by_params, cached


class OrderRepository(TableRepository[Order]):
    """Within one unit of work an order is loaded once: `get` and `by_chat` give the same
    object each time (an update's watchers and its handler work on one order). `touch` marks
    a change to be saved when the unit of work commits, unless a `save` stores it first."""

    table, cls = models.table_of(models.OrderRow), Order

    def __init__(self, conn: Any, events: list[DomainEvent] | None = None) -> None:
        super().__init__(conn, events)
        self._loaded: dict[int, Order] = {}
        self._of_chat: dict[tuple[int, int | None], Order | None] = {}
        self._touched: dict[int, Order] = {}

    async def get(self, id_: int) -> Order | None:
        if id_ in self._loaded:
            return self._loaded[id_]
        return await super().get(id_)

    async def load(self, query: Select[Any], params: dict[str, Any] | None = None
                   ) -> list[Order]:
        # the object already loaded for an order, if any (it may hold unsaved changes)
        return [self._loaded.setdefault(order.id, order)
                for order in await super().load(query, params)]

    async def by_chat(self, chat_id: int, thread_id: int | None = None) -> Order | None:
        """The chat's current order: the latest one bound to it (to that forum topic, when
        a topic is given: a forum can hold one order per topic)."""
        key = (chat_id, thread_id)
        if key not in self._of_chat:
            topic = {} if thread_id is None else {"thread_id": thread_id}
            self._of_chat[key] = await self.first(newest_first=True, chat_id=chat_id, **topic)
        return self._of_chat[key]

    def touch(self, order: Order) -> None:
        """Save `order` at commit (a change nothing else in the update depends on)."""
        if order.id:
            self._touched[order.id] = order

    async def save_touched(self) -> None:
        for order in list(self._touched.values()):
            await self.save(order)

    def _drop_chat_of(self, order: Order) -> None:
        """Forget the current order of the chat `order` is in now, and of the one it left."""
        for key, current in list(self._of_chat.items()):
            if key[0] == order.chat_id or current is order:
                del self._of_chat[key]

    def forget(self) -> None:
        """Drop what was loaded (its changes were rolled back): the next load reads the row."""
        self._loaded.clear()
        self._of_chat.clear()
        self._touched.clear()

    async def by_token(self, token: str) -> Order | None:
        return await self.first(bind_token=token)

    async def save(self, obj: Order) -> Order:
        await super().save(obj)
        if obj.id:
            self._touched.pop(obj.id, None)
            self._loaded[obj.id] = obj  # the stored state now
        self._drop_chat_of(obj)
        changes = StatusChangeRepository(self.conn)
        for change in obj.pending:
            await changes.add(change)
        obj.pending.clear()
        return obj

    async def add(self, obj: Order) -> Order:
        await super().add(obj)
        self._drop_chat_of(obj)
        if obj.id:
            self._loaded[obj.id] = obj
        return obj

    async def listing(self, status: Status | None, limit: int, offset: int) -> list[Order]:
        where = [] if status is None else [self.table.c.status == status]
        return await self.find(*where, order_by=self.table.c.id.desc(), limit=limit,
                               offset=offset)

    async def counts_by_status(self) -> dict[Status, int]:
        status = self.table.c.status
        result = await self.conn.execute(select(status, func.count()).group_by(status))
        return {Status(status): int(n) for status, n in result.all()}

    async def history(self, order_id: int) -> list[StatusChange]:
        return await StatusChangeRepository(self.conn).load_by(order_id=order_id)


class StatusChangeRepository(TableRepository[StatusChange]):
    table, cls = models.table_of(models.StatusChangeRow), StatusChange


class RequestRepository(TableRepository[ReviewRequest]):
    table, cls = models.table_of(models.ReviewRequestRow), ReviewRequest

    async def active_for(self, order_id: int) -> ReviewRequest | None:
        c = self.table.c
        query = cached(("active_request", self.table), lambda: select(self.table).where(
            c.order_id == bindparam("_order_id"), c.state.in_(sorted(ACTIVE_REQUEST_STATES))
        ).order_by(c.id.desc()).limit(1))
        rows = await self.load(query, by_params(order_id=order_id))
        return rows[0] if rows else None

    async def latest_for(self, order_id: int) -> ReviewRequest | None:
        return await self.first(newest_first=True, order_id=order_id)

    async def next_due(self, after_id: int, limit: int) -> list[ReviewRequest]:
        """Pending work, in pages, for the scheduler's reconciliation."""
        c = self.table.c
        return await self.find(c.id > after_id,
                               c.state.in_([RequestState.SCHEDULED, RequestState.POSTED]),
                               c.frozen_at.is_(None), order_by=c.id, limit=limit)


class RatingRepository(TableRepository[Rating]):
    table, cls = models.table_of(models.RatingRow), Rating

    async def for_order(self, order_id: int) -> Rating | None:
        return await self.first(order_id=order_id)

    async def for_pro(self, pro_id: int, include_hidden: bool = False) -> list[Rating]:
        c = self.table.c
        shown = [] if include_hidden else [c.hidden.is_(False)]
        return await self.find(c.pro_id == pro_id, *shown, order_by=c.updated_at.desc())

    async def save(self, obj: Rating) -> Rating:
        await super().save(obj)
        edits = RatingEditRepository(self.conn)
        for edit in obj.edits:
            if not edit.id:
                await edits.add(edit)
        obj.edits.clear()
        return obj

    async def history(self, rating_id: int) -> list[RatingEdit]:
        return await RatingEditRepository(self.conn).load_by(rating_id=rating_id)


class RatingEditRepository(TableRepository[RatingEdit]):
    table, cls = models.table_of(models.RatingEditRow), RatingEdit


class PromptRepository(TableRepository[Prompt]):
    table, cls = models.table_of(models.PromptRow), Prompt

    async def by_message(self, chat_id: int, message_id: int) -> Prompt | None:
        refs = models.table_of(models.MessageRefRow)
        query = select(self.table).join(
            refs, and_(refs.c.ref_kind == "prompt", refs.c.ref_id == self.table.c.id)
        ).where(refs.c.chat_id == chat_id, refs.c.message_id == message_id)
        row = (await self.conn.execute(query)).mappings().first()
        return to_domain(Prompt, row) if row else None


class RevisionRepository(TableRepository[Revision]):
    table, cls = models.table_of(models.RevisionRow), Revision

    async def for_order(self, order_id: int) -> list[Revision]:
        return await self.load_by(order_id=order_id)


class ProposalRepository(TableRepository[DeliveryProposal]):
    table, cls = models.table_of(models.DeliveryProposalRow), DeliveryProposal

    async def pending_for(self, order_id: int) -> list[DeliveryProposal]:
        return await self.load_by(order_id=order_id, state=ProposalState.PENDING)

