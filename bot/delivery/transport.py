"""What the outbox sender needs from a framework: perform one effect, or fail in a known way.

Each adapter maps its framework's exceptions to these, so the sender's policy (wait, retry,
follow, give up) is written once.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.events import Effect


class DeliveryError(Exception):
    """Base of every outcome of a send that did not succeed."""


class RetryAfter(DeliveryError):
    """429: this call may be made again after `seconds`.

    `chat_id` is the chat the call was bound to (None: a call bound to no chat). Telegram does
    not say which limit was hit; the sender decides whether the chat or the whole bot waits.
    """

    def __init__(self, seconds: float, chat_id: int | None = None) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds
        self.chat_id = chat_id


class ChatMigrated(DeliveryError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Forbidden(DeliveryError):
    """403: the bot was removed from the chat or blocked by the person."""


class BadRequest(DeliveryError):
    """400 that no retry will mend (message not found, text too long...)."""


class NotModified(DeliveryError):
    """400 "message is not modified": the edit is already what the chat shows."""


class TransientError(DeliveryError):
    """5xx or a network failure: the outcome may be unknown, a retry may succeed."""


def bound_chat(effect: Effect | None) -> int | None:
    """The chat a call is bound to (a send, an edit, a delete); None for a callback answer."""
    chat_id = getattr(effect, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


class Transport(Protocol):
    async def perform(self, effect: Effect) -> int | None:
        """Perform one effect; return the Telegram message id of a sent message."""
        ...
