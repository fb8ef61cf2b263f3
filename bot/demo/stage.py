"""Acting in the sandbox as the demo's people, and waiting for the bot's answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.clock import FakeClock
from bot.demo.transcript import Printer
from bot.sandbox.control import SandboxControl


class StoryError(RuntimeError):
    """A step of the story did not get the answer it expected."""


@dataclass
class Stage:
    control: SandboxControl
    app: Any  # bot.app.App
    clock: FakeClock
    printer: Printer
    chats: dict[int, str]
    seen: dict[int, int]

    async def settle(self) -> None:
        """Let the outbox drain, then print what appeared in every chat."""
        await self.app.sender.flush(timeout=10.0)
        for chat_id, label in self.chats.items():
            for entry in await self.control.transcript(chat_id, after=self.seen[chat_id]):
                self.seen[chat_id] = max(self.seen[chat_id], entry["seq"])
                self.printer.entry(entry, self.clock.now(), label)

    async def post(self, chat_id: int, user_id: int, text: str,
                   reply_to: int | None = None) -> None:
        after = self.seen[chat_id]
        await self.control.post(chat_id, user_id, text, reply_to_message_id=reply_to)
        await self._bot_answer(chat_id, after)
        await self.settle()

    async def tap(self, chat_id: int, user_id: int, match: Callable[[str], bool]) -> None:
        message_id, data = await self.find_button(chat_id, match)
        query = await self.control.tap(chat_id, message_id, user_id, data=data)
        await self.control.callback_answer(query, timeout=10.0)
        await self.settle()

    async def reply_to_prompt(self, chat_id: int, user_id: int, text: str) -> None:
        messages = await self.control.messages(chat_id)
        prompts = [m for m in messages if m.get("force_reply")]
        if not prompts:
            raise StoryError("the bot asked nothing to reply to")
        await self.post(chat_id, user_id, text, reply_to=prompts[-1]["message_id"])

    async def find_button(self, chat_id: int, match: Callable[[str], bool]) -> tuple[int, str]:
        for message in reversed(await self.control.messages(chat_id)):
            for row in message.get("buttons") or []:
                for button in row:
                    if button.get("data") and match(button["data"]):
                        return int(message["message_id"]), str(button["data"])
        raise StoryError("no such button in the chat")

    async def _bot_answer(self, chat_id: int, after: int) -> None:
        def from_bot(entry: dict[str, Any]) -> bool:
            return bool((entry.get("from") or {}).get("is_bot"))

        try:
            await self.control.wait_for(chat_id, from_bot, timeout=10.0, after=after)
        except TimeoutError as error:
            raise StoryError("the bot did not answer") from error
