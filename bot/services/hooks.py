"""Events for the marketplace's hook: the bot records refund eligibility, the marketplace
moves the credits.

A hook event is written in the transaction of the change it reports (from the domain events
the change recorded), so it exists exactly when the change does, and `bot.delivery.hooks`
posts it. Nothing is written unless a hook is configured (`ORDERBOT_HOOK_URL`). The body is
JSON, built here once: every retry sends the same bytes, so its signature and its `id` stay
the same and the marketplace can drop a repeat.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from bot.domain.events import DomainEvent, RefundBecameEligible, RefundDecided, RefundWithdrawn
from bot.domain.lookup import found
from bot.domain.order import Order
from bot.services.ports import UnitOfWork

REFUND_ELIGIBLE = "refund.eligible"  # the wait for a client who did not answer ran out
REFUND_DECIDED = "refund.decided"  # a moderator recorded the refund decision (/refund)
REFUND_WITHDRAWN = "refund.withdrawn"  # the professional rectified: no longer eligible
HOOK_NAMES: dict[type[DomainEvent], str] = {
    RefundBecameEligible: REFUND_ELIGIBLE, RefundDecided: REFUND_DECIDED,
    RefundWithdrawn: REFUND_WITHDRAWN,
}


async def record(uow: UnitOfWork, events: list[DomainEvent]) -> bool:
    """Queue a hook event for each refund event; True if any was queued."""
    queued = False
    for event in events:
        if not isinstance(event, RefundBecameEligible | RefundDecided | RefundWithdrawn):
            continue
        name = HOOK_NAMES[type(event)]
        order = found(await uow.orders.get(event.order_id), "order", order_id=event.order_id)
        by = event.by if isinstance(event, RefundDecided | RefundWithdrawn) else None
        event_id = uuid.uuid4().hex
        body = payload(event_id, name, order, event.at, by)
        await uow.hooks.add(event_id, name, event.order_id, body, event.at)
        queued = True
    return queued


def payload(event_id: str, event: str, order: Order, now: datetime, by: int | None) -> str:
    return json.dumps({
        "id": event_id, "event": event, "occurred_at": _time(now), "by": by,
        "order": _order(order),
    }, ensure_ascii=False, separators=(",", ":"))


def _order(order: Order) -> dict[str, Any]:
    reason = order.not_going_ahead_reason
    return {
        "id": order.id, "chat_id": order.chat_id, "title": order.title,
        "status": order.status.value, "pro_id": order.pro_id, "client_id": order.client_id,
        "not_going_ahead_reason": reason.value if reason else None,
        "refund_wait_started_at": _time(order.refund_wait_started_at),
        "refund_eligible_at": _time(order.refund_eligible_at),
        "refund_decided_at": _time(order.refund_decided_at),
    }


def _time(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment is not None else None
