"""The leases of a webhook worker on the updates it stored: renewed while it lives, taken
over by another worker once they run out (the worker died after its 200)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.storage.uow import UnitOfWorkFactory

log = logging.getLogger("orderbot.webhook")
TAKE_AT_ONCE = 1_000


def worker_name() -> str:
    """This process among the workers: host, pid and a random part (a pid is reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Leases:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, seconds: float,
                 owner: str | None = None) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.seconds = seconds
        self.owner = owner or worker_name()

    def until(self) -> datetime:
        return self.clock.now() + timedelta(seconds=self.seconds)

    async def renew_and_take_over(self) -> list[tuple[int, str]]:
        """Renew this worker's leases; take the updates whose lease ran out."""
        now, until = self.clock.now(), self.until()
        async with self.uow_factory() as uow:
            await uow.inbox.renew_leases(self.owner, until)
            taken = await uow.inbox.take_over(self.owner, now, until, TAKE_AT_ONCE)
            await uow.commit()
        if taken:
            log.info("took over %d stored updates whose worker stopped", len(taken))
        return taken
