"""Helpers for the rating tests: an order with a posted rating request, and the rating flow
driven by taps and replies through tests/bench.py. (No tests here.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.callback_data import (
    AspectValue,
    ChooseWhen,
    ClaimClient,
    CommentChoice,
    NoteChoice,
    SetStatus,
    Stars,
)
from bot.core.events import AnswerCallback, EditMessage, Effect, Person, Ref, SendMessage
from tests.bench import Bench


@dataclass
class Thread:
    group: int
    order_id: int
    request_id: int
    request_message: int
    pro: Person
    client: Person


async def requested(bench: Bench, group: int = -100500, pro_id: int = 1, client_id: int = 2,
                    title: str = "Kitchen tap", language: str = "en") -> Thread:
    """/neworder, the client claims, the pro marks it done and asks for the review now."""
    pro = bench.person(pro_id, "Ana", language)
    client = bench.person(client_id, "Luis", language)
    effects = await bench.send(bench.command(group, pro, "/neworder " + title))
    card = effects[0]
    assert isinstance(card, SendMessage) and card.ref is not None
    order_id = card.ref.id
    await bench.send(bench.tap(group, client, ClaimClient(order_id)))
    await bench.send(bench.tap(group, pro, SetStatus(order_id, "done"), 77))
    await bench.send(bench.tap(group, pro, ChooseWhen(order_id, "now"), 77))
    effects = await bench.send(bench.tap(group, pro, NoteChoice(order_id, "default"), 77))
    request = [e for e in effects if isinstance(e, SendMessage) and e.ref
               and e.ref.kind == "request"]
    assert request and request[0].ref is not None
    request_id = request[0].ref.id
    message = await bench.message_id_of(Ref("request", request_id))
    return Thread(group, order_id, request_id, message, pro, client)


async def rate(bench: Bench, th: Thread, stars: int, aspects: Sequence[int] = (0, 0, 0),
               comment: str | None = None, message: int | None = None) -> list[Effect]:
    """Stars, the three aspects (0 = Skip), then a comment or Skip; the last effects."""
    effects = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, stars),
                                         message or th.request_message))
    assert not alerts(effects), alerts(effects)
    for aspect, value in zip(("on_time", "quality", "communication"), aspects, strict=True):
        effects = await bench.send(bench.tap(th.group, th.client,
                                             AspectValue(th.request_id, aspect, value).pack(), 501))
        assert not alerts(effects), alerts(effects)
    if comment is None:
        return await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "skip"),
                                          501))
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt = prompt_of(effects)
    prompt_id = await bench.message_id_of(prompt.ref or Ref("x", 0))
    return await bench.send(bench.text(th.group, th.client, comment, prompt_id))


def prompt_of(effects: list[Effect]) -> SendMessage:
    prompts = [e for e in effects if isinstance(e, SendMessage) and e.force_reply]
    assert len(prompts) == 1, effects
    return prompts[0]


def texts(effects: list[Effect]) -> list[str]:
    return [e.text for e in effects if isinstance(e, SendMessage | EditMessage)]


def alerts(effects: list[Effect]) -> list[str]:
    return [e.text or "" for e in effects if isinstance(e, AnswerCallback) and e.alert]


def card_of(effects: list[Effect]) -> EditMessage:
    cards = [e for e in effects if isinstance(e, EditMessage) and e.ref
             and e.ref.kind == "card"]
    assert cards, effects
    return cards[-1]
