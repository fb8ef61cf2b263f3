"""Everything the sandbox knows, held by one object per server (no module state)."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.sandbox.errors import ControlError, bad_request
from bot.sandbox.faults import FaultSwitches
from bot.sandbox.limits import RateLimits
from bot.sandbox.models import BotAccount, CallbackQuery, Chat, User
from bot.sandbox.notify import Notifier
from bot.sandbox.updates import UpdateQueue

FIRST_USER_ID = 7_000_000_001
FIRST_GROUP_ID = -4_000_000_001
FIRST_SUPERGROUP_ID = -1_002_000_000_001


class SandboxState:
    """Users, chats, bots, the transcript and the switches; mutated only on the event loop."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.wall_clock = wall_clock
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.bots: dict[int, BotAccount] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.transcript: list[dict[str, Any]] = []
        self.changed = Notifier()
        self.limits = RateLimits(clock)
        self.faults = FaultSwitches()
        self.requests: Counter[str] = Counter()
        self.sent_per_chat: Counter[int] = Counter()
        self.too_many_sent = 0
        self.default_privacy = True
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._group_ids = itertools.count(FIRST_GROUP_ID, -1)
        self._supergroup_ids = itertools.count(FIRST_SUPERGROUP_ID, -1)
        self._callback_ids = itertools.count(5_000_000_001)

    def reset(self) -> None:
        """Forget people, chats, the transcript and the switches; bots stay registered."""
        bots = self.bots
        self.__init__(self.clock, self.wall_clock)  # type: ignore[misc]
        for bot in bots.values():
            bot.updates.clear()
            bot.commands.clear()
            bot.privacy = True
            self.bots[bot.id] = bot

    # --- bots ---------------------------------------------------------------
    def register_bot(self, token: str) -> BotAccount:
        bot_id = int(token.split(":", 1)[0])
        bot = self.bots.get(bot_id)
        if bot is None:
            bot = BotAccount(id=bot_id, token=token, updates=UpdateQueue())
            bot.privacy = self.default_privacy
            self.bots[bot_id] = bot
        return bot

    def primary_bot(self, bot_id: int | None = None) -> BotAccount:
        if bot_id is not None:
            if bot_id not in self.bots:
                raise ControlError(f"no bot {bot_id}")
            return self.bots[bot_id]
        if not self.bots:
            raise ControlError("no bot registered yet: call register_bot(token) first")
        return next(iter(self.bots.values()))

    # --- people and chats ---------------------------------------------------
    def new_user(self, name: str, language: str | None, username: str | None,
                 user_id: int | None = None, is_bot: bool = False) -> User:
        """A person, or with `is_bot` an account the Bot API shows as a bot; `user_id` pins
        its id (Telegram's GroupAnonymousBot has a known one)."""
        if user_id is not None and user_id in self.users:
            raise ControlError(f"user {user_id} exists already")
        user = User(id=next(self._user_ids) if user_id is None else user_id, name=name,
                    language=language, username=username, is_bot=is_bot)
        self.users[user.id] = user
        self.chats[user.id] = Chat(id=user.id, type="private", members={user.id: "member"})
        return user

    def new_chat(self, chat_type: str, title: str) -> Chat:
        if chat_type not in ("group", "supergroup"):
            raise ControlError(f"cannot create a {chat_type!r} chat: private chats come with users")
        ids = self._group_ids if chat_type == "group" else self._supergroup_ids
        chat = Chat(id=next(ids), type=chat_type, title=title)
        self.chats[chat.id] = chat
        return chat

    def user(self, user_id: int) -> User:
        if user_id not in self.users:
            raise ControlError(f"no user {user_id}")
        return self.users[user_id]

    def chat(self, chat_id: int) -> Chat:
        """A chat for the control API: unknown is a caller's mistake."""
        if chat_id not in self.chats:
            raise ControlError(f"no chat {chat_id}")
        return self.chats[chat_id]

    def find_chat(self, chat_id: Any) -> Chat:
        """A chat named by a bot: unknown is Telegram's 'chat not found'."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def next_callback_id(self) -> str:
        return str(next(self._callback_ids))

    # --- the transcript -----------------------------------------------------
    def record(self, kind: str, chat_id: int, **fields: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "seq": len(self.transcript) + 1,
            "kind": kind,
            "time": datetime.fromtimestamp(self.wall_clock(), UTC).isoformat(),
            "chat_id": chat_id,
        }
        entry.update(fields)
        self.transcript.append(entry)
        self.changed.notify()
        return entry

    def chat_transcript(self, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        return [e for e in self.transcript if e["chat_id"] == chat_id and e["seq"] > after]

    def stats(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "too_many_requests": self.too_many_sent,
            "messages_per_chat": {str(k): v for k, v in self.sent_per_chat.items()},
        }
