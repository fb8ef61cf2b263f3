"""/lang: each person chooses their own language."""

from __future__ import annotations

from bot.core.callback_data import ChooseLanguage
from bot.core.errors import BadCallback
from bot.core.events import AnswerCallback, Button, ChatEvent, EditMessage, Effect, SendMessage
from bot.i18n import SUPPORTED
from bot.services.language import choose_language as keep_language
from handlers.context import Context
from handlers.router import Router

# Each language's name in itself, so anyone can find their own.
NATIVE_NAMES = {"en": "English", "es": "Español", "pt": "Português", "ar": "العربية"}


def register(router: Router) -> None:
    router.command("lang", "language")(choose_language)
    router.tap(ChooseLanguage)(language_tap)


async def choose_language(event: ChatEvent, ctx: Context) -> list[Effect]:
    t = ctx.t_person(event)
    rows = tuple((Button(NATIVE_NAMES[code], ChooseLanguage(code).pack()),) for code in SUPPORTED)
    return [SendMessage(event.chat_id, t._("Choose your language:"), rows,
                        reply_to_message_id=event.message_id, thread_id=event.thread_id)]


async def language_tap(event: ChatEvent, ctx: Context, data: ChooseLanguage) -> list[Effect]:
    code = data.code
    if code not in SUPPORTED:
        raise BadCallback("unknown language")
    await keep_language(ctx.uow, event.user.id, code, ctx.now)
    t = ctx.translations.get(code)
    done = t._("From now on I will write to you in {language}.").format(
        language=NATIVE_NAMES[code])
    effects: list[Effect] = [AnswerCallback(event.callback_id or "", done)]
    if event.chat_type == "private" and event.message_id:
        effects.append(EditMessage(event.chat_id, done, None, message_id=event.message_id))
    return effects
