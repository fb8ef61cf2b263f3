"""Neutral effects become the right framework calls; framework errors become neutral ones."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.events import (
    AnswerCallback,
    Button,
    DeleteMessage,
    EditKeyboard,
    EditMessage,
    ForceReply,
    SendDocument,
    SendMessage,
)
from bot.delivery import transport as neutral
from tests.frameworks.recording import RecordingBot

FRAMEWORKS = ["aiogram", "ptb"]
KEYBOARD = ((Button("Done", "st:7:d"), Button("Site", url="https://example.com")),)


def transport_for(framework: str, bot: RecordingBot) -> Any:
    if framework == "aiogram":
        from bot.frameworks.aiogram_transport import AiogramTransport

        return AiogramTransport(bot)  # type: ignore[arg-type]
    from bot.frameworks.ptb_transport import PtbTransport

    return PtbTransport(bot)  # type: ignore[arg-type]


def buttons(markup: Any) -> list[list[tuple[str, str | None, str | None]]]:
    return [[(b.text, b.callback_data, b.url) for b in row] for row in markup.inline_keyboard]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_send_message_with_keyboard_reply_and_thread(framework: str) -> None:
    bot = RecordingBot()
    sent = await transport_for(framework, bot).perform(SendMessage(
        -100, "<b>not markup</b>", keyboard=KEYBOARD, reply_to_message_id=9, thread_id=5))
    assert sent == 77
    [(method, kwargs)] = bot.calls
    assert method == "send_message"
    assert (kwargs["chat_id"], kwargs["text"], kwargs["parse_mode"]) == (
        -100, "<b>not markup</b>", None)
    assert kwargs["reply_parameters"].message_id == 9
    assert kwargs["reply_parameters"].allow_sending_without_reply is True
    assert kwargs["message_thread_id"] == 5
    assert buttons(kwargs["reply_markup"]) == [
        [("Done", "st:7:d", None), ("Site", None, "https://example.com")]]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_send_message_with_force_reply(framework: str) -> None:
    bot = RecordingBot()
    await transport_for(framework, bot).perform(
        SendMessage(-100, "Your note?", force_reply=ForceReply("a note", selective=True)))
    markup = bot.calls[0][1]["reply_markup"]
    assert markup.force_reply is True
    assert (markup.input_field_placeholder, markup.selective) == ("a note", True)
    assert bot.calls[0][1]["reply_parameters"] is None


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_edits_delete_document_and_answer(framework: str) -> None:
    bot = RecordingBot()
    transport = transport_for(framework, bot)
    assert await transport.perform(EditMessage(-100, "new", KEYBOARD, message_id=3)) is None
    await transport.perform(EditKeyboard(-100, None, message_id=3))
    await transport.perform(DeleteMessage(-100, 4))
    assert await transport.perform(SendDocument(-100, "order.csv", b"a,b", "export")) == 77
    await transport.perform(AnswerCallback("cb1", "No", alert=True))
    names = [name for name, _ in bot.calls]
    assert names == ["edit_message_text", "edit_message_reply_markup", "delete_message",
                     "send_document", "answer_callback_query"]
    edit, keyboard, delete, document, answer = (kwargs for _, kwargs in bot.calls)
    assert (edit["message_id"], edit["text"], edit["parse_mode"]) == (3, "new", None)
    assert buttons(edit["reply_markup"])[0][0] == ("Done", "st:7:d", None)
    assert keyboard["reply_markup"] is None and delete["message_id"] == 4
    assert document["caption"] == "export" and document["parse_mode"] is None
    assert (answer["callback_query_id"], answer["text"], answer["show_alert"]) == (
        "cb1", "No", True)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_edit_without_a_message_id_is_refused(framework: str) -> None:
    bot = RecordingBot()
    with pytest.raises(neutral.BadRequest):
        await transport_for(framework, bot).perform(EditMessage(-100, "x"))
    assert bot.calls == []


def aiogram_errors() -> list[tuple[BaseException, type[neutral.DeliveryError]]]:
    from aiogram import exceptions as e
    from aiogram.methods import SendMessage as Method

    m = Method(chat_id=1, text="x")
    return [
        (e.TelegramRetryAfter(m, "Too Many Requests", 7), neutral.RetryAfter),
        (e.TelegramMigrateToChat(m, "migrated", -1009), neutral.ChatMigrated),
        (e.TelegramForbiddenError(m, "Forbidden: bot was blocked by the user"), neutral.Forbidden),
        (e.TelegramBadRequest(m, "Bad Request: message is not modified: same"),
         neutral.NotModified),
        (e.TelegramBadRequest(m, "Bad Request: chat not found"), neutral.BadRequest),
        (e.TelegramServerError(m, "Bad Gateway"), neutral.TransientError),
        (e.TelegramNetworkError(m, "connection reset"), neutral.TransientError),
        (e.TelegramEntityTooLarge(m, "too large"), neutral.BadRequest),
        (e.TelegramUnauthorizedError(m, "Unauthorized"), neutral.BadRequest),
        (TimeoutError(), neutral.TransientError),
    ]


def ptb_errors() -> list[tuple[BaseException, type[neutral.DeliveryError]]]:
    from telegram import error as e

    return [
        (e.RetryAfter(7), neutral.RetryAfter),
        (e.ChatMigrated(-1009), neutral.ChatMigrated),
        (e.Forbidden("Forbidden: bot was blocked by the user"), neutral.Forbidden),
        (e.BadRequest("Bad Request: message is not modified: same"), neutral.NotModified),
        (e.BadRequest("Bad Request: chat not found"), neutral.BadRequest),
        (e.TimedOut(), neutral.TransientError),
        (e.NetworkError("Bad Gateway"), neutral.TransientError),
        (e.InvalidToken(), neutral.BadRequest),
    ]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_framework_errors_become_neutral(framework: str) -> None:
    cases = aiogram_errors() if framework == "aiogram" else ptb_errors()
    for raised, expected in cases:
        bot = RecordingBot(raises=raised)
        with pytest.raises(expected) as caught:
            await transport_for(framework, bot).perform(SendMessage(1, "x"))
        assert type(caught.value) is expected, (raised, caught.value)
        if isinstance(caught.value, neutral.RetryAfter):
            assert caught.value.seconds == 7
            assert caught.value.chat_id == 1  # the send's chat: the sender may hold it alone
        if isinstance(caught.value, neutral.ChatMigrated):
            assert caught.value.new_chat_id == -1009


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_429_on_a_call_bound_to_no_chat_says_so(framework: str) -> None:
    """A callback answer belongs to no chat: its 429 is the bot's, not a chat's."""
    raised = (aiogram_errors() if framework == "aiogram" else ptb_errors())[0][0]
    bot = RecordingBot(raises=raised)
    with pytest.raises(neutral.RetryAfter) as caught:
        await transport_for(framework, bot).perform(AnswerCallback("cb1", "Done"))
    assert (caught.value.seconds, caught.value.chat_id) == (7, None)
