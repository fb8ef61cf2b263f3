"""Events for the marketplace's hook: the bot records refund eligibility, the marketplace
moves the credits (the bot never moves money).

An event is recorded in the transaction of the change it reports, so it exists exactly when
the change does, and `bot.delivery.hooks` posts it. Nothing is recorded unless a hook is
configured (`ORDERBOT_HOOK_URL`). The body is JSON, built here once: every retry sends the
same bytes, so its signature and its `id` stay the same and the marketplace can drop a repeat.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from bot.domain.order import Order
from bot.storage.uow import UnitOfWork

REFUND_ELIGIBLE = "refund.eligible"  # the wait for a client who did not answer ran out
REFUND_DECIDED = "refund.decided"  # a moderator recorded the refund decision (/refund)
REFUND_WITHDRAWN = "refund.withdrawn"  # the professional rectified: no longer eligible


async def record(uow: UnitOfWork, order: Order, event: str, now: datetime,
                 by: int | None = None) -> None:
    """Queue `event` about `order` for the hook, if there is one."""
    if uow.on_hook_event is None:
        return
    event_id = uuid.uuid4().hex
    body = payload(event_id, event, order, now, by)
    await uow.hooks.add(event_id, event, order.id or 0, body, now)
    uow.after_commit(uow.on_hook_event)


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
