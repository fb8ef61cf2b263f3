"""The neutral shapes that cross the framework boundary.

An adapter turns its framework's update into a `ChatEvent`; the core answers with
`Effect`s that the adapter (or the outbox sender) performs with its framework's Bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    language: str | None = None
    is_bot: bool = False
    username: str | None = None


class EventKind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    CALLBACK = "callback"
    MEMBERS_JOINED = "members_joined"
    MEMBER_LEFT = "member_left"
    MIGRATED = "migrated"
    BOT_STATUS = "bot_status"


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """One update from Telegram, framework-neutral."""

    update_id: int
    kind: EventKind
    chat_id: int
    chat_type: str  # "private", "group", "supergroup"
    user: Person
    chat_title: str | None = None
    message_id: int | None = None
    thread_id: int | None = None
    text: str = ""
    command: str | None = None  # without "/" and without "@botname", lower case
    args: str = ""
    reply_to_message_id: int | None = None
    callback_id: str | None = None
    callback_data: str | None = None
    migrate_to_chat_id: int | None = None
    migrate_from_chat_id: int | None = None
    members: tuple[Person, ...] = ()
    bot_status: str | None = None  # for BOT_STATUS: "member", "administrator", "left", "kicked"


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class ForceReply:
    placeholder: str
    selective: bool = True


@dataclass(frozen=True, slots=True)
class Ref:
    """A message known by what it is (the card of order 7, prompt 12), not by its Telegram id.

    The sender records the Telegram message id of every message sent with a ref, so that
    later edits can target it before its id is known.
    """

    kind: str
    id: int


@dataclass(frozen=True, slots=True)
class SendMessage:
    chat_id: int
    text: str
    keyboard: Keyboard | None = None
    force_reply: ForceReply | None = None
    reply_to_message_id: int | None = None
    thread_id: int | None = None
    ref: Ref | None = None
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class EditMessage:
    chat_id: int
    text: str
    keyboard: Keyboard | None = None
    message_id: int | None = None
    ref: Ref | None = None
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class EditKeyboard:
    chat_id: int
    keyboard: Keyboard | None
    message_id: int | None = None
    ref: Ref | None = None
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class DeleteMessage:
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class SendDocument:
    chat_id: int
    filename: str
    content: bytes = field(repr=False)
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class SetCommands:
    """One chat's command menu in one language (setMyCommands, scope chat); `language_code`
    None is the menu for every language without its own."""

    chat_id: int
    commands: tuple[tuple[str, str], ...]
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteCommands:
    """Drop one chat's own menu in one language (deleteMyCommands, scope chat): the chat shows
    the menu of its kind of chat again."""

    chat_id: int
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerCallback:
    """Ephemeral: performed at once by the adapter, never queued."""

    callback_id: str
    text: str | None = None
    alert: bool = False


Effect = (SendMessage | EditMessage | EditKeyboard | DeleteMessage | SendDocument | SetCommands
          | DeleteCommands | AnswerCallback)
