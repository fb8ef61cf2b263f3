"""Helpers for the work tests (revisions, delivery dates, disputes, check-in) driven through
tests/bench.py. (No tests here.)"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callback_data import ChooseWhen, ClaimClient, NoteChoice, SetStatus
from bot.core.events import (
    AnswerCallback,
    EditKeyboard,
    EditMessage,
    Effect,
    Person,
    Ref,
    SendMessage,
)
from bot.domain.order import Order
from bot.domain.reviews import ReviewRequest
from tests.bench import Bench

GROUP = -100700
MODERATOR = 90


@dataclass
class Work:
    group: int
    order_id: int
    pro: Person
    client: Person
    stranger: Person


async def working(bench: Bench, status: str = "in_progress") -> Work:
    """/neworder, the client claims, the pro sets the status."""
    pro, client = bench.person(1, "Ana", "en"), bench.person(2, "Luis", "en")
    effects = await bench.send(bench.command(GROUP, pro, "/neworder Kitchen tap"))
    card = effects[0]
    assert isinstance(card, SendMessage) and card.ref is not None
    order_id = card.ref.id
    await bench.send(bench.tap(GROUP, client, ClaimClient(order_id)))
    effects = await bench.send(bench.tap(GROUP, pro, SetStatus(order_id, status), 77))
    assert not alerts(effects), alerts(effects)
    return Work(GROUP, order_id, pro, client, bench.person(3, "Eve", "en"))


async def requested(bench: Bench, w: Work) -> int:
    """The review is asked for now (default note); the request id."""
    await bench.send(bench.tap(w.group, w.pro, ChooseWhen(w.order_id, "now"), 77))
    effects = await bench.send(bench.tap(w.group, w.pro, NoteChoice(w.order_id, "default"), 77))
    request = [e for e in effects if isinstance(e, SendMessage) and e.ref
               and e.ref.kind == "request"]
    assert request and request[0].ref is not None
    return request[0].ref.id


def alerts(effects: list[Effect]) -> list[str]:
    return [e.text or "" for e in effects if isinstance(e, AnswerCallback) and e.alert]


def alert(effects: list[Effect]) -> str:
    found = alerts(effects)
    assert len(found) == 1, effects
    return found[0]


def sent(effects: list[Effect]) -> list[SendMessage]:
    return [e for e in effects if isinstance(e, SendMessage)]


def texts(effects: list[Effect]) -> list[str]:
    return [e.text for e in effects if isinstance(e, (SendMessage, EditMessage))]


def cards(effects: list[Effect]) -> list[EditMessage]:
    return [e for e in effects if isinstance(e, EditMessage) and e.ref and e.ref.kind == "card"]


def keyboards_of(effects: list[Effect], kind: str) -> list[EditKeyboard]:
    return [e for e in effects if isinstance(e, EditKeyboard) and e.ref and e.ref.kind == kind]


def prompt_of(effects: list[Effect]) -> SendMessage:
    prompts = [e for e in sent(effects) if e.force_reply]
    assert len(prompts) == 1, effects
    return prompts[0]


async def reply(bench: Bench, w_group: int, user: Person, effects: list[Effect],
                text: str) -> list[Effect]:
    """Reply to the ForceReply prompt found in `effects`."""
    prompt = prompt_of(effects)
    message_id = await bench.message_id_of(prompt.ref or Ref("x", 0))
    return await bench.send(bench.text(w_group, user, text, message_id))


async def order_of(bench: Bench, order_id: int) -> Order:
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None
    return order


async def request_of(bench: Bench, request_id: int) -> ReviewRequest:
    async with bench.uow_factory() as uow:
        request = await uow.requests.get(request_id)
    assert request is not None
    return request


async def audit_actions(bench: Bench, order_id: int) -> list[str]:
    async with bench.uow_factory() as uow:
        return [e.action for e in await uow.audit.for_order(order_id)]
