"""`orderbot hook-events [--retry]`: what the marketplace hook has not taken yet.

Prints how many events wait and each one given up with its last error; `--retry` queues the
given-up ones again, to be posted by the running bot at its next poll
(`ORDERBOT_HOOK_POLL_SECONDS`), each with a new `ORDERBOT_HOOK_MAX_AGE_HOURS`.
"""

from __future__ import annotations

from bot.clock import SystemClock
from bot.config import Settings
from bot.startup import check_schema
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory


async def hook_events(settings: Settings, retry: bool = False) -> int:
    await check_schema(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with UnitOfWorkFactory(engine)() as uow:
            counts = await uow.hooks.counts()
            given_up = await uow.hooks.given_up()
            requeued = await uow.hooks.requeue_given_up(SystemClock().now()) if retry else 0
            await uow.commit()
    finally:
        await engine.dispose()
    if not settings.hook_url:
        print("no hook is configured (ORDERBOT_HOOK_URL): no new events are recorded")
    print(f"hook events: {counts['pending']} waiting, {counts['failed']} given up")
    for event in given_up:
        print(f"  {event['event_id']} {event['event']} order {event['order_id']}: "
              f"{event['attempts']} attempts, last error: {event['last_error']}")
    if retry:
        print(f"{requeued} given-up events queued again")
    return 0
