"""Use cases of the order: bind, claim, change status, confirm the hire, not going ahead.

Each takes the open unit of work; the caller (the pipeline or a job) commits once.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain.audit import AuditEntry
from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.domain.order import NotGoingAheadReason, Order, Role, Status
from bot.domain.policy import Policy
from bot.services import hooks
from bot.services.freeze import resume_reviews
from bot.storage.uow import UnitOfWork

TITLE_MAX = 120


async def create_order(
    uow: UnitOfWork, *, chat_id: int, thread_id: int | None, title: str, pro_id: int,
    pro_name: str, language: str, timezone: str, now: datetime, policy: Policy,
    can_read_all: bool, bind_token: str | None = None, by: int | None = None,
) -> Order:
    """A new order; `pro_id` 0 when a moderator opens it and the pro claims it later."""
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("missing title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput("title too long", field="title", limit=TITLE_MAX)
    order = Order(chat_id=chat_id, thread_id=thread_id, title=title, pro_id=pro_id,
                  pro_name=pro_name, language=language, timezone=timezone, created_at=now,
                  included_revisions=policy.included_revisions, can_read_all=can_read_all,
                  bind_token=bind_token, last_pro_message_at=now if pro_id else None)
    await uow.orders.add(order)
    await uow.audit.add(AuditEntry(now, by or pro_id, "order_created", order.id, title))
    return order


def new_bind_token() -> str:
    return secrets.token_urlsafe(12)


async def order_in_chat(uow: UnitOfWork, chat_id: int, thread_id: int | None = None) -> Order:
    order = await uow.orders.by_chat(chat_id, thread_id)
    if order is None:
        raise NotFound("no order in this chat")
    return order


async def get_order(uow: UnitOfWork, order_id: int) -> Order:
    order = await uow.orders.get(order_id)
    if order is None:
        raise NotFound("no such order", order_id=order_id)
    return order


async def order_for_tap(uow: UnitOfWork, order_id: int, chat_id: int) -> Order:
    """The order a button names, which must be the order of the chat it was tapped in."""
    order = await get_order(uow, order_id)
    if order.chat_id != chat_id:
        raise NotAllowed("the button belongs to another chat")
    return order


def require_pro(order: Order) -> None:
    """Pro-only actions wait until the order has its professional."""
    if not order.pro_id:
        raise NotAllowed("the order has no professional yet", why="no_pro")


async def claim_pro(uow: UnitOfWork, order: Order, user_id: int, name: str, now: datetime,
                    moderator: bool) -> Order:
    """A moderator's order: the first other member who taps "I am the professional"."""
    if moderator:
        raise NotAllowed("a moderator takes no role in the order", why="moderator_role")
    if order.pro_id:
        raise AlreadyDone("the order already has a professional")
    if user_id == order.client_id:
        raise NotAllowed("the client cannot be the professional", why="both_roles")
    order.pro_id, order.pro_name = user_id, name
    order.last_pro_message_at = now
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, user_id, "pro_claimed", order.id, None))
    return order


async def claim_client(uow: UnitOfWork, order: Order, user_id: int, name: str,
                       now: datetime, moderator: bool = False) -> Order:
    if moderator:
        raise NotAllowed("a moderator takes no role in the order", why="moderator_role")
    if user_id == order.pro_id:
        raise NotAllowed("the professional cannot be the client", why="both_roles")
    order.claim_client(user_id, name)
    order.last_client_message_at = now
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, user_id, "client_claimed", order.id, None))
    return order


async def change_status(uow: UnitOfWork, order: Order, to: Status, by: int, role: Role,
                        now: datetime, reason: NotGoingAheadReason | None = None) -> Order:
    was_eligible = order.refund_eligible_at is not None
    order.change_status(to, by, role, now, reason.value if reason else None)
    uow.touches_schedule = True  # a refund wait may start or stop
    await uow.orders.save(order)
    if was_eligible and order.refund_eligible_at is None:  # the professional rectified
        await hooks.record(uow, order, hooks.REFUND_WITHDRAWN, now, by)
    if to == Status.DONE:  # done again after a dispute that ended in progress
        await resume_reviews(uow, order, now)
    return order


async def confirm_hire(uow: UnitOfWork, order: Order, by: int, now: datetime) -> Order:
    order.confirm_hire(by, now)
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "hire_confirmed", order.id, None))
    return order


async def set_revisions(uow: UnitOfWork, order: Order, by: int, role: Role, n: int) -> Order:
    if role not in (Role.PRO, Role.MODERATOR):
        raise NotAllowed("only the professional sets the revisions")
    if not 0 <= n <= 20 or n < order.revisions_used:
        raise InvalidInput("bad number of revisions", field="revisions")
    order.included_revisions = n
    await uow.orders.save(order)
    return order


def check_move(order: Order, to: Status, role: Role) -> None:
    """Refuse a move before asking for more (the reason) when it cannot happen anyway."""
    order._check_move(to, role)
