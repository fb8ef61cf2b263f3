"""Run in a subprocess by the kill tests: hold the scheduler lock, run a scheduler, or post
one note and die.

python -m tests.scheduler.child lock <db url>
python -m tests.scheduler.child schedule <db url> <iso now>
python -m tests.scheduler.child post <db url> <request id> <iso now> <kill: before|after>
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime

from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.policy import Policy
from bot.i18n import Translations
from bot.services.due import DueContext, post_note
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from scheduler.leader import leadership_for
from scheduler.setup import ReviewScheduler
from tests.scheduler.fakes import FakeRenderer


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class DyingRenderer(FakeRenderer):
    def rating_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _die()


async def hold_lock(url: str) -> None:
    leader = leadership_for(url)
    print("locked" if await leader.acquire() else "standby", flush=True)
    await asyncio.sleep(3600)


async def schedule(url: str, now: str) -> None:
    """A scheduler on a clock stopped at `now`: says whether it is active, then "posted" after
    each commit that queued a message, until it is killed."""
    settings = Settings(database_url=url, scheduler_sweep_seconds=3600,  # type: ignore[call-arg]
                        scheduler_leader_retry_seconds=3600, quiet_hours="", _env_file=None)
    scheduler = ReviewScheduler(UnitOfWorkFactory(create_engine(url)),
                                FakeClock(datetime.fromisoformat(now)), settings,
                                Translations(default="es"), renderer=FakeRenderer(),
                                wake_sender=lambda: print("posted", flush=True))
    await scheduler.start()
    print("active" if scheduler.active else "standby", flush=True)
    await asyncio.sleep(3600)


async def post(url: str, request_id: int, now: str, kill: str) -> None:
    renderer = DyingRenderer() if kill == "before" else FakeRenderer()
    ctx = DueContext(UnitOfWorkFactory(create_engine(url)), FakeClock(datetime.fromisoformat(now)),
                     Policy(quiet_hours=None), Translations(default="es"), renderer, (), _die)
    await post_note(ctx, request_id)
    print("survived", flush=True)


def main(argv: list[str]) -> None:
    if argv[0] == "lock":
        asyncio.run(hold_lock(argv[1]))
    elif argv[0] == "schedule":
        asyncio.run(schedule(argv[1], argv[2]))
    else:
        asyncio.run(post(argv[1], int(argv[2]), argv[3], argv[4]))


if __name__ == "__main__":
    main(sys.argv[1:])
