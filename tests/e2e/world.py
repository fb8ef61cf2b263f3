"""`World`: people and chats in the sandbox, a running bot, and ways to wait on what people see.

Used by the fixtures in `conftest.py`; every wait is on the sandbox transcript with a timeout,
never a sleep.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.models import InboxRow

if TYPE_CHECKING:
    from bot.runner import Running

Entry = dict[str, Any]
BOT_KINDS = ("message", "edit", "document")


def _has_button(message: Entry, label_or_data: str) -> bool:
    return any(label_or_data in (b.get("text"), b.get("data"))
               for row in message.get("buttons") or [] for b in row)


@dataclass
class World:
    control: SandboxControl
    sandbox: SandboxServer
    running: Running
    clock: FakeClock
    framework: str
    mode: str

    @property
    def app(self) -> Any:
        """The core (`bot.app.App`): `app.clock`, `app.scheduler`, `app.sender`, ..."""
        return self.running.app

    # --- people and chats ---------------------------------------------------
    async def user(self, name: str, language: str | None = "en",
                   username: str | None = None) -> int:
        """A person; their private chat with the bot has the same id."""
        return await self.control.create_user(name, language, username)

    async def group(self, title: str, members: list[int], privacy: bool = True,
                    admin: bool = False, supergroup: bool = False) -> int:
        """A group with these members (the first is its creator) and the bot in it."""
        await self.control.set_privacy(privacy)
        kind = "supergroup" if supergroup else "group"
        return await self.control.create_chat(kind, title, members, bot_admin=admin)

    async def add_moderator(self, user_id: int) -> None:
        async with self.app.uow_factory() as uow:
            await uow.moderators.add(user_id, user_id, self.clock.now())
            await uow.commit()

    # --- people act -----------------------------------------------------------
    async def say(self, chat: int, user: int, text: str, reply_to: int | None = None,
                  thread_id: int | None = None) -> int:
        """Post as `user`; returns the message id."""
        return await self.control.post(chat, user, text, reply_to, thread_id)

    async def tap(self, chat: int, user: int, label_or_data: str,
                  message_id: int | None = None, timeout: float = 5.0) -> str:
        """Tap a button (by its text or its data) on `message_id`, or on the newest message of
        the chat that has it (waiting for one to appear); returns the callback query id."""
        if message_id is None:
            message_id = await self._message_with_button(chat, label_or_data, timeout)
        message = next((m for m in await self.control.messages(chat)
                        if m["message_id"] == message_id), None)
        by_text = message is not None and any(
            b.get("text") == label_or_data for row in message["buttons"] for b in row)
        if by_text:
            return await self.control.tap(chat, message_id, user, text=label_or_data)
        return await self.control.tap(chat, message_id, user, data=label_or_data)

    async def forge_tap(self, chat: int, user: int, data: str,
                        message_id: int | None = None) -> str:
        """A tap with data no button carries (a forged or stale client) on a bot message."""
        if message_id is None:
            last = await self.last_bot_message(chat)
            assert last is not None, f"no bot message in chat {chat} to tap on"
            message_id = int(last["message_id"])
        return await self.control.forge_tap(chat, message_id, user, data)

    async def _message_with_button(self, chat: int, label_or_data: str,
                                   timeout: float) -> int:
        found = [m for m in await self.control.messages(chat)
                 if m["from"]["is_bot"] and _has_button(m, label_or_data)]
        if found:
            return max(int(m["message_id"]) for m in found)
        entry = await self.control.wait_for(
            chat, lambda e: bool(e["from"]["is_bot"]) and _has_button(e, label_or_data),
            timeout, ("message", "edit"))
        return int(entry["message_id"])

    # --- what people see --------------------------------------------------------
    async def wait_text(self, chat: int, substring: str, timeout: float = 5.0,
                        after: int = 0) -> Entry:
        """The first bot message, edit or document (seq > after) whose text has `substring`."""
        def matches(entry: Entry) -> bool:
            return bool(entry["from"]["is_bot"]) and substring in (entry.get("text") or "")

        return await self.control.wait_for(chat, matches, timeout, BOT_KINDS, after)

    async def wait_answer(self, query_id: str, timeout: float = 5.0) -> Entry:
        """The bot's answer to a callback query (text, show_alert)."""
        return await self.control.callback_answer(query_id, timeout)

    async def mark(self, chat: int) -> int:
        """The seq of the chat's latest transcript entry: pass it as `after=` to wait for new."""
        entries = await self.control.transcript(chat)
        return int(entries[-1]["seq"]) if entries else 0

    async def bot_messages(self, chat: int) -> list[Entry]:
        return [m for m in await self.control.messages(chat) if m["from"]["is_bot"]]

    async def last_bot_message(self, chat: int) -> Entry | None:
        messages = await self.bot_messages(chat)
        return max(messages, key=lambda m: int(m["message_id"])) if messages else None

    async def entries(self, chat: int, after: int = 0,
                      kinds: tuple[str, ...] | None = None) -> list[Entry]:
        return [e for e in await self.control.transcript(chat, after)
                if kinds is None or e["kind"] in kinds]

    # --- time and delivery --------------------------------------------------------
    async def advance(self, delta: timedelta) -> None:
        """Move the clock, run the scheduler's due sweep, deliver what it queued."""
        self.clock.advance(delta)
        await _maybe_call(getattr(self.app, "scheduler", None), "run_due")
        await self.flush()

    async def flush(self) -> None:
        """Deliver everything the outbox holds now."""
        await _maybe_call(getattr(self.app, "sender", None), "flush")

    async def settle(self) -> None:
        """Webhook mode: wait until every received update has been handled."""
        if self.running.webhook is not None:
            await self.running.webhook.idle()

    # --- the bot's side -----------------------------------------------------------
    def last_update_id(self) -> int:
        """The newest update the sandbox queued for the bot."""
        return max(self.sandbox.state.primary_bot().updates.history)

    async def inbox_ids(self) -> list[int]:
        table = InboxRow.__table__
        async with self.app.uow_factory() as uow:
            rows = await uow.conn.execute(select(table.c.update_id).order_by(table.c.update_id))
            return [int(r) for r in rows.scalars()]


async def _maybe_call(target: object, name: str) -> None:
    method = getattr(target, name, None)
    if method is None:
        return
    result = method()
    if inspect.isawaitable(result):
        await result
