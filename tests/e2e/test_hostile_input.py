"""Inputs out of every range, through each framework and each intake, against the sandbox: a
year past any calendar as /delivery's argument or as a typed date, a user id past int64 for
/profile. Each is answered with the reason; none stops the bot."""

from __future__ import annotations

import pytest

from tests.e2e.test_order_thread import open_order, reply, set_status
from tests.e2e.test_typed_date import typing_prompt
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
HUGE_YEAR = "10000000000000000000000/1/1"


async def test_a_date_past_any_calendar_is_answered(world: World) -> None:
    th = await open_order(world)
    await set_status(world, th, "In progress")
    seen = await world.mark(th.group)
    await world.say(th.group, th.pro, f"/delivery {HUGE_YEAR}")
    await world.wait_text(th.group, "Usage: /delivery <date>, for example /delivery",
                          after=seen)
    _calendar, prompt = await typing_prompt(world, th)
    again = await reply(world, th.group, th.pro, prompt, HUGE_YEAR,
                        "I could not read «10000000000000000000000/1/1» as a date.")
    assert again["force_reply"]
    # the bot is still there
    await world.say(th.group, th.pro, "/help")
    await world.wait_text(th.group, "/neworder", after=seen)


async def test_a_user_id_past_int64_is_answered(world: World) -> None:
    ana = await world.user("Ana", "en", "ana")
    seen = await world.mark(ana)
    await world.say(ana, ana, "/profile 99999999999999999999999")
    await world.wait_text(ana, "That input is not valid.", after=seen)
    await world.say(ana, ana, "/profile")
    await world.wait_text(ana, "Profile of Ana", after=seen)
