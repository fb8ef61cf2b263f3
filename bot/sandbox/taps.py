"""Button taps: only buttons that exist now (like a real client), or forged ones for tests."""

from __future__ import annotations

from bot.sandbox.errors import ControlError
from bot.sandbox.models import Button, CallbackQuery, Message
from bot.sandbox.serialize import message_dict, user_dict
from bot.sandbox.state import SandboxState


def tap(
    state: SandboxState,
    chat_id: int,
    message_id: int,
    user_id: int,
    text: str | None = None,
    data: str | None = None,
) -> str:
    message = _message(state, chat_id, message_id)
    button = _find_button(message, text, data)
    if button is None or button.data is None:
        raise ControlError(
            f"message {message_id} has no callback button with text={text!r} data={data!r}"
        )
    return _send_query(state, message, user_id, button.data)


def forge_tap(state: SandboxState, chat_id: int, message_id: int, user_id: int, data: str) -> str:
    return _send_query(state, _message(state, chat_id, message_id), user_id, data)


def _message(state: SandboxState, chat_id: int, message_id: int) -> Message:
    message = state.chat(chat_id).messages.get(message_id)
    if message is None:
        raise ControlError(f"no message {message_id} in chat {chat_id}")
    if not message.from_bot:
        raise ControlError(f"message {message_id} was not sent by a bot")
    return message


def _find_button(message: Message, text: str | None, data: str | None) -> Button | None:
    if text is None and data is None:
        raise ControlError("tap needs the button's text or its data")
    for row in message.buttons or []:
        for button in row:
            if (text is None or button.text == text) and (data is None or button.data == data):
                return button
    return None


def _send_query(state: SandboxState, message: Message, user_id: int, data: str) -> str:
    user = state.user(user_id)
    bot = state.bots[message.from_id]
    query = CallbackQuery(
        id=state.next_callback_id(),
        bot_id=bot.id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        user_id=user_id,
        data=data,
    )
    state.callbacks[query.id] = query
    state.record(
        "tap",
        message.chat_id,
        message_id=message.message_id,
        callback_query_id=query.id,
        data=data,
        user_id=user_id,
        **{"from": {"id": user.id, "name": user.name, "is_bot": False}},
    )
    bot.updates.push(
        "callback_query",
        {
            "id": query.id,
            "from": user_dict(user),
            "message": message_dict(state, message),
            "chat_instance": str(abs(message.chat_id) * 7 + bot.id),
            "data": data,
        },
    )
    return query.id
