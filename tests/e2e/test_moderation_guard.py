"""Every moderator command and button refused to anyone else, and bad arguments answered
with the command's usage, through each framework against the sandbox."""

from __future__ import annotations

import pytest

from tests.e2e.moderation_steps import REFUSED, WAIT, ask, moderator, open_order
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
COMMANDS = ("/orders", "/order 1", "/remind 1", "/hide_review 1 spam", "/restore_review 1",
            "/cancel 1 fraud", "/refund 1", "/disputes", "/stats", "/export", "/mod_add 5",
            "/mod_remove 5")
STATUSES = "all, not_hired, in_progress, done, not_going_ahead, cancelled, disputed"
BAD = (
    ("/order", "Which order? Give its number (or use the command in the order's chat).\n"
               "Usage: /order <order id>"),
    ("/order 99", "There is no order #99.\nUsage: /order <order id>"),
    ("/remind abc", "«abc» is not an order number.\nUsage: /remind <order id>"),
    ("/orders shipped", f"Unknown status «shipped».\nUsage: /orders [status], status one of: "
                        f"{STATUSES}"),
    ("/cancel 1", "Please give a reason.\nUsage: /cancel <order id> <reason>"),
    ("/hide_review 1", "Please give a reason.\nUsage: /hide_review <order id> <reason>"),
    ("/restore_review", "Which order? Give its number (or use the command in the order's "
                        "chat).\nUsage: /restore_review <order id>"),
    ("/refund 42", "There is no order #42.\nUsage: /refund <order id>"),
    ("/mod_add", "Which user? Give their numeric Telegram id.\nUsage: /mod_add <user id>"),
    ("/mod_remove bob", "«bob» is not a numeric Telegram user id.\n"
                        "Usage: /mod_remove <user id>"),
)


async def test_refused_to_everyone_else(world: World) -> None:
    th = await open_order(world)
    eve = await world.user("Eve", "en")
    for command in COMMANDS:
        answer = await ask(world, eve, eve, command, "")
        assert answer["text"] == REFUSED, command
    await world.flush()
    assert [m["text"] for m in await world.bot_messages(eve)] == [REFUSED] * len(COMMANDS)
    # the order's own people too, in the order's chat; and the moderators' buttons
    refusal = await ask(world, th.group, th.pro, "/cancel the pro wants out", REFUSED)
    seen = await world.mark(th.group)
    for data in ("ords:all:0", "rfd:1", "dsr:1:done"):
        answer = await world.wait_answer(await world.forge_tap(
            th.group, th.client, data, int(refusal["message_id"])))
        assert answer["show_alert"] is True, data
    await world.flush()
    assert [e for e in await world.entries(th.group, after=seen, kinds=("message", "edit"))
            if e["from"]["is_bot"]] == []
    card = await world.wait_text(th.group, "Status: Not hired yet")
    assert card["message_id"] < refusal["message_id"]


async def test_bad_arguments_get_the_usage(world: World) -> None:
    mona = await moderator(world)
    await open_order(world)
    for command, answer in BAD:
        got = await ask(world, mona, mona, command, "Usage: /")
        assert got["text"] == answer, command
    details = await ask(world, mona, mona, "/order 1", "History:")
    assert "Status: Not hired yet" in details["text"]
    assert "Mona:" not in details["text"]
    seen = await world.mark(mona)
    await world.say(mona, mona, "/order #1")
    same = await world.wait_text(mona, "History:", after=seen, timeout=WAIT)
    assert same["text"] == details["text"]
