"""Shared set-up of the moderation tests: a bench with a configured moderator, orders in
their stages, and small finders over the queued effects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.core.callback_data import (
    ChooseWhen,
    ClaimClient,
    NoteChoice,
    NotGoingAhead,
    SetStatus,
    Stars,
)
from bot.core.events import Effect, Person, SendDocument, SendMessage
from bot.domain.order import Role
from bot.services.due import DueContext
from handlers import render
from tests.bench import Bench

MOD = 9  # configured in the settings
GROUP = -100500


def mod(bench: Bench, id_: int = MOD) -> Person:
    return bench.person(id_, "Mona", "en")


def texts(effects: Sequence[Effect], chat_id: int | None = None) -> list[str]:
    return [e.text for e in effects if isinstance(e, SendMessage)
            and (chat_id is None or e.chat_id == chat_id)]


def one_text(effects: Sequence[Effect], chat_id: int | None = None) -> str:
    found = texts(effects, chat_id)
    assert found, effects
    return "\n".join(found)


def documents(effects: Sequence[Effect]) -> list[SendDocument]:
    return [e for e in effects if isinstance(e, SendDocument)]


async def bound_order(bench: Bench, chat: int = GROUP, title: str = "Kitchen tap",
                      pro_id: int = 1, client_id: int = 2) -> tuple[int, Person, Person]:
    pro, client = bench.person(pro_id, "Ana", "en"), bench.person(client_id, "Luis", "en")
    effects = await bench.send(bench.command(chat, pro, f"/neworder {title}"))
    card = next(e for e in effects if isinstance(e, SendMessage) and e.ref)
    order_id = card.ref.id  # type: ignore[union-attr]
    await bench.send(bench.tap(chat, client, ClaimClient(order_id)))
    return order_id, pro, client


async def posted_request(bench: Bench, chat: int = GROUP) -> tuple[int, Person, Person, int]:
    """A done order whose rating request (note and stars) is in the chat."""
    order_id, pro, client = await bound_order(bench, chat)
    await bench.send(bench.tap(chat, pro, SetStatus(order_id, "done"), 77))
    await bench.send(bench.tap(chat, pro, ChooseWhen(order_id, "now"), 77))
    effects = await bench.send(bench.tap(chat, pro, NoteChoice(order_id, "default"), 77))
    request = next(e for e in effects if isinstance(e, SendMessage) and e.ref
                   and e.ref.kind == "request")
    return order_id, pro, client, request.ref.id  # type: ignore[union-attr]


async def rated_order(bench: Bench, stars: int = 2) -> tuple[int, Person, Person, int]:
    order_id, pro, client, request_id = await posted_request(bench)
    await bench.send(bench.tap(GROUP, client, Stars(request_id, stars)))
    return order_id, pro, client, request_id


def due_context(bench: Bench) -> DueContext:
    return DueContext(bench.uow_factory, bench.clock, bench.settings.policy(),
                      bench.pipeline.translations, render,  # type: ignore[arg-type]
                      bench.settings.moderator_ids)


async def open_dispute(bench: Bench, order_id: int, by: int, reason: str) -> None:
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        order.open_dispute(by, Role.CLIENT, bench.clock.now(), reason)
        await uow.orders.save(order)
        await uow.commit()


async def not_going_ahead_no_answer(bench: Bench, order_id: int, pro: Person,
                                    chat: int = GROUP) -> None:
    await bench.send(bench.tap(chat, pro, NotGoingAhead(order_id, "no_answer"), 77))
    bench.advance(bench.settings.policy().refund_wait + timedelta(minutes=1))
