"""The sweep: everything due now, in due order, one unit of work per item, in bounded pages.

The kinds of due work are read page by page (keyset cursors, `batch_size` rows at most per
page and kind) and merged by due time, so a million pending rows cost a few pages of memory. Each
item is done by its use case in `bot.services.due`, which checks again that the row is still
due: two sweeps over the same rows (a job that fires twice, two processes) post once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.services.due import (
    DueContext,
    close_rating,
    mark_refund_eligible,
    post_note,
    refresh_checkin,
    send_reminder,
)
from scheduler.queries import Cursor, DueItem, Kind, due_page

log = logging.getLogger("orderbot.scheduler")

DueWork = Callable[[DueContext, int], Awaitable[bool]]
WORK: dict[Kind, DueWork] = {
    Kind.NOTE: post_note,
    Kind.REMINDER: send_reminder,
    Kind.CLOSE: close_rating,
    Kind.REFUND: mark_refund_eligible,
    Kind.CHECKIN_OPENS: refresh_checkin,
    Kind.CHECKIN_ENDS: refresh_checkin,
    Kind.CHECKIN_CLOSES: refresh_checkin,
}
MAX_FAILURES_IN_A_ROW = 20


class _Pages:
    """One kind's due items, read a page at a time."""

    def __init__(self, ctx: DueContext, kind: Kind, now: datetime, batch_size: int) -> None:
        self.ctx, self.kind, self.now, self.batch_size = ctx, kind, now, batch_size
        self.buffer: deque[DueItem] = deque()
        self.cursor: Cursor = None
        self.exhausted = False

    async def head(self) -> DueItem | None:
        if not self.buffer and not self.exhausted:
            await self._fill()
        return self.buffer[0] if self.buffer else None

    async def _fill(self) -> None:
        async with self.ctx.uow_factory() as uow:
            page = await due_page(uow.conn, self.kind, self.ctx.policy, self.now, self.cursor,
                                  self.batch_size)
        self.exhausted = len(page) < self.batch_size
        if page:
            self.cursor = (page[-1].key, page[-1].id)
        self.buffer.extend(page)


async def _next(pages: list[_Pages]) -> DueItem | None:
    """The earliest head among the kinds (ties: in the order of `Kind`)."""
    best: _Pages | None = None
    best_item: DueItem | None = None
    for source in pages:
        item = await source.head()
        if item is not None and (best_item is None or item < best_item):
            best, best_item = source, item
    if best is not None:
        best.buffer.popleft()
    return best_item


async def _do(ctx: DueContext, item: DueItem) -> bool | None:
    """True: done; False: nothing to do (any more); None: it failed (it stays due)."""
    try:
        return await WORK[item.kind](ctx, item.id)
    except Exception:
        log.exception("due %s %s failed; it stays due for the next sweep", item.kind.name, item.id)
        return None


async def sweep(ctx: DueContext, now: datetime, limit: int | None, batch_size: int,
                on_done: Callable[[DueItem], None] | None = None) -> int:
    """Do what is due at `now`, earliest first, at most `limit` items; return how many.
    `on_done` is told of each item done (the lag metric)."""
    pages = [_Pages(ctx, kind, now, batch_size) for kind in Kind]
    done = failures = 0
    while limit is None or done < limit:
        item = await _next(pages)
        if item is None:
            break
        outcome = await _do(ctx, item)
        done += outcome is True
        if outcome is True and on_done is not None:
            on_done(item)
        failures = failures + 1 if outcome is None else 0
        if failures >= MAX_FAILURES_IN_A_ROW:
            log.error("sweep stopped after %d failures in a row", failures)
            break
        await asyncio.sleep(0)  # let the bot answer updates between items
    return done
