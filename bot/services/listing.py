"""Moderators' lists of orders, a page at a time, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.order import Order, Status
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class OrdersPage:
    orders: list[Order]
    total: int  # every order with the status (or every order)
    number: int  # this page, from 0; a page past the end shows the last one
    last: int


async def orders_page(uow: UnitOfWork, status: Status | None, number: int,
                      size: int) -> OrdersPage:
    counts = await uow.orders.counts_by_status()
    total = sum(counts.values()) if status is None else counts.get(status, 0)
    last = max((total - 1) // size, 0)
    number = min(number, last)
    orders = await uow.orders.listing(status, size, number * size)
    return OrdersPage(orders, total, number, last)
