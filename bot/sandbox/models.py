"""The sandbox's records: people, chats, messages, bots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.updates import UpdateQueue


@dataclass
class User:
    id: int
    name: str
    language: str | None = None
    username: str | None = None
    blocked_bots: set[int] = field(default_factory=set)
    # An account that is a bot to the Bot API (GroupAnonymousBot, another bot in the group).
    is_bot: bool = False


@dataclass
class Button:
    text: str
    data: str | None = None
    url: str | None = None


@dataclass
class Document:
    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    content: bytes


@dataclass
class Message:
    chat_id: int
    message_id: int
    from_id: int
    from_bot: bool
    date: float
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[Button]] | None = None
    force_reply: dict[str, Any] | None = None
    reply_to: int | None = None
    thread_id: int | None = None
    service: dict[str, Any] = field(default_factory=dict)
    document: Document | None = None
    caption: str | None = None
    edit_date: float | None = None


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    members: dict[int, str] = field(default_factory=dict)
    bots: dict[int, str] = field(default_factory=dict)
    migrated_to: int | None = None
    is_forum: bool = False
    messages: dict[int, Message] = field(default_factory=dict)
    last_message_id: int = 0

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def bot_status(self, bot_id: int) -> str:
        return self.bots.get(bot_id, "left")

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotAccount:
    id: int
    token: str
    updates: UpdateQueue
    privacy: bool = True
    webhook: Webhook | None = None
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def username(self) -> str:
        return f"orderbot_{self.id}_bot"

    @property
    def first_name(self) -> str:
        return f"OrderBot {self.id}"


@dataclass
class CallbackQuery:
    id: str
    bot_id: int
    chat_id: int
    message_id: int
    user_id: int
    data: str
    answered: bool = False
