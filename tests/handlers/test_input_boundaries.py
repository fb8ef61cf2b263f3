"""Every command argument and prompt reply answers a boundary input with a reason and changes
nothing: numbers past int64, years 1 and 9999, negatives, digits of other scripts, empty,
blank and 5,000-character inputs. (Replies that are free text only meet the text cases.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.callback_data import (
    AskRevision,
    CallbackData,
    ChooseWhen,
    CommentChoice,
    NoteChoice,
    OpenDispute,
    ReplyToReview,
    SendCheckin,
    SetStatus,
    Stars,
    TypeDeliveryDate,
)
from bot.core.events import ChatEvent, Effect, Person, SendMessage
from bot.storage.models import Base
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import Work, alerts, prompt_of, requested, working

MOD = 9
# What an input may change without anything having been done: what is sent, and the record
# of it (deliveries, message ids, intake, language seen).
LOGISTICS = {"outbox", "inbox", "message_refs", "hook_events", "people", "chats"}
# Who wrote last (any message counts, the check-in window follows it), and the row's version.
ACTIVITY = {"last_pro_message_at", "last_client_message_at", "checkin_window_for",
            "checkin_offered", "version"}

INT64_MAX = 2**63 - 1
NUMBERS = {
    "int64 max + 1": str(INT64_MAX + 1),
    "int64 min": str(-INT64_MAX - 1),
    "int64 min - 1": str(-INT64_MAX - 2),
    "huge": "10000000000000000000000",
    "negative": "-1",
    "arabic-indic": "٣",
    "extended arabic-indic": "۳۴",
    "devanagari": "३",
    "fullwidth": "３",
    "empty": "",
    "whitespace": " \t ",
    "5000 digits": "7" * 5000,
}
DATES = {
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "year 9999 local": "12/31/9999",
    "huge year first": "10000000000000000000000/1/1",
    "huge year last": "1/1/10000000000000000000000",
    "negative": "-1/1/1",
    "int64 max + 1": str(INT64_MAX + 1),
    "arabic-indic": "٢٠٢٧-٠١-٠١",
    "fullwidth": "２０２７-０１-０１",
    "empty": "",
    "whitespace": "   ",
    "5000 characters": "1/" * 2500,
}
INVISIBLE = {
    "zero-width": "\u200b\u200c\u2060\ufeff",
    "control characters": "\x00\x07\x1b\x7f",
    "C1 controls": "\x85\x9b",
    "blank letters and spaces": "\u3164 \u2800\u00a0\u3000",
}
TEXTS = {
    "empty": "",
    "whitespace": " \n\t ",
    "5000 characters": "x" * 5000,
    **INVISIBLE,
}

# A blank comment means none; an invisible one is refused.
COMMENTS = {"5000 characters": TEXTS["5000 characters"], **INVISIBLE}


@dataclass
class Input:
    """How to reach the place where the input is typed, and how it is sent."""

    name: str
    cases: dict[str, str]
    send: Callable[[Bench, Work, str], Awaitable[tuple[ChatEvent, list[Effect]]]]


def command(name: str, by: str = "pro", suffix: str = "",
            in_private: bool = False) -> Callable[..., Awaitable[tuple[ChatEvent,
                                                                       list[Effect]]]]:
    async def send(bench: Bench, w: Work, value: str) -> tuple[ChatEvent, list[Effect]]:
        person = _person(bench, w, by)
        chat = person.id if in_private else w.group
        event = bench.command(chat, person, f"/{name} {value}{suffix}".rstrip())
        return event, await bench.send(event)
    return send


Taps = Callable[[Work, int], list[tuple[str, CallbackData]]]


def prompt(taps: Taps, by: str = "pro", before: Callable[[Bench], None] | None = None,
           status: str = "in_progress"
           ) -> Callable[..., Awaitable[tuple[ChatEvent, list[Effect]]]]:
    """The taps (who, what) that open the prompt, then `by` replies to it."""
    async def send(bench: Bench, w: Work, value: str) -> tuple[ChatEvent, list[Effect]]:
        if status != "in_progress":
            await bench.send(bench.tap(w.group, w.pro, SetStatus(w.order_id, status), 77))
        if before is not None:
            before(bench)
        request_id = await requested(bench, w) if status == "rated" else 0
        for who, data in taps(w, request_id):
            asked = await bench.send(bench.tap(w.group, _person(bench, w, who), data, 77))
            assert not alerts(asked), alerts(asked)
        shown = prompt_of(asked)
        message_id = await bench.message_id_of(shown.ref)  # type: ignore[arg-type]
        snapshot = await _tables(bench)
        event = bench.text(w.group, _person(bench, w, by), value, message_id)
        effects = await bench.send(event)
        assert await _tables(bench) == snapshot
        return event, effects
    return send


def _person(bench: Bench, w: Work, by: str) -> Person:
    return {"pro": w.pro, "client": w.client, "mod": bench.person(MOD, "Mod", "en")}[by]


def _later(bench: Bench) -> None:
    bench.advance(timedelta(hours=25))


INPUTS = [
    Input("/revisions", NUMBERS, command("revisions")),
    Input("/delivery", DATES, command("delivery")),
    Input("/profile in private", NUMBERS, command("profile", "client", in_private=True)),
    Input("/profile in the group", NUMBERS, command("profile", "client")),
    *[Input(f"/{name}", NUMBERS, command(name, "mod", in_private=True))
      for name in ("order", "remind", "restore_review", "refund", "mod_add", "mod_remove")],
    *[Input(f"/{name}", NUMBERS, command(name, "mod", " because", in_private=True))
      for name in ("hide_review", "cancel")],
    *[Input(f"/{name}'s reason in the group", INVISIBLE, command(name, "mod"))
      for name in ("hide_review", "cancel")],
    Input("/orders", NUMBERS, command("orders", "mod", in_private=True)),
    Input("/neworder", TEXTS, command("neworder")),
    Input("typed delivery date", DATES,
          prompt(lambda w, _: [("pro", TypeDeliveryDate(w.order_id))])),
    Input("revision request", TEXTS,
          prompt(lambda w, _: [("client", AskRevision(w.order_id))], "client")),
    Input("dispute reason", TEXTS,
          prompt(lambda w, _: [("client", OpenDispute(w.order_id))], "client")),
    Input("check-in", TEXTS,
          prompt(lambda w, _: [("pro", SendCheckin(w.order_id))], before=_later)),
    Input("review note", TEXTS, prompt(lambda w, _: [
        ("pro", ChooseWhen(w.order_id, "now")), ("pro", NoteChoice(w.order_id, "write"))],
        status="done")),
    Input("comment", COMMENTS, prompt(lambda w, request: [
        ("client", Stars(request, 4)), ("client", CommentChoice(request, "write"))],
        "client", status="rated")),
    Input("review reply", TEXTS, prompt(lambda w, request: [
        ("client", Stars(request, 4)), ("client", CommentChoice(request, "skip")),
        ("pro", ReplyToReview(1))], status="rated")),
]
CASES = [pytest.param(entry, label, value, id=f"{entry.name}: {label}")
         for entry in INPUTS for label, value in entry.cases.items()]


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", moderator_ids=(MOD,),
                             included_revisions=2)
    yield bench
    await bench.uow_factory.engine.dispose()


async def _tables(bench: Bench) -> dict[str, list[dict[str, object]]]:
    async with bench.uow_factory() as uow:
        return {name: [{k: v for k, v in row.items() if k not in ACTIVITY}
                       for row in (await uow.conn.execute(select(table))).mappings().all()]
                for name, table in Base.metadata.tables.items() if name not in LOGISTICS}


@pytest.mark.parametrize(("entry", "label", "value"), CASES)
async def test_a_boundary_input_is_answered_and_changes_nothing(
        bench: Bench, entry: Input, label: str, value: str) -> None:
    w = await working(bench)
    if entry.name == "/neworder":
        w = Work(-100800, w.order_id, w.pro, w.client, w.stranger)
    before = await _tables(bench)
    event, effects = await entry.send(bench, w, value)
    answers = [e for e in effects if isinstance(e, SendMessage) and e.chat_id == event.chat_id]
    assert answers, f"no answer to {entry.name} {label}: {effects}"
    assert all(e.text.strip() for e in answers)
    if entry.name.startswith("/"):  # a prompt's reply is compared after the prompt is asked
        assert await _tables(bench) == before


async def test_control_characters_in_a_title_are_never_stored_or_echoed(bench: Bench) -> None:
    pro = bench.person(1, "Ana", "en")
    effects = await bench.send(bench.command(-100900, pro, "/neworder Kitchen\x00 tap\x07\x1b"))
    assert any("Order #1: Kitchen tap\n" in e.text for e in effects if isinstance(e, SendMessage))
    rows = (await _tables(bench))["orders"]
    assert [row["title"] for row in rows] == ["Kitchen tap"]


async def test_control_characters_in_a_moderators_reason_are_never_stored(bench: Bench) -> None:
    w = await working(bench)
    effects = await bench.send(bench.command(w.group, bench.person(MOD, "Mona", "en"),
                                             "/cancel Client\x00 asked\x07 twice"))
    assert any("Reason: Client asked twice" in e.text
               for e in effects if isinstance(e, SendMessage))
    changes = (await _tables(bench))["status_changes"]
    assert [row["reason"] for row in changes if row["to_status"] == "cancelled"] == [
        "Client asked twice"]
