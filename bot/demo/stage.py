"""Acting in the sandbox as the demo's people, and checking that the bot showed what each step
expects: a step that gets some other answer ends the story with an error naming it, in the
demo's language (step names and what was expected are given translated)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.clock import FakeClock
from bot.demo.transcript import Printer
from bot.i18n import Translator
from bot.sandbox.control import SandboxControl, SandboxControlError

Entry = dict[str, Any]
Check = Callable[[Entry], bool]
WAIT = 10.0


class StoryError(RuntimeError):
    """A step of the story did not get the answer it expected."""

    def __init__(self, t: Translator, step: str, problem: str) -> None:
        # TRANSLATORS: the demo failed; {step} names the step, {problem} says what went wrong.
        super().__init__(t._("step «{step}»: {problem}").format(step=step, problem=problem))
        self.step = step


def from_bot(entry: Entry) -> bool:
    return bool((entry.get("from") or {}).get("is_bot"))


def says(text: str) -> Check:
    """A bot message, edit or answer whose text contains `text`."""
    return lambda entry: text in (entry.get("text") or "")


def offers(match: Callable[[str], bool]) -> Check:
    """A bot message or edit with a button whose data matches."""
    return lambda entry: any(match(str(button.get("data") or ""))
                             for row in entry.get("buttons") or [] for button in row)


def both(*checks: Check) -> Check:
    return lambda entry: all(check(entry) for check in checks)


@dataclass
class Stage:
    control: SandboxControl
    app: Any  # bot.app.App
    clock: FakeClock
    printer: Printer
    chats: dict[int, str]
    seen: dict[int, int]
    t: Translator  # the demo's language, for its errors

    def fail(self, step: str, problem: str) -> StoryError:
        return StoryError(self.t, step, problem)

    def expect(self, step: str, entries: list[Entry], what: str, check: Check) -> Entry:
        """The first entry from the bot that passes `check`, or a StoryError saying what was
        expected and what the bot showed instead."""
        for entry in entries:
            if from_bot(entry) and check(entry):
                return entry
        shown = [" ".join((e.get("text") or "").split())[:90] for e in entries if from_bot(e)]
        t = self.t
        # TRANSLATORS: the demo failed; {what} is what the step expected, {shown} the texts
        # the bot showed instead.
        raise self.fail(step, t._("expected {what}; the bot showed: {shown}").format(
            what=what, shown=" | ".join(s for s in shown if s) or t._("nothing")))

    async def settle(self) -> list[Entry]:
        """Let the outbox drain, print what appeared in every chat and return it."""
        await self.app.sender.flush(timeout=WAIT)
        new: list[Entry] = []
        for chat_id, label in self.chats.items():
            for entry in await self.control.transcript(chat_id, after=self.seen[chat_id]):
                self.seen[chat_id] = max(self.seen[chat_id], entry["seq"])
                self.printer.entry(entry, self.clock.now(), label)
                new.append(entry)
        return new

    async def post(self, step: str, chat_id: int, user_id: int, text: str,
                   reply_to: int | None = None) -> list[Entry]:
        after = self.seen[chat_id]
        await self.control.post(chat_id, user_id, text, reply_to_message_id=reply_to)
        try:
            await self.control.wait_for(chat_id, from_bot, timeout=WAIT, after=after)
        except TimeoutError as error:
            raise self.fail(step, self.t._("the bot did not answer")) from error
        return await self.settle()

    async def tap(self, step: str, chat_id: int, user_id: int,
                  match: Callable[[str], bool]) -> list[Entry]:
        message_id, data = await self.find_button(step, chat_id, match)
        query = await self.control.tap(chat_id, message_id, user_id, data=data)
        try:
            answer = await self.control.callback_answer(query, timeout=WAIT)
        except (TimeoutError, SandboxControlError) as error:
            raise self.fail(step, self.t._("the bot did not answer the tap on {button}").format(
                button=data)) from error
        if answer.get("show_alert"):
            raise self.fail(step, self.t._("the tap on {button} was refused: {answer}").format(
                button=data, answer=answer.get("text")))
        return await self.settle()

    async def reply_to_prompt(self, step: str, chat_id: int, user_id: int,
                              text: str) -> list[Entry]:
        messages = await self.control.messages(chat_id)
        prompts = [m for m in messages if m.get("force_reply")]
        if not prompts:
            raise self.fail(step, self.t._("the bot asked nothing to reply to"))
        return await self.post(step, chat_id, user_id, text,
                               reply_to=prompts[-1]["message_id"])

    async def find_button(self, step: str, chat_id: int,
                          match: Callable[[str], bool]) -> tuple[int, str]:
        for message in reversed(await self.control.messages(chat_id)):
            for row in message.get("buttons") or []:
                for button in row:
                    if button.get("data") and match(button["data"]):
                        return int(message["message_id"]), str(button["data"])
        raise self.fail(step, self.t._("the button to tap is not in the chat"))
