"""Who waits after a 429, through each framework's real transport against the sandbox (limits on):
one group's 429 holds that group only; 429s from several chats pause the whole bot."""

from __future__ import annotations

from tests.delivery.helpers import count
from tests.delivery.sandbox_rig import Rig, accounted

RETRY = 30


def _between(times: dict[int, list[float]], low: float, high: float) -> list[float]:
    return [t for chat_times in times.values() for t in chat_times if low < t < high]


async def test_one_groups_429_does_not_hold_up_the_other_chats(rig: Rig) -> None:
    held, other = await rig.group("Held"), await rig.group("Other")
    people = await rig.people(2)
    for chat in (held, other, *people):
        await rig.queue(chat, 3)
    await rig.control.inject_fault("429", count=1, chat_id=held, retry_after=RETRY)
    start = rig.clock.now()
    sender = rig.sender()
    await sender.flush(timeout=30)
    assert await accounted(rig, [held, other, *people]) == []
    times = await rig.arrivals(start, held, other, *people)
    assert min(times[held]) >= RETRY  # the group waited out its 429
    for chat in (other, *people):  # the others went on at their own pace meanwhile
        assert len(times[chat]) == 3 and max(times[chat]) < RETRY, (chat, times[chat])
    assert count(sender.metrics, "responses_429") == 1
    assert await rig.own_429s(injected=1) == 0


async def test_429s_from_several_chats_pause_the_whole_bot(rig: Rig) -> None:
    groups = [await rig.group("First"), await rig.group("Second")]
    people = await rig.people(3)
    chats = [*groups, *people]
    for chat in chats:
        await rig.queue(chat, 3)
    await rig.control.inject_fault("429", count=2, retry_after=RETRY)  # the bot-wide limit
    start = rig.clock.now()
    await rig.sender().flush(timeout=30)
    assert await accounted(rig, chats) == []
    times = await rig.arrivals(start, *chats)
    # Sends already on the wire when the 429s came may land at once; a chat's next message
    # (1 s later at the earliest) waits until the pause is over, in every chat.
    assert _between(times, 1.0, RETRY) == []
    assert all(len(t) == 3 and max(t) >= RETRY for t in times.values())
    assert await rig.own_429s(injected=2) == 0
