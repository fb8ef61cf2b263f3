"""Push updates to a bot's webhook in order, retrying on non-2xx answers and network errors."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from bot.sandbox.models import BotAccount, Webhook
from bot.sandbox.state import SandboxState
from bot.sandbox.updates import Update

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
IDLE_CHECK_SECONDS = 3600.0


class WebhookPusher:
    """One delivery task per bot, started when the bot first appears with a webhook."""

    def __init__(self, state: SandboxState, retry_delay: float, timeout: float = 10.0) -> None:
        self.state = state
        self.retry_delay = retry_delay
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        self._session = aiohttp.ClientSession(timeout=timeout)

    async def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def watch(self, bot: BotAccount) -> None:
        """Make sure a delivery task runs for this bot (it idles while there is no webhook)."""
        task = self._tasks.get(bot.id)
        if task is None or task.done():
            self._tasks[bot.id] = asyncio.get_running_loop().create_task(self._run(bot))

    async def _run(self, bot: BotAccount) -> None:
        queue = bot.updates
        while True:
            await queue.changed.wait_until(
                lambda: bot.webhook is not None and bool(queue.pending), IDLE_CHECK_SECONDS
            )
            hook = bot.webhook
            if hook is None or not queue.pending:
                continue
            update = queue.pending[0]
            if await self._push(hook, update):
                queue.drop(update.update_id)
            else:
                await asyncio.sleep(self.retry_delay)

    async def _push(self, hook: Webhook, update: Update) -> bool:
        assert self._session is not None
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            async with self._session.post(
                hook.url, json=update.as_dict(), headers=headers
            ) as response:
                if 200 <= response.status < 300:
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        hook.last_error_date = int(self.state.wall_clock())
        hook.last_error_message = error
        return False
