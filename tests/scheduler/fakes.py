"""A renderer that says plainly what was posted, and helpers to build and read rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED
from sqlalchemy import select

from bot.core import codec
from bot.core.events import EditKeyboard, EditMessage, Effect, Ref, SendMessage
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.quiet_hours import QuietHours
from bot.domain.reviews import Rating, RequestMode, RequestState, ReviewRequest
from bot.i18n import Translator
from bot.storage.models import OutboxRow
from bot.storage.uow import UnitOfWork
from scheduler import reconcile
from scheduler.setup import ReviewScheduler

PRO, CLIENT = 1001, 2002
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]


class FakeRenderer:
    """Texts that name what was rendered: "note 3", "reminder 3 #1", "refund 5 mod 7 es"."""

    def __init__(self, fail_times: int = 0,
                 on_render: Callable[[ReviewRequest], None] | None = None) -> None:
        self.fail_times = fail_times
        self.on_render = on_render  # runs while a note is being posted (inside its sweep)

    def rating_request(self, order: Order, request: ReviewRequest, t: Translator,
                       quiet: QuietHours | None = None) -> list[Effect]:
        self._maybe_fail()
        if self.on_render is not None:
            self.on_render(request)
        return [SendMessage(order.chat_id, f"note {request.id} {t.language}",
                            ref=Ref("request", request.id), order_id=order.id)]

    def reminder(self, order: Order, request: ReviewRequest, t: Translator,
                 quiet: QuietHours | None = None) -> list[Effect]:
        return [SendMessage(order.chat_id, f"reminder {request.id} #{request.reminders_sent}",
                            order_id=order.id)]

    def rating_closed(self, order: Order, request: ReviewRequest, t: Translator) -> list[Effect]:
        return [EditKeyboard(order.chat_id, None, ref=Ref("request", request.id),
                             order_id=order.id)]

    def refund_eligible(self, order: Order, t_chat: Translator, moderator_ids: list[int],
                        t_for: Callable[[int], Translator]) -> list[Effect]:
        chat: list[Effect] = [SendMessage(order.chat_id, f"refund {order.id}", order_id=order.id)]
        return chat + [SendMessage(m, f"refund {order.id} mod {m} {t_for(m).language}")
                       for m in moderator_ids]

    def card(self, order: Order, t: Translator, request: ReviewRequest | None = None,
             rating: Rating | None = None, quiet: QuietHours | None = None) -> Effect:
        offered = "check-in offered" if order.checkin_offered else "no check-in"
        held = ""
        if request is not None and quiet is not None:
            due = request.due_at if request.state == RequestState.SCHEDULED else \
                request.next_reminder_at
            held = f" held to {due:%Y-%m-%d %H:%M}" if due is not None else " no reminder"
        return EditMessage(order.chat_id, f"card {order.id} {offered}{held}",
                           ref=Ref("card", order.id), order_id=order.id)

    def _maybe_fail(self) -> None:
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("crash while rendering")


@dataclass(frozen=True)
class Sent:
    chat_id: int
    kind: str
    text: str


async def outbox(uow_factory: UowFactory) -> list[Sent]:
    """Every queued message, in the order it was queued."""
    table = OutboxRow.__table__
    async with uow_factory() as uow:
        rows = (await uow.conn.execute(select(table.c.chat_id, table.c.kind, table.c.payload)
                                       .order_by(table.c.id))).all()
    return [Sent(int(chat), kind, getattr(codec.loads(kind, payload), "text", kind))
            for chat, kind, payload in rows]


async def texts(uow_factory: UowFactory) -> list[str]:
    return [sent.text for sent in await outbox(uow_factory)]


async def add_order(uow_factory: UowFactory, *, done_at: datetime | None = None,
                    chat_id: int = -100, tz: str = "Europe/Madrid",
                    language: str = "es", pro_wrote_at: datetime | None = None) -> Order:
    order = Order(chat_id=chat_id, title="Boiler repair", pro_id=PRO, language=language,
                  timezone=tz, created_at=(done_at or T0) - timedelta(days=3),
                  included_revisions=2, client_id=CLIENT, last_pro_message_at=pro_wrote_at)
    if done_at is not None:
        order.status, order.done_at = Status.DONE, done_at
    async with uow_factory() as uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


async def add_note(uow_factory: UowFactory, order: Order, due_at: datetime) -> ReviewRequest:
    request = ReviewRequest(order.id, RequestMode.ON_DATE, PRO, due_at - timedelta(days=1))
    request.schedule(due_at)
    request.note = "Thanks for trusting me with the boiler."
    async with uow_factory() as uow:
        await uow.requests.add(request)
        await uow.commit()
    return request


async def add_posted(uow_factory: UowFactory, order: Order, posted_at: datetime,
                     policy: Policy) -> ReviewRequest:
    request = ReviewRequest(order.id, RequestMode.NOW, PRO, posted_at)
    assert order.done_at is not None
    request.mark_posted(posted_at, policy, policy.rating_closes_at(order.done_at))
    async with uow_factory() as uow:
        await uow.requests.add(request)
        await uow.commit()
    return request


async def get_request(uow_factory: UowFactory, request_id: int | None) -> ReviewRequest:
    async with uow_factory() as uow:
        request = await uow.requests.get(request_id or 0)
    assert request is not None
    return request


async def get_order(uow_factory: UowFactory, order_id: int | None) -> Order:
    async with uow_factory() as uow:
        order = await uow.orders.get(order_id or 0)
    assert order is not None
    return order


async def dispute(uow_factory: UowFactory, order_id: int | None, now: datetime) -> None:
    async with uow_factory() as uow:
        order = await uow.orders.get(order_id or 0)
        assert order is not None
        order.open_dispute(CLIENT, Role.CLIENT, now, "not fixed")
        await uow.orders.save(order)
        await uow.commit()


async def started_and_planned(scheduler: ReviewScheduler) -> None:
    """Start the scheduler and wait until its first wake-up job (sweep, then plan) returned."""
    planned = asyncio.Event()
    scheduler.aps.add_listener(
        lambda e: planned.set() if e.job_id == reconcile.WAKE_JOB else None, EVENT_JOB_EXECUTED)
    await scheduler.start()
    await asyncio.wait_for(planned.wait(), 10)
