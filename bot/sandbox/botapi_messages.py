"""Bot API methods that write to chats: send, edit, delete, documents, callback answers."""

from __future__ import annotations

import hashlib
from typing import Any

from bot.sandbox.access import count_send, own_message, record_message, writable_chat
from bot.sandbox.entities import bot_command_entities
from bot.sandbox.errors import NOT_MODIFIED, ApiError, bad_request
from bot.sandbox.markup import check_caption, check_text, parse_markup, reply_target
from bot.sandbox.models import BotAccount, Chat, Document, Message
from bot.sandbox.params import Params
from bot.sandbox.serialize import message_dict
from bot.sandbox.state import SandboxState

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _new_message(state: SandboxState, bot: BotAccount, chat: Chat, p: Params) -> Message:
    buttons, force = parse_markup(p.obj("reply_markup"))
    reply_to = reply_target(chat, p.int("reply_to_message_id"), p.obj("reply_parameters"))
    return Message(
        chat_id=chat.id,
        message_id=0,
        from_id=bot.id,
        from_bot=True,
        date=state.wall_clock(),
        buttons=buttons,
        force_reply=force,
        reply_to=reply_to,
        thread_id=p.int("message_thread_id"),
    )


def _store(state: SandboxState, bot: BotAccount, chat: Chat, message: Message) -> None:
    count_send(state, bot, chat)
    message.message_id = chat.next_message_id()
    chat.messages[message.message_id] = message


async def send_message(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    chat = writable_chat(state, bot, p.chat_id())
    text = check_text(p.text("text"))
    message = _new_message(state, bot, chat, p)
    message.text, message.entities = text, bot_command_entities(text)
    _store(state, bot, chat, message)
    record_message(state, "message", message)
    return message_dict(state, message)


async def send_document(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    chat = writable_chat(state, bot, p.chat_id())
    caption = check_caption(p.text("caption"))
    document = _document(state, p)
    message = _new_message(state, bot, chat, p)
    message.document, message.caption = document, caption
    _store(state, bot, chat, message)
    entry = record_message(state, "document", message)
    entry["file_name"] = document.file_name
    return message_dict(state, message)


def _document(state: SandboxState, p: Params) -> Document:
    upload = p.upload("document")
    if upload is None or upload == "":
        raise bad_request("there is no document in the request")
    if isinstance(upload, str):
        known = _known_document(state, upload)
        if known is None:
            raise bad_request("wrong remote file identifier specified: Wrong string length")
        return known
    digest = hashlib.sha256(upload.content).hexdigest()
    return Document(
        file_id=f"BQACAgIAAx{digest[:40]}",
        file_unique_id=f"AgAD{digest[:12]}",
        file_name=upload.filename,
        mime_type=upload.content_type,
        content=upload.content,
    )


def _known_document(state: SandboxState, file_id: str) -> Document | None:
    for chat in state.chats.values():
        for message in chat.messages.values():
            if message.document is not None and message.document.file_id == file_id:
                return message.document
    return None


async def edit_message_text(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    chat, message = _editable(state, bot, p)
    text = check_text(p.text("text"))
    buttons, _ = parse_markup(p.obj("reply_markup"))
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if text == message.text and buttons == message.buttons:
        raise ApiError(400, NOT_MODIFIED)
    count_send(state, bot, chat)
    message.text, message.buttons = text, buttons
    message.entities = bot_command_entities(text)
    return _edited(state, message)


async def edit_message_reply_markup(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    chat, message = _editable(state, bot, p)
    buttons, _ = parse_markup(p.obj("reply_markup"))
    if buttons == message.buttons:
        raise ApiError(400, NOT_MODIFIED)
    count_send(state, bot, chat)
    message.buttons = buttons
    return _edited(state, message)


def _editable(state: SandboxState, bot: BotAccount, p: Params) -> tuple[Chat, Message]:
    if p.raw("inline_message_id") is not None:
        raise bad_request("message to edit not found")
    chat = writable_chat(state, bot, p.chat_id())
    message = own_message(chat, bot, p.int("message_id"), "message to edit not found")
    if not (message.from_bot and message.from_id == bot.id):
        raise bad_request("message can't be edited")
    return chat, message


def _edited(state: SandboxState, message: Message) -> Any:
    message.edit_date = state.wall_clock()
    record_message(state, "edit", message)
    return message_dict(state, message)


async def delete_message(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    chat = state.find_chat(p.chat_id())
    message = own_message(chat, bot, p.int("message_id"), "message to delete not found")
    mine = message.from_bot and message.from_id == bot.id
    if not mine and chat.is_group and chat.bot_status(bot.id) != "administrator":
        raise bad_request("message can't be deleted")
    del chat.messages[message.message_id]
    state.record(
        "delete",
        chat.id,
        message_id=message.message_id,
        **{"from": {"id": bot.id, "name": bot.username, "is_bot": True}},
    )
    return True


async def answer_callback_query(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    query = state.callbacks.get(p.text("callback_query_id") or "")
    if query is None or query.answered or query.bot_id != bot.id:
        raise bad_request(QUERY_INVALID)
    query.answered = True
    state.record(
        "callback_answer",
        query.chat_id,
        message_id=query.message_id,
        callback_query_id=query.id,
        text=p.text("text"),
        show_alert=p.flag("show_alert"),
        user_id=query.user_id,
        **{"from": {"id": bot.id, "name": bot.username, "is_bot": True}},
    )
    return True


async def send_chat_action(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    writable_chat(state, bot, p.chat_id())
    return True
