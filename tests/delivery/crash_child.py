"""Run in a subprocess by test_crash.py: drain the outbox through the python-telegram-bot
adapter until it is empty (the sender is what is killed; importing aiogram would cost each
child three seconds of CPU, PTB a third of one).

python -m tests.delivery.crash_child <sandbox base url> <database url>

It imports everything, then waits for a line on stdin before it starts (so the parent can
start the next child while the current one runs, and importing costs no time). The
parent SIGKILLs it at random moments and starts it again; on a clean finish it prints "done".
Limits are set high (the sandbox enforces none here) and the lease short, so a restarted
child picks up the rows a killed one had claimed within a second.
"""

from __future__ import annotations

import asyncio
import sys

from bot.clock import SystemClock
from bot.config import Settings
from bot.delivery.config import DeliveryConfig
from bot.delivery.sender import OutboxSender
from bot.frameworks.ptb import PtbAdapter
from bot.metrics import Metrics
from bot.storage.db import create_engine
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory

TOKEN = "123456:CRASH"
LEASE_SECONDS = 1.0
CONCURRENCY = 4


def delivery_settings() -> DeliveryConfig:
    return DeliveryConfig.from_settings(Settings(  # type: ignore[call-arg]
        _env_file=None, redis_url=None, outbox_concurrency=CONCURRENCY,
        outbox_lease_seconds=LEASE_SECONDS, outbox_poll_seconds=0.2,
        rate_global_per_second=10_000.0, rate_private_per_second=10_000.0,
        rate_group_per_minute=1_000_000))


async def drain(base_url: str, database_url: str) -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN, api_base_url=base_url,  # type: ignore[call-arg]
                        framework="ptb")
    adapter = PtbAdapter(settings)
    await adapter.open()
    engine = create_engine(database_url)
    try:
        sender = OutboxSender(SqlOutbox(UnitOfWorkFactory(engine)), adapter.transport,
                              SystemClock(), delivery_settings(), metrics=Metrics())
        await sender.flush(timeout=60)
    finally:
        await engine.dispose()
        await adapter.close()
    print("done", flush=True)


if __name__ == "__main__":
    sys.stdin.readline()
    asyncio.run(drain(sys.argv[1], sys.argv[2]))
