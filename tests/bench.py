"""An in-process bench for handler tests: a migrated SQLite file, the real pipeline, a fake
clock, and neutral events in; the queued outbox effects and callback answers out."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.config import Settings
from bot.core import codec
from bot.core.callback_data import CallbackData
from bot.core.events import AnswerCallback, ChatEvent, Effect, EventKind, Person, Ref
from bot.domain.note_check import NoteChecker
from bot.i18n import Translations
from bot.pipeline import Pipeline
from bot.storage.db import create_engine
from bot.storage.models import OutboxRow
from bot.storage.uow import UnitOfWorkFactory
from handlers import build_router
from tests.databases import templates


@dataclass
class Bench:
    pipeline: Pipeline
    clock: FakeClock
    uow_factory: UnitOfWorkFactory
    settings: Settings
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _seen_outbox: int = 0
    answers: list[AnswerCallback] = field(default_factory=list)

    async def send(self, event: ChatEvent) -> list[Effect]:
        """Handle one event; return the callback answers and the newly queued effects."""
        answers = await self.pipeline.handle(event)
        self.answers += answers
        return [*answers, *await self.new_effects()]

    async def new_effects(self) -> list[Effect]:
        async with self.uow_factory() as uow:
            table = OutboxRow.__table__
            rows = (await uow.conn.execute(select(table).where(
                table.c.id > self._seen_outbox).order_by(table.c.id))).mappings().all()
            effects = []
            for row in rows:
                self._seen_outbox = row["id"]
                effects.append(codec.loads(row["kind"], row["payload"]))
                if row["kind"] == "send" and row["ref_kind"]:
                    # Pretend the sender delivered it, so later replies can be matched.
                    await uow.refs.record(row["chat_id"], next(self._message_ids),
                                          Ref(row["ref_kind"], row["ref_id"]), self.clock.now())
            await uow.commit()
        return effects

    async def message_id_of(self, ref: Ref) -> int:
        async with self.uow_factory() as uow:
            found = await uow.refs.latest(ref)
        assert found is not None, f"{ref} was never sent"
        return found[1]

    def person(self, id_: int, name: str, language: str | None = "es") -> Person:
        return Person(id_, name, language, username=name.lower())

    def command(self, chat_id: int, user: Person, text: str, **kw: object) -> ChatEvent:
        name, _, args = text.lstrip("/").partition(" ")
        return ChatEvent(next(self._ids), EventKind.COMMAND, chat_id,
                         "private" if chat_id > 0 else "group", user, text=text,
                         command=name.lower(), args=args, message_id=next(self._message_ids),
                         **kw)  # type: ignore[arg-type]

    def text(self, chat_id: int, user: Person, text: str, reply_to: int | None = None) -> ChatEvent:
        return ChatEvent(next(self._ids), EventKind.TEXT, chat_id,
                         "private" if chat_id > 0 else "group", user, text=text,
                         reply_to_message_id=reply_to, message_id=next(self._message_ids))

    def tap(self, chat_id: int, user: Person, data: CallbackData | str,
            message_id: int = 1) -> ChatEvent:
        """A tap on a button with `data` (typed, or forged as a string)."""
        update_id = next(self._ids)
        if isinstance(data, CallbackData):
            data = data.pack()
        return ChatEvent(update_id, EventKind.CALLBACK, chat_id,
                         "private" if chat_id > 0 else "group", user,
                         callback_id=f"cq{update_id}", callback_data=data, message_id=message_id)

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)


async def make_bench(tmp_path: Path, **settings: object) -> Bench:
    url = templates().sqlite_copy(tmp_path, "bench.db")
    # Quiet hours off unless asked for: these tests move the clock by the cadence's hours,
    # not around the night (tests/scheduler/test_quiet_hours.py covers the night).
    config = Settings(database_url=url, _env_file=None,  # type: ignore[call-arg]
                      **({"quiet_hours": ""} | settings))
    clock = FakeClock()
    factory = UnitOfWorkFactory(create_engine(url))
    pipeline = Pipeline(factory, build_router(), clock, config,
                        Translations(default=config.default_language), NoteChecker())
    return Bench(pipeline, clock, factory, config)
