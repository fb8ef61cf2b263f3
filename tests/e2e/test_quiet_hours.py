"""Quiet hours through each framework: a reminder that falls due at night in the order's time
zone (Europe/Madrid) is held, the card says when it will go, and it is posted at 08:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import Translations
from tests.e2e.ratings_flow import card_now, requested
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
REMINDER = "a friendly reminder"


async def test_a_reminder_due_at_night_goes_at_eight(world: World) -> None:
    pro, client = await world.user("Ana"), await world.user("Luis")
    # 20:30 UTC is 21:30 in Madrid: the request goes now (the professional asked for it), its
    # 24 h reminder would fall at 21:30 the next evening.
    evening = datetime(2027, 3, 8, 20, 30, tzinfo=UTC)
    await world.advance(evening - world.clock.now())
    group = await requested(world, pro, client, "Luis", "Kitchen tap")

    seen = await world.mark(group)
    await world.advance(timedelta(hours=24))
    morning = datetime(2027, 3, 10, 7, 0, tzinfo=UTC)  # 08:00 CET
    when = Translations().get("en").datetime(morning, "Europe/Madrid", "short")
    assert f"Quiet hours: the next reminder goes at {when}" in await card_now(world, group)
    await world.advance(timedelta(hours=5))  # 03:30 in Madrid: still held
    shown = [entry["text"] or "" for entry in await world.entries(group, after=seen)]
    assert not [text for text in shown if REMINDER in text], shown

    await world.advance(morning - world.clock.now())
    await world.wait_text(group, REMINDER, after=seen)
    # The second one (48 h) would fall at 21:30 again: the card already says it waits.
    next_morning = Translations().get("en").datetime(morning + timedelta(days=1),
                                                     "Europe/Madrid", "short")
    card = await card_now(world, group)
    assert "Reminders sent: 1" in card
    assert f"Quiet hours: the next reminder goes at {next_morning}" in card
