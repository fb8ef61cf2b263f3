"""What every framework adapter shares: the core's interface, command parsing, error wording.

Nothing here imports a framework; `aiogram.py` and `ptb.py` build on it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.clock import Clock
from bot.core.events import AnswerCallback, ChatEvent
from bot.delivery.transport import BadRequest, DeliveryError, NotModified, Transport
from bot.frameworks.answers import CallbackAnswers
from bot.grouping import Reply
from bot.i18n import Translations
from bot.intake import Outage
from bot.storage.uow import UnitOfWorkFactory
from handlers.command_menus import CommandMenu

log = logging.getLogger("orderbot.frameworks")

Handle = Callable[[ChatEvent], Awaitable[list[AnswerCallback]]]
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
NOT_MODIFIED = "message is not modified"


class Receiver(Protocol):
    """Where an adapter's events go: `bot.app.App`, or `Immediate` around a function."""

    async def receive(self, event: ChatEvent, reply: Reply) -> None:
        """Handle `event`; `reply` gets its callback answers once it is committed."""
        ...

    async def settle(self) -> None:
        """Commit what was received (before its updates are acknowledged to Telegram)."""
        ...

    async def unreadable(self, update_id: int, payload: str, error: BaseException) -> None:
        """Set aside an update the framework could not turn into an event (it cannot be run
        again, but it is kept, with its error, and never acknowledged unrecorded)."""
        ...


@dataclass(frozen=True)
class Immediate:
    """A handling function as a receiver: each event's answers go out as it returns."""

    handle: Handle

    async def receive(self, event: ChatEvent, reply: Reply) -> None:
        reply(await self.handle(event))

    async def settle(self) -> None:
        return None

    async def unreadable(self, update_id: int, payload: str, error: BaseException) -> None:
        log.error("update %s could not be read: %s", update_id, error)


class Core(Receiver, Protocol):
    """What the adapters and the runner need from `bot.app.App`."""

    clock: Clock
    uow_factory: UnitOfWorkFactory
    translations: Translations
    outage: Outage  # a database fault stopping intake (/healthz)

    async def handle(self, event: ChatEvent) -> list[AnswerCallback]: ...

    async def start(self, transport: Transport, bot_username: str = "",
                    run_scheduler: bool = True, bot_reads_all: bool = False) -> None: ...

    async def stop(self) -> None: ...


class Adapter(Protocol):
    """One framework: its Bot (the transport), its polling loop, its Update parser."""

    reads_all: bool  # getMe's can_read_all_group_messages, known after open()

    @property
    def transport(self) -> Transport: ...

    async def set_commands(self, menus: list[CommandMenu]) -> None:
        """Publish the command menus (setMyCommands) per scope and language."""
        ...

    async def open(self) -> str:
        """Create the framework's bot and ask Telegram who it is; return its username."""
        ...

    async def start_polling(self, receiver: Receiver) -> None:
        """Start the framework's long-polling loop in the background and return. Before each
        getUpdates (which acknowledges the updates before it), `receiver` settles. No webhook
        may be set (the runner checks `current_webhook_url` first)."""
        ...

    async def stop_polling(self) -> None: ...

    async def process(self, payload: dict[str, Any], receiver: Receiver) -> bool:
        """Handle one raw update (a webhook body) through the same translation as polling;
        the caller settles `receiver`. False if the bot does not take this update."""
        ...

    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def current_webhook_url(self) -> str:
        """The address Telegram sends this bot's updates to (getWebhookInfo); "" if none."""
        ...

    async def delete_webhook(self) -> None:
        """Remove the webhook (deleteWebhook); Telegram keeps the updates not yet delivered."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class CommandText:
    name: str
    args: str
    foreign: bool  # addressed to another bot: "/help@otherbot"


def split_command(text: str, bot_username: str) -> CommandText | None:
    """"/Help@MyBot  a b" -> CommandText("help", "a b", False); None if not a command."""
    if not text.startswith("/"):
        return None
    head, *rest = text.split(maxsplit=1)
    name, _, target = head[1:].partition("@")
    if not name:
        return None
    foreign = bool(target) and target.lower() != bot_username.lower().lstrip("@")
    return CommandText(name.lower(), rest[0].strip() if rest else "", foreign)


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def bad_request(description: str) -> DeliveryError:
    """A 400: "message is not modified" is its own outcome, the rest will not mend."""
    if NOT_MODIFIED in description.lower():
        return NotModified(description)
    return BadRequest(description)


async def handle_event(event: ChatEvent | None, receiver: Receiver,
                       answers: CallbackAnswers) -> bool:
    """Give the event to the core; its callback answers go out in the background once it is
    committed. False when there is no event (an update the bot does not take)."""
    if event is None:
        return False
    update_id = event.update_id
    await receiver.receive(event, lambda found: answers.send(found, update_id))
    return True
