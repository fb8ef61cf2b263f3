"""Use cases of the order: bind, claim, change status, confirm the hire, not going ahead.

Each takes the open unit of work; the caller (the pipeline or a job) commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.audit import AuditEntry
from bot.domain.lookup import found
from bot.domain.order import NotGoingAheadReason, Order, Role, Status, check_may_take_role
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, ReviewRequest
from bot.domain.text import TITLE_MAX, order_title
from bot.services.freeze import resume_reviews
from bot.services.ports import UnitOfWork

__all__ = ["TITLE_MAX"]


async def create_order(
    uow: UnitOfWork, *, chat_id: int, thread_id: int | None, title: str, pro_id: int,
    pro_name: str, language: str, timezone: str, now: datetime, policy: Policy,
    can_read_all: bool, bind_token: str | None = None, by: int | None = None,
    pro_is_bot: bool = False, region: str = "",
) -> Order:
    """A new order; `pro_id` 0 when a moderator opens it and the pro claims it later."""
    if pro_id:
        check_may_take_role(pro_id, pro_is_bot)
    title = order_title(title)
    order = Order(chat_id=chat_id, thread_id=thread_id, title=title, pro_id=pro_id,
                  pro_name=pro_name, language=language, region=region, timezone=timezone,
                  created_at=now,
                  included_revisions=policy.included_revisions, can_read_all=can_read_all,
                  bind_token=bind_token, last_pro_message_at=now if pro_id else None)
    await uow.orders.add(order)
    await uow.audit.add(AuditEntry(now, by or pro_id, "order_created", order.id, title))
    return order


def new_bind_token() -> str:
    return secrets.token_urlsafe(12)


async def chat_order(uow: UnitOfWork, chat_id: int, thread_id: int | None = None
                     ) -> Order | None:
    """The order bound to a chat (or forum topic), if any."""
    return await uow.orders.by_chat(chat_id, thread_id)


async def order_holding_chat(uow: UnitOfWork, chat_id: int, thread_id: int | None
                             ) -> Order | None:
    """The order that keeps a chat from getting a new one."""
    order = await chat_order(uow, chat_id, thread_id)
    return order if order is not None and order.holds_chat else None


async def order_in_chat(uow: UnitOfWork, chat_id: int, thread_id: int | None = None) -> Order:
    return found(await chat_order(uow, chat_id, thread_id), "order in this chat")


async def find_order(uow: UnitOfWork, order_id: int) -> Order | None:
    """The order, its review request and rating loaded with it (one statement for the three)."""
    return await uow.orders.with_review(order_id)


async def get_order(uow: UnitOfWork, order_id: int) -> Order:
    return found(await find_order(uow, order_id), "order", order_id=order_id)


async def order_for_tap(uow: UnitOfWork, order_id: int, chat_id: int) -> Order:
    """The order a button names, which must be the order of the chat it was tapped in."""
    order = await get_order(uow, order_id)
    order.check_tapped_in(chat_id)
    return order


async def order_to_manage(uow: UnitOfWork, order_id: int, chat_id: int, by: int,
                          moderator: bool) -> tuple[Order, Role]:
    """A button of the professional's (or a moderator's): the order and the tapper's role."""
    order = await order_for_tap(uow, order_id, chat_id)
    role = order.role_of(by, moderator)
    order.check_manager(role)
    return order, role


async def chat_order_to_manage(uow: UnitOfWork, chat_id: int, thread_id: int | None, by: int,
                               moderator: bool) -> tuple[Order, Role]:
    """A set-up command in the order's chat, by its professional or a moderator."""
    order = await order_in_chat(uow, chat_id, thread_id)
    role = order.role_of(by, moderator)
    order.check_manager(role)
    return order, role


async def bind_by_token(uow: UnitOfWork, token: str, chat_id: int, thread_id: int | None,
                        bot_reads_all: bool) -> Order:
    """/start <token>: the group binds the order a marketplace backend created."""
    order = found(await uow.orders.by_token(token), "link")
    order.bind_to(chat_id, thread_id)
    order.can_read_all = await bot_reads(uow, chat_id, bot_reads_all)
    await uow.orders.save(order)
    return order


async def bot_reads(uow: UnitOfWork, chat_id: int, bot_reads_all: bool) -> bool:
    """Whether the bot sees every message of the chat (privacy mode off, or an admin)."""
    return bot_reads_all or await uow.chats.is_admin(chat_id)


async def claim_pro(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int, name: str,
                    now: datetime, moderator: bool, is_bot: bool = False) -> Order:
    """A moderator's order: the first other member who taps "I am the professional"."""
    order = await order_for_tap(uow, order_id, chat_id)
    order.claim_pro(user_id, name, moderator, is_bot)
    order.last_pro_message_at = now
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, user_id, "pro_claimed", order.id, None))
    return order


async def claim_client(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int, name: str,
                       now: datetime, moderator: bool = False, is_bot: bool = False) -> Order:
    order = await order_for_tap(uow, order_id, chat_id)
    order.claim_client(user_id, name, moderator, is_bot)
    order.last_client_message_at = now
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, user_id, "client_claimed", order.id, None))
    return order


async def choose_status(uow: UnitOfWork, order: Order, to: Status, by: int, role: Role,
                        now: datetime) -> Order:
    """A status button; "not going ahead" is only checked here, its reason is asked next."""
    order.check_pro_move(to, role)
    if to != Status.NOT_GOING_AHEAD:
        await change_status(uow, order, to, by, role, now)
    return order


async def change_status(uow: UnitOfWork, order: Order, to: Status, by: int, role: Role,
                        now: datetime, reason: NotGoingAheadReason | None = None) -> Order:
    order.change_status(to, by, role, now, reason.value if reason else None)
    await uow.orders.save(order)
    if to == Status.DONE:  # done again after a dispute that ended in progress
        await resume_reviews(uow, order, now)
    return order


async def confirm_hire(uow: UnitOfWork, order_id: int, chat_id: int, by: int,
                       now: datetime) -> Order:
    order = await order_for_tap(uow, order_id, chat_id)
    order.confirm_hire(by, now)
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "hire_confirmed", order.id, None))
    return order


async def set_revisions(uow: UnitOfWork, order: Order, n: int) -> Order:
    """The included revisions (the order came from `chat_order_to_manage`)."""
    order.set_included_revisions(n)
    await uow.orders.save(order)
    return order


async def set_first_delivery_date(uow: UnitOfWork, order: Order, day: date,
                                  today: date) -> Order:
    order.set_first_delivery_date(day, today)
    await uow.orders.save(order)
    return order


@dataclass(frozen=True)
class CardView:
    """What the order card shows besides the order: its review request and rating."""

    request: ReviewRequest | None
    rating: Rating | None


async def card_view(uow: UnitOfWork, order: Order) -> CardView:
    request = await uow.requests.latest_for(order.id)
    rating = await uow.ratings.for_order(order.id)
    return CardView(request, rating)
