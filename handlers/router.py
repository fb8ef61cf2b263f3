"""Routes a neutral event to its handler: commands, button taps, replies to prompts, the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.core.callback_data import CallbackData, parse_callback
from bot.core.errors import BadCallback
from bot.core.events import ChatEvent, Effect, EventKind
from bot.domain.prompts import Prompt, PromptStep
from bot.services.prompts import answered_prompt
from handlers.context import Context

D = TypeVar("D", bound=CallbackData)

CommandHandler = Callable[[ChatEvent, Context], Awaitable[list[Effect]]]
# A tap's handler takes its button's typed data (a subclass of CallbackData).
TapHandler = Callable[[ChatEvent, Context, Any], Awaitable[list[Effect]]]
PromptHandler = Callable[[ChatEvent, Context, Prompt], Awaitable[list[Effect]]]
EventHandler = Callable[[ChatEvent, Context], Awaitable[list[Effect]]]


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, CommandHandler] = {}
        self.taps: dict[type[CallbackData], TapHandler] = {}
        self.prompts: dict[PromptStep, PromptHandler] = {}
        self.watchers: list[EventHandler] = []  # see every message (activity, refund wait)
        self.events: dict[EventKind, EventHandler] = {}
        self.unknown_command: CommandHandler | None = None

    def command(self, *names: str) -> Callable[[CommandHandler], CommandHandler]:
        def register(handler: CommandHandler) -> CommandHandler:
            for name in names:
                self.commands[name] = handler
            return handler
        return register

    def tap(self, *kinds: type[D]
            ) -> Callable[[Callable[[ChatEvent, Context, D], Awaitable[list[Effect]]]], TapHandler]:
        def register(handler: Callable[[ChatEvent, Context, D], Awaitable[list[Effect]]]
                     ) -> TapHandler:
            for kind in kinds:
                self.taps[kind] = handler
            return handler
        return register

    def prompt(self, *steps: PromptStep) -> Callable[[PromptHandler], PromptHandler]:
        def register(handler: PromptHandler) -> PromptHandler:
            for step in steps:
                self.prompts[step] = handler
            return handler
        return register

    def on(self, kind: EventKind) -> Callable[[EventHandler], EventHandler]:
        def register(handler: EventHandler) -> EventHandler:
            self.events[kind] = handler
            return handler
        return register

    async def dispatch(self, event: ChatEvent, ctx: Context) -> list[Effect]:
        effects: list[Effect] = []
        if event.kind in (EventKind.COMMAND, EventKind.TEXT, EventKind.CALLBACK):
            for watcher in self.watchers:
                effects += await watcher(event, ctx)
        return effects + await self._route(event, ctx)

    async def _route(self, event: ChatEvent, ctx: Context) -> list[Effect]:
        if event.kind == EventKind.CALLBACK:
            data = parse_callback(event.callback_data)
            handler = self.taps.get(type(data))
            if handler is None:
                raise BadCallback("no handler", prefix=data.prefix)
            return await handler(event, ctx, data)
        if event.kind == EventKind.COMMAND:
            command = self.commands.get(event.command or "") or self.unknown_command
            return await command(event, ctx) if command else []
        if event.kind == EventKind.TEXT:
            return await self._route_text(event, ctx)
        handler_for_kind = self.events.get(event.kind)
        return await handler_for_kind(event, ctx) if handler_for_kind else []

    async def _route_text(self, event: ChatEvent, ctx: Context) -> list[Effect]:
        if event.reply_to_message_id is None:
            return []
        prompt = await answered_prompt(ctx.uow, event.chat_id, event.reply_to_message_id)
        if prompt is None:
            return []
        handler = self.prompts.get(prompt.step)
        return await handler(event, ctx, prompt) if handler else []
