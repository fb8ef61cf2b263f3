"""Callback answers, sent without holding up the next update.

An answer is ephemeral (the spinner on the tapped button, maybe a toast) and nothing waits
for its result, so each is sent in its own task: the HTTP round trip to Telegram overlaps the
handling of the next update instead of adding to it. A failed answer is logged and dropped.
"""

from __future__ import annotations

import asyncio
import logging

from bot.core.events import AnswerCallback
from bot.delivery.transport import DeliveryError, Transport

log = logging.getLogger("orderbot.frameworks")
DRAIN_TIMEOUT_S = 5.0


class CallbackAnswers:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._in_flight: set[asyncio.Task[None]] = set()

    def send(self, answers: list[AnswerCallback], update_id: int) -> None:
        if not answers:
            return
        task = asyncio.create_task(self._perform(answers, update_id))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def drain(self) -> None:
        """Wait (a little) for the answers still on their way, before the session closes."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=DRAIN_TIMEOUT_S)

    async def _perform(self, answers: list[AnswerCallback], update_id: int) -> None:
        for answer in answers:
            try:
                await self._transport.perform(answer)
            except DeliveryError as error:  # a late answer is simply lost
                log.warning("callback answer failed: %s", error, extra={"update_id": update_id})
