"""Repositories of the order and what hangs from it."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, RowMapping, Select, and_, bindparam, func, select

from bot.domain.events import DomainEvent
from bot.domain.order import Order, Status, StatusChange
from bot.domain.prompts import Prompt
from bot.domain.reviews import Rating, RatingEdit, RequestState, ReviewRequest
from bot.domain.revisions import DeliveryProposal, ProposalState, Revision
from bot.storage import models
from bot.storage.inline import Conn
from bot.storage.repositories import TableRepository, to_domain
from bot.storage.statements import by_params, cached

T = TypeVar("T")


class OrderRepository(TableRepository[Order]):
    """Within one unit of work an order is loaded once: `get`, `by_chat` and `with_review` give
    the same object each time (an update's watchers and its handler work on one order)."""

    table, cls = models.table_of(models.OrderRow), Order
    keeps_loaded = True

    def __init__(self, conn: Conn, events: list[DomainEvent], requests: RequestRepository,
                 ratings: RatingRepository) -> None:
        super().__init__(conn, events)
        self._requests, self._ratings = requests, ratings
        self._of_chat: dict[tuple[int, int | None], Order | None] = {}
        self._touched: dict[int, Order] = {}

    async def with_review(self, id_: int) -> Order | None:
        """The order, its latest review request and its rating, in one SELECT (none if all
        three are known already); `requests` and `ratings` then know the two, so their
        `latest_for`, `active_for` and `for_order` of this order ask the database nothing."""
        if id_ in self.loaded and self._requests.knows(id_) and self._ratings.knows(id_):
            return self.loaded[id_]
        query = cached(("order_with_review", "id"), lambda: _with_review(
            self.table.c.id == bindparam("_id")))
        return await self._load_with_review(query, {"_id": id_})

    async def by_chat(self, chat_id: int, thread_id: int | None = None) -> Order | None:
        """The chat's current order: the latest one bound to it (to that forum topic, when
        a topic is given: a forum can hold one order per topic), loaded as `with_review`."""
        key, c = (chat_id, thread_id), self.table.c
        if key not in self._of_chat:
            topic = [] if thread_id is None else [c.thread_id == bindparam("_thread_id")]
            query = cached(("order_with_review", "chat", bool(topic)), lambda: _with_review(
                c.chat_id == bindparam("_chat_id"), *topic).order_by(c.id.desc()).limit(1))
            self._of_chat[key] = await self._load_with_review(
                query, by_params(chat_id=chat_id, thread_id=thread_id))
        return self._of_chat[key]

    async def _load_with_review(self, query: Select[Any], params: dict[str, Any]
                                ) -> Order | None:
        row = (await self.conn.execute(query, params)).mappings().first()
        if row is None:
            return None
        self._requests.prime(row["id"], _labelled(row, _REQUEST))
        self._ratings.prime(row["id"], _labelled(row, _RATING))
        return self.known(to_domain(Order, row))  # the labelled columns are no field of it

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
        super().forget()
        self._of_chat.clear()
        self._touched.clear()

    async def by_token(self, token: str) -> Order | None:
        return await self.first(bind_token=token)

    async def save(self, obj: Order) -> Order:
        await super().save(obj)
        self._touched.pop(obj.id, None)
        self._drop_chat_of(obj)
        changes = StatusChangeRepository(self.conn)
        for change in obj.pending:
            await changes.add(change)
        obj.pending.clear()
        return obj

    async def add(self, obj: Order) -> Order:
        await super().add(obj)
        self._drop_chat_of(obj)
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


_REQUEST, _RATING = "request__", "rating__"


def _with_review(*where: ColumnElement[bool]) -> Select[Any]:
    """The order LEFT OUTER JOIN its latest review request LEFT OUTER JOIN its rating; the
    request's columns are labelled `request__<name>`, the rating's `rating__<name>`."""
    orders, requests, ratings = (models.table_of(row) for row in (
        models.OrderRow, models.ReviewRequestRow, models.RatingRow))
    newer = requests.alias("newer")
    latest = (select(func.max(newer.c.id)).where(newer.c.order_id == orders.c.id)
              .correlate(orders).scalar_subquery())
    return select(
        orders, *(c.label(_REQUEST + c.name) for c in requests.c),
        *(c.label(_RATING + c.name) for c in ratings.c),
    ).select_from(orders.outerjoin(requests, requests.c.id == latest).outerjoin(
        ratings, ratings.c.order_id == orders.c.id)).where(*where)


def _labelled(row: RowMapping, prefix: str) -> dict[str, Any]:
    """The columns of `row` labelled `<prefix><name>`, by name."""
    return {name[len(prefix):]: value for name, value in row.items() if name.startswith(prefix)}


class StatusChangeRepository(TableRepository[StatusChange]):
    table, cls = models.table_of(models.StatusChangeRow), StatusChange


class OfOrder(TableRepository[T]):
    """A table whose row of an order (the latest, if it has several) `with_review` may have
    loaded already: `of_order` keeps its id (None: it has none) for the unit of work."""

    keeps_loaded = True

    def __init__(self, conn: Conn, events: list[DomainEvent] | None = None) -> None:
        super().__init__(conn, events)
        self._of_order: dict[int, int | None] = {}

    def knows(self, order_id: int) -> bool:
        return order_id in self._of_order

    def prime(self, order_id: int, values: dict[str, Any]) -> None:
        """`with_review`'s columns of this table (an `id` of None: the order has no row)."""
        if order_id not in self._of_order:
            if values["id"] is not None:
                self.known(to_domain(self.cls, values))
            self._of_order[order_id] = values["id"]

    async def of_order(self, order_id: int) -> T | None:
        if order_id not in self._of_order:
            found = await self.first(newest_first=True, order_id=order_id)
            self._of_order[order_id] = getattr(found, "id", None)
        id_ = self._of_order[order_id]
        return None if id_ is None else self.loaded[id_]

    async def add(self, obj: T) -> T:
        await super().add(obj)
        # the newest row of its order now
        self._of_order[obj.order_id] = obj.id  # type: ignore[attr-defined]
        return obj

    def forget(self) -> None:
        super().forget()
        self._of_order.clear()


class RequestRepository(OfOrder[ReviewRequest]):
    table, cls = models.table_of(models.ReviewRequestRow), ReviewRequest

    async def active_for(self, order_id: int) -> ReviewRequest | None:
        """The order's request under way: the latest, while it is active (a request is
        started only while none is, and one that ended never becomes active again)."""
        latest = await self.latest_for(order_id)
        return latest if latest is not None and latest.active else None

    async def latest_for(self, order_id: int) -> ReviewRequest | None:
        return await self.of_order(order_id)

    async def next_due(self, after_id: int, limit: int) -> list[ReviewRequest]:
        """Pending work, in pages, for the scheduler's reconciliation."""
        c = self.table.c
        return await self.find(c.id > after_id,
                               c.state.in_([RequestState.SCHEDULED, RequestState.POSTED]),
                               c.frozen_at.is_(None), order_by=c.id, limit=limit)


class RatingRepository(OfOrder[Rating]):
    table, cls = models.table_of(models.RatingRow), Rating

    async def for_order(self, order_id: int) -> Rating | None:
        return await self.of_order(order_id)

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

