"""The numbers behind /stats: orders by status, ratings, response rate, reminders, check-ins,
disputes, refunds and, with a marketplace hook, its events not yet taken."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.sql.base import Executable

from bot.domain.order import Status
from bot.services.ports import UnitOfWork
from bot.storage.models import OrderRow, RatingRow, ReviewRequestRow, StatusChangeRow


@dataclass(frozen=True)
class Stats:
    by_status: dict[Status, int] = field(default_factory=dict)
    ratings: int = 0  # visible ones
    hidden_ratings: int = 0
    average: float | None = None  # of the visible ratings
    done: int = 0
    done_rated: int = 0
    reminders_sent: int = 0
    checkins_used: int = 0
    disputes_opened: int = 0
    disputes_open: int = 0
    refunds_eligible: int = 0
    refunds_decided: int = 0
    hook_waiting: int | None = None  # None: no marketplace hook is configured
    hook_given_up: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def rated_share(self) -> float | None:
        """The share of done orders that were rated (0..1), None without done orders."""
        return self.done_rated / self.done if self.done else None


async def _scalar(uow: UnitOfWork, query: Executable) -> int | float | None:
    result = await uow.conn.execute(query)
    value = result.scalar_one()
    return value if value is None else (float(value) if isinstance(value, float) else int(value))


async def compute(uow: UnitOfWork, hooked: bool) -> Stats:
    """`hooked`: a marketplace hook is configured (its events are counted)."""
    orders, ratings = OrderRow.__table__, RatingRow.__table__
    requests, changes = ReviewRequestRow.__table__, StatusChangeRow.__table__
    by_status = await uow.orders.counts_by_status()
    visible = ratings.c.hidden.is_(False)
    average = await _scalar(uow, select(func.avg(ratings.c.stars)).where(visible))
    done_rated = await _scalar(uow, select(func.count()).select_from(
        ratings.join(orders, orders.c.id == ratings.c.order_id)).where(
        orders.c.status == Status.DONE))
    hook = await uow.hooks.counts() if hooked else None
    return Stats(
        by_status=by_status,
        ratings=await uow.ratings.count(visible),
        hidden_ratings=await uow.ratings.count(ratings.c.hidden.is_(True)),
        average=None if average is None else float(average),
        done=by_status.get(Status.DONE, 0),
        done_rated=int(done_rated or 0),
        reminders_sent=int(await _scalar(uow, select(
            func.coalesce(func.sum(requests.c.reminders_sent), 0))) or 0),
        checkins_used=await uow.orders.count(orders.c.checkin_used_at.is_not(None)),
        disputes_opened=int(await _scalar(uow, select(func.count()).select_from(changes).where(
            changes.c.to_status == Status.DISPUTED)) or 0),
        disputes_open=by_status.get(Status.DISPUTED, 0),
        refunds_eligible=await uow.orders.count(orders.c.refund_eligible_at.is_not(None)),
        refunds_decided=await uow.orders.count(orders.c.refund_decided_at.is_not(None)),
        hook_waiting=None if hook is None else hook["pending"],
        hook_given_up=0 if hook is None else hook["failed"],
    )
