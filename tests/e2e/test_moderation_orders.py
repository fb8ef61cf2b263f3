"""/orders with a status filter and its ‹ › pages, and /order <id>, through each framework
against the sandbox."""

from __future__ import annotations

import pytest

from tests.e2e.moderation_steps import WAIT, ask, moderator, open_order, step
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e


def _labels(message: Entry) -> list[str]:
    return [b["text"] for row in message.get("buttons") or [] for b in row]


def _lines(message: Entry) -> list[str]:
    return [line for line in message["text"].splitlines() if line.startswith("order #")]


async def _more_orders(world: World, pro: int, client: int, count: int) -> None:
    for n in range(count):
        group = await world.group(f"Job {n}", [pro, client])
        await ask(world, group, pro, f"/neworder Job {n}", f"Job {n}")


async def test_orders_by_status_in_pages(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "In progress", "When should we ask")
    await _more_orders(world, th.pro, th.client, 11)

    page = await ask(world, mona, mona, "/orders not_hired",
                     "11 orders with status Not hired yet (page 1 of 2)")
    assert len(_lines(page)) == 10 and "«Job 10»" in page["text"]
    assert "Kitchen tap" not in page["text"] and _labels(page) == ["1/2", "›"]
    second = await step(world, mona, mona, "›", "(page 2 of 2)", int(page["message_id"]))
    assert second["kind"] == "edit" and second["message_id"] == page["message_id"]
    assert [line.split(" — ")[0] for line in _lines(second)] == ["order #2 «Job 0»"]
    assert _labels(second) == ["‹", "2/2"]
    back = await step(world, mona, mona, "‹", "(page 1 of 2)", int(page["message_id"]))
    assert _lines(back) == _lines(page)

    working = await ask(world, mona, mona, "/orders in_progress",
                        "1 order with status In progress")
    assert _lines(working) == ["order #1 «Kitchen tap» — In progress — Ana / Luis"]
    assert _labels(working) == []
    every = await ask(world, mona, mona, "/orders", "12 orders (page 1 of 2)")
    assert "«Job 10»" in every["text"] and _labels(every) == ["1/2", "›"]
    # someone else is refused the list, and a page button's tap too
    eve = await world.user("Eve", "en")
    refusal = await ask(world, eve, eve, "/orders", "Only moderators can use this command.")
    answer = await world.wait_answer(await world.forge_tap(eve, eve, "ords:all:1",
                                                           int(refusal["message_id"])))
    assert answer["show_alert"] is True
    assert [e["text"] for e in await world.bot_messages(eve)] == [refusal["text"]]


async def test_order_shows_card_people_and_history(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world, members=(mona,))
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "In progress", "When should we ask")
    details = await ask(world, mona, mona, "/order 1", "History:")
    text = details["text"]
    assert "Order #1: Kitchen tap" in text and "Status: In progress" in text
    assert f"Professional: Ana (id {th.pro})" in text and f"Client: Luis (id {th.client})" in text
    assert f"Chat: {th.group}" in text
    history = text.split("History:\n")[1].splitlines()
    assert "Ana: order created (Kitchen tap)" in history[0]
    assert any("Luis: became the client" in line for line in history)
    assert any("Ana: Not hired yet → In progress" in line for line in history)
    # in the order's own chat the id may be left out, and the answer stays there
    seen = await world.mark(th.group)
    await world.say(th.group, mona, "/order")
    here = await world.wait_text(th.group, "History:", after=seen, timeout=WAIT)
    assert here["text"] == text
