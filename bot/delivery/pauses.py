"""Who waits after a 429: the chat the call was for, or the whole bot.

Telegram's 429 says how long this call must wait, not which limit it hit. The rule:

- A call bound to a chat (a send, an edit) waits for that chat only: its row is put back until
  `retry_after`, and the chat's later rows queue behind it, so the other chats go on. That is
  the usual case: a group's 20 messages a minute.
- If, while one chat is waiting out its 429, another chat's call gets a 429 too, it is the
  bot-wide limit (about 30 a second): every chat pauses for the new `retry_after`.
- A call bound to no chat that gets a 429 pauses everything.

The bot-wide pause is kept by the global limiter, so with Redis every process pauses.
"""

from __future__ import annotations

import logging

from bot.delivery.limits import EPSILON, GlobalLimiter
from bot.delivery.timer import Timer
from bot.delivery.transport import RetryAfter

log = logging.getLogger("orderbot.delivery")


class Pauses:
    def __init__(self, timer: Timer, shared: GlobalLimiter) -> None:
        self._timer = timer
        self._shared = shared
        self._chats: dict[int, float] = {}  # chat -> end of its 429 wait (timer time)

    async def on_429(self, exc: RetryAfter, extra: dict[str, object] | None = None) -> bool:
        """Record a 429; True if it pauses the whole bot (call before anything else awaits)."""
        now = self._timer.monotonic()
        self._chats = {chat: end for chat, end in self._chats.items() if end - now > EPSILON}
        bot_wide = exc.chat_id is None or any(chat != exc.chat_id for chat in self._chats)
        if exc.chat_id is not None:
            self._chats[exc.chat_id] = max(self._chats.get(exc.chat_id, 0.0), now + exc.seconds)
        if bot_wide:
            why = "for no chat" if exc.chat_id is None else "from several chats"
            log.warning("429 %s: every chat pauses for %s s", why, exc.seconds, extra=extra)
            await self._shared.pause(exc.seconds)
        return bot_wide

    async def left(self) -> float:
        """Seconds left of the bot-wide pause (0 when there is none)."""
        return await self._shared.paused_for()
