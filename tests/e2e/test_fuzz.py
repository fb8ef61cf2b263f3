"""Random sequences of commands, replies, taps and waiting in one order's group, by the pro,
the client, a stranger, a moderator and a bot account, through each framework and each
intake, against the sandbox and the real core. After every example:

- the bot still answers (/help in the group gets its answer);
- nothing was logged at WARNING or above that the example did not ask for (`EXPECTED_LOGS`);
- every update the bot stored reached a final state (`assert_every_update_final`);
- every refused step left the domain tables as they were (`domain_snapshot`);
- once the order is rated, no rating request, reminder or personal note for it appears.

One bot runs per framework and intake; each example gets its own people, group and order.
Hypothesis prints the failing sequence of steps; set CI to run the same examples every time.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.storage.models import Base, InboxRow, RatingRow, ReviewRequestRow
from tests.e2e import fuzz_steps as fs
from tests.e2e.conftest import MODES
from tests.e2e.world import Entry, World

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

# Per framework, split over the intakes; ORDERBOT_FUZZ_EXAMPLES=N runs N on each for a deeper
# search than the suite's.
EXAMPLES = {"polling": 50, "webhook": 25}
STEP_TIMEOUT = 15.0  # a wait of days delivers what every earlier example's orders had due
EXAMPLE_TIMEOUT = 120.0
TEST_TIMEOUT = 1800

# --- what a refusal looks like to the person -------------------------------------------------
# The beginnings of every refusal text (handlers/errors.py, handlers/mod_common.py): an alert
# on a tap, a reply to a command or a typed answer.
REFUSALS = (
    "This button is not for you.", "You are not allowed to do that in this order.",
    "That is not possible at this stage of the order.",
    "The rating window for this order has closed.", "That was already done.",
    "All included revisions have been used.", "That is no longer available.",
    "Reviews are paused while this order is disputed or cancelled.",
    "Someone else changed this order just now.", "This button is not valid.",
    "Something went wrong.", "That text is too long", "That day is beyond the rating window.",
    "Please choose a date that is not in the past.", "Please write some text.",
    "That input is not valid.", "This order has no professional yet",
    "Moderators cannot take the client's or the professional's place",
    "The client has already rated this order", "You are posting as the group's anonymous admin",
    "A bot cannot be the client or the professional of an order.",
    "You already have the other role in this order",
    "Only moderators can use this command.",
)
USAGE = "Usage: /"  # a moderator command's arguments refused before anything changes

# --- what the snapshot leaves out, and why -----------------------------------------------------
# Bookkeeping, not the order's state: a refused update is still recorded as received (inbox),
# its refusal is sent through the outbox and a stale tap refreshes the tapped message
# (outbox, message_refs); audit_log is the moderators' trail of who did what; prompts are
# the bot's own questions, not anything a person decided.
BOOKKEEPING = frozenset({"inbox", "outbox", "audit_log", "prompts", "message_refs"})
# Columns that move without anyone's decision: the hook sender's delivery state, and when a
# person or chat was last seen. `people` keeps only the language a person chose (the pipeline
# records everyone it sees, its name and Telegram's language, before routing the update).
VOLATILE = {"hook_events": {"state", "attempts", "next_attempt_at", "claimed_until",
                            "last_error"},
            "chats": {"updated_at"},
            # What the bot sees people do in the order's chat (handlers/activity.py): a
            # person's command or reply counts as seen even when its answer is a refusal
            # (a usage line), as it should; `version` moves with it.
            "orders": {"last_pro_message_at", "last_client_message_at", "version"}}

# --- logs a step provokes on purpose ----------------------------------------------------------
# (logger name, the beginning of the message). Empty: no step is meant to make the bot warn;
# a forged tap, a foreign person or a typed answer out of range is refused at INFO.
EXPECTED_LOGS: tuple[tuple[str, str], ...] = ()


@dataclass
class Example:
    world: World
    group: int
    people: dict[str, int]
    order_id: int
    rated_after: int | None = None  # the transcript's seq once the order had a rating


# --- the invariants' helpers -------------------------------------------------------------------
async def assert_every_update_final(world: World) -> None:
    """Every update the bot stored reached a final state (handled, ignored or parked; the
    bot is idle), and none was parked: an example never makes the bot fail."""
    table = InboxRow.__table__
    async with world.app.uow_factory() as uow:
        open_rows = (await uow.conn.execute(select(table.c.update_id, table.c.state).where(
            table.c.state.not_in(["handled", "ignored"])))).all()
    assert [tuple(row) for row in open_rows] == [], \
        f"updates stored but not finished, or parked: {open_rows}"


async def domain_snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every domain table's rows, in a stable order (see BOOKKEEPING and VOLATILE)."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    async with world.app.uow_factory() as uow:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            if table.name == "people":
                query = select(table.c.id, table.c.chosen_language).where(
                    table.c.chosen_language.is_not(None))
            else:
                skip = VOLATILE.get(table.name, set())
                query = select(*[c for c in table.columns if c.name not in skip])
            rows = (await uow.conn.execute(query)).all()
            snapshot[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return snapshot


async def idle(world: World) -> None:
    """The bot has taken every queued update, handled it and delivered what it queued."""
    queue = world.sandbox.state.primary_bot().updates
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    while queue.pending:
        assert loop.time() < deadline, f"updates not taken: {queue.pending}"
        await asyncio.sleep(0.005)
    await world.settle()
    await world.flush()


def is_refusal(text: str) -> bool:
    return text.startswith(REFUSALS) or USAGE in text


def unexpected_warnings(records: Iterable[logging.LogRecord]) -> list[str]:
    return [f"{r.name} {r.levelname}: {r.getMessage()}" for r in records
            if r.levelno >= logging.WARNING and r.name.startswith("orderbot")
            and not any(r.name == name and r.getMessage().startswith(start)
                        for name, start in EXPECTED_LOGS)]


# --- setting an example up ---------------------------------------------------------------------
async def tap_and_wait(world: World, group: int, user: int, button: str, expect: str) -> None:
    seen = await world.mark(group)
    await world.tap(group, user, button)
    await world.wait_text(group, expect, after=seen)


async def begin(world: World, number: int, stage: str) -> Example:
    """Fresh people, a fresh group with its order, taken to `stage`."""
    control = world.control
    people = {
        "pro": await world.user(f"Ana{number}", "en"),
        "client": await world.user(f"Luis{number}", "en"),
        "stranger": await world.user(f"Eve{number}", "en"),
        "moderator": await world.user(f"Mona{number}", "en"),
        "bot": await control.create_user(f"Helper{number}", None, f"helper{number}_bot",
                                         is_bot=True),
    }
    mona = people["moderator"]
    await world.add_moderator(mona)
    seen = await world.mark(mona)
    await world.say(mona, mona, "/start")  # so that answers in private reach her
    await world.wait_text(mona, "", after=seen)
    group = await world.group(f"Job {number}", list(people.values()))
    seen = await world.mark(group)
    await world.say(group, people["pro"], f"/neworder Job {number}")
    await world.wait_text(group, "Order #", after=seen)
    async with world.app.uow_factory() as uow:
        order = await uow.orders.by_chat(group)
    assert order is not None and order.id
    if stage in ("claimed", "requested"):
        await tap_and_wait(world, group, people["client"], "I am the client", "is the client")
    if stage == "requested":
        pro = people["pro"]
        await tap_and_wait(world, group, pro, "Update", "at what stage is the job?")
        await tap_and_wait(world, group, pro, "Done", "When should we ask")
        await tap_and_wait(world, group, pro, "Yes, now", "the client will see")
        await tap_and_wait(world, group, pro, "Use this text", "how would you rate the service")
    await idle(world)
    return Example(world, group, people, order.id)


# --- running a step ------------------------------------------------------------------------------
async def fill(ex: Example, text: str) -> str:
    """The placeholders of a drawn text, for this example."""
    request_id = ex.order_id
    async with ex.world.app.uow_factory() as uow:
        table = ReviewRequestRow.__table__
        found = (await uow.conn.execute(select(table.c.id).where(
            table.c.order_id == ex.order_id).order_by(table.c.id.desc()))).scalars().first()
        request_id = found or request_id
    values = {"{order}": ex.order_id, "{other}": max(ex.order_id - 1, 1),
              "{request}": request_id, "{user}": ex.people["stranger"],
              "{bot}": ex.world.running.username}
    for key, value in values.items():
        text = text.replace(key, str(value))
    return text


def _pick(items: list[Any], pick: int) -> Any:
    return items[pick % len(items)] if items else None


async def run_step(ex: Example, step: fs.Step) -> bool:
    """Run one step until the bot is idle again; True if the bot refused it."""
    world, group = ex.world, ex.group
    if isinstance(step, fs.Wait):
        await world.advance(timedelta(hours=step.hours))
        await idle(world)
        return False
    user = ex.people[step.actor]
    seen_group = await world.mark(group)
    seen_private = await world.mark(user)
    if isinstance(step, fs.Tap):
        query = await _tap(ex, step, user)
        await idle(world)
        if query is None:
            return False
        answer = await world.wait_answer(query, timeout=STEP_TIMEOUT)
        return bool(answer.get("show_alert")) and is_refusal(str(answer.get("text") or ""))
    if isinstance(step, fs.Command):
        await world.say(group, user, await fill(ex, step.text))
    else:
        await _reply(ex, step, user)
    await idle(world)
    said = [e for chat, after in ((group, seen_group), (user, seen_private))
            for e in await world.entries(chat, after=after, kinds=("message",))
            if e["from"]["is_bot"]]
    return any(is_refusal(e.get("text") or "") for e in said)


async def _tap(ex: Example, step: fs.Tap, user: int) -> str | None:
    world, group = ex.world, ex.group
    current = [(int(m["message_id"]), b["data"]) for m in await world.bot_messages(group)
               for row in m["buttons"] or [] for b in row if b.get("data")]
    if step.kind == "valid":
        chosen = _pick(current, step.pick)
        if chosen is None:
            return None
        return await world.control.tap(group, chosen[0], user, data=chosen[1])
    if step.kind == "stale":
        earlier = {(int(e["message_id"]), b["data"])
                   for e in await world.entries(group, kinds=("message", "edit"))
                   if e["from"]["is_bot"] for row in e.get("buttons") or [] for b in row
                   if b.get("data")}
        chosen = _pick(sorted(earlier - set(current)), step.pick)
        if chosen is None:
            return None
        return await world.forge_tap(group, user, chosen[1], chosen[0])
    target = _pick([int(m["message_id"]) for m in await world.bot_messages(group)], step.pick)
    if target is None:
        return None
    return await world.forge_tap(group, user, await fill(ex, step.data), target)


async def _reply(ex: Example, step: fs.Reply, user: int) -> None:
    world, group = ex.world, ex.group
    messages = await world.bot_messages(group)
    prompts = [m for m in messages if m.get("force_reply")]
    target = _pick(prompts or messages, step.pick)
    text = step.text if step.text.strip() else step.text + "."  # Telegram sends no empty text
    reply_to = int(target["message_id"]) if target is not None else None
    await world.say(group, user, text, reply_to=reply_to)


# --- the invariants ------------------------------------------------------------------------------
async def has_rating(ex: Example) -> bool:
    table = RatingRow.__table__
    async with ex.world.app.uow_factory() as uow:
        found = (await uow.conn.execute(select(table.c.id).where(
            table.c.order_id == ex.order_id))).first()
    return found is not None


REQUEST_TEXTS = ("how would you rate the service", "a friendly reminder: you can still rate")


def asks_for_the_review(entry: Entry, request_messages: set[int]) -> bool:
    """A new rating request or reminder, or stars put back on an earlier request."""
    text = entry.get("text") or ""
    if entry["kind"] == "message" and any(t in text for t in REQUEST_TEXTS):
        return True
    stars = any((b.get("data") or "").startswith("star:")
                for row in entry.get("buttons") or [] for b in row)
    return entry["kind"] == "edit" and stars and int(entry["message_id"]) in request_messages


async def assert_not_asked_after_rating(ex: Example) -> None:
    if ex.rated_after is None:
        return
    everything = await ex.world.entries(ex.group)
    requests = {int(e["message_id"]) for e in everything if e["kind"] == "message"
                and REQUEST_TEXTS[0] in (e.get("text") or "")}
    late = [e for e in everything if int(e["seq"]) > ex.rated_after and e["from"]["is_bot"]
            and asks_for_the_review(e, requests)]
    assert late == [], f"order #{ex.order_id} was asked for its review after it was rated: {late}"


async def assert_still_answers(ex: Example) -> None:
    seen = await ex.world.mark(ex.group)
    await ex.world.say(ex.group, ex.people["pro"], "/help")
    await ex.world.wait_text(ex.group, "/neworder", after=seen, timeout=STEP_TIMEOUT)


async def play(world: World, number: int, stage: str, steps: list[fs.Step]) -> None:
    ex = await begin(world, number, stage)
    if await has_rating(ex):
        ex.rated_after = await world.mark(ex.group)
    for index, step in enumerate(steps):
        before = await domain_snapshot(world)
        if await run_step(ex, step):
            after = await domain_snapshot(world)
            changed = {name: (before[name], after[name]) for name in before
                       if before[name] != after[name]}
            assert changed == {}, f"step {index} {step} was refused but changed {changed}"
        if ex.rated_after is None and await has_rating(ex):
            ex.rated_after = await world.mark(ex.group)
    await assert_still_answers(ex)
    await idle(world)
    await assert_every_update_final(world)
    await assert_not_asked_after_rating(ex)
    await retire(ex)


async def retire(ex: Example) -> None:
    """The example's moderator steps down: each new order tells every moderator, and the
    next examples would pay for all of them."""
    async with ex.world.app.uow_factory() as uow:
        await uow.moderators.remove(ex.people["moderator"])
        await uow.commit()


# --- the test ------------------------------------------------------------------------------------
@pytest.mark.timeout(TEST_TIMEOUT)
@pytest.mark.parametrize("mode", MODES)
async def test_random_steps_keep_the_bot_sound(world: World, mode: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="orderbot")
    loop = asyncio.get_running_loop()
    counter = iter(range(1, 10**6))

    ci = bool(os.environ.get("CI"))
    # In CI the same examples every run, and no example database carried between runs.
    repeatable: dict[str, Any] = {"derandomize": True, "database": None} if ci else {}

    examples = int(os.environ.get("ORDERBOT_FUZZ_EXAMPLES") or EXAMPLES[mode])

    @settings(max_examples=examples, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
              **repeatable)
    @given(stage=fs.stages, steps=st.lists(fs.steps, max_size=8))
    def example(stage: str, steps: list[fs.Step]) -> None:
        caplog.clear()
        future = asyncio.run_coroutine_threadsafe(
            play(world, next(counter), stage, steps), loop)
        future.result(EXAMPLE_TIMEOUT)
        warnings = unexpected_warnings(caplog.records)
        assert warnings == [], warnings

    # Hypothesis runs in a thread of its own; the bot and the sandbox go on in this loop.
    await asyncio.to_thread(example)

