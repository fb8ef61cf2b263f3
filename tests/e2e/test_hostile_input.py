"""Inputs out of every range, through each framework and each intake, against the sandbox: a
year past any calendar as /delivery's argument or as a typed date, a user id past int64 for
/profile. Each is answered with the reason; none stops the bot."""

from __future__ import annotations

import pytest

from tests.e2e.test_order_thread import open_order, reply, set_status, step
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


ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot


async def test_the_anonymous_admin_is_asked_to_write_as_themselves(world: World) -> None:
    """An admin posting anonymously is GroupAnonymousBot to the bot, the same in every group:
    it cannot be the professional (nor a bot account the client); a person then can."""
    anonymous = await world.control.create_user("Group", None, "GroupAnonymousBot",
                                                user_id=ANONYMOUS_ADMIN, is_bot=True)
    helper = await world.control.create_user("Helper", None, "helper_bot", is_bot=True)
    ana = await world.user("Ana", "en", "ana")
    luis = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [ana, luis, anonymous, helper])
    seen = await world.mark(group)
    await world.say(group, anonymous, "/neworder Kitchen tap")
    await world.wait_text(group, "You are posting as the group's anonymous admin, so I cannot "
                          "tell who you are. Please write as yourself and send it again.",
                          after=seen)
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Order #1: Kitchen tap", after=seen)
    answer = await world.wait_answer(await world.tap(group, helper, "I am the client"))
    assert answer["text"] == "A bot cannot be the client or the professional of an order."
    await step(world, group, luis, "I am the client", "Luis is the client")
