"""The least time Telegram's limits allow for a mix of messages (the delivery bench's yardstick).

Telegram's limits, as its Bot FAQ states them and as the sender follows them: about 30 messages
a second for the bot, at most one a second in any chat, at most 20 a minute in a group. As
sliding windows: any 1 s holds at most 30 of the bot's messages, two messages to one chat are at
least 1 s apart, and any 60 s hold at most 20 messages to one group.

Every limit is a whole number of seconds, so flooring each message's time to the second keeps a
schedule within all three (and does not lengthen it): the least time is the least last second
of a schedule in whole seconds, at most 30 messages in each second. `minimum_seconds` returns a
lower bound (the largest of each limit's own bound) and the length of a greedy schedule that
respects all limits (an upper bound). When both agree, that is the exact minimum.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

BOT_PER_SECOND = 30
GROUP_PER_WINDOW = 20
GROUP_WINDOW = 60


@dataclass(frozen=True)
class Bound:
    lower: int  # no schedule within the limits is shorter
    schedule: int  # a schedule within the limits this long exists
    bot: int  # the bot's 30/s alone
    chat: int  # the 1/s per chat alone (private chats, groups with up to 20)
    group: int  # the 20/min per group alone (groups with more than 20; 0 if none)

    @property
    def exact(self) -> bool:
        return self.lower == self.schedule


def own_seconds(count: int, group: bool) -> int:
    """The least time from a chat's first message to its last, that chat alone."""
    if count <= 1:
        return 0
    last = count - 1
    if not group:
        return last
    return GROUP_WINDOW * (last // GROUP_PER_WINDOW) + last % GROUP_PER_WINDOW


@dataclass
class _Chat:
    group: bool
    left: int
    last: int = -1  # the second of its latest message
    recent: deque[int] = field(default_factory=lambda: deque(maxlen=GROUP_PER_WINDOW))

    def ready(self, second: int) -> bool:
        if self.left == 0 or self.last >= second:
            return False
        full = self.group and len(self.recent) == GROUP_PER_WINDOW
        return not full or self.recent[0] + GROUP_WINDOW <= second

    def finish_if_sent(self, second: int) -> int:
        """The second of its last message if it sends now and then as early as it may."""
        if not self.group:
            return second + self.left - 1
        times = list(self.recent)
        first = len(times)
        for n in range(min(self.left, GROUP_PER_WINDOW)):
            at = second if n == 0 else times[-1] + 1
            if len(times) >= GROUP_PER_WINDOW:
                at = max(at, times[-GROUP_PER_WINDOW] + GROUP_WINDOW)
            times.append(at)
        last = self.left - 1  # past the first 20, each message is 60 s after the 20th before
        return times[first + last % GROUP_PER_WINDOW] + GROUP_WINDOW * (last // GROUP_PER_WINDOW)

    def send(self, second: int) -> None:
        self.left -= 1
        self.last = second
        self.recent.append(second)


def greedy_schedule(counts: Sequence[tuple[int, bool]]) -> list[list[int]]:
    """A schedule within the limits, the seconds of each chat's messages: each second, the ready
    chats whose last message would otherwise come latest go first (the critical path first)."""
    chats = [_Chat(group, count) for count, group in counts]
    seconds: list[list[int]] = [[] for _ in chats]
    second = 0
    while any(chat.left for chat in chats):
        ready = [i for i, chat in enumerate(chats) if chat.ready(second)]
        if len(ready) > BOT_PER_SECOND:
            ready.sort(key=lambda i: (chats[i].finish_if_sent(second), chats[i].left),
                       reverse=True)
        for i in ready[:BOT_PER_SECOND]:
            chats[i].send(second)
            seconds[i].append(second)
        second += 1
    return seconds


def minimum_seconds(counts: Sequence[tuple[int, bool]]) -> Bound:
    """`counts`: (messages, is a group) per chat."""
    total = sum(count for count, _ in counts)
    bot = (total - 1) // BOT_PER_SECOND if total else 0
    chat = max((own_seconds(c, g) for c, g in counts if not g or c <= GROUP_PER_WINDOW),
               default=0)
    group = max((own_seconds(c, g) for c, g in counts if g and c > GROUP_PER_WINDOW), default=0)
    schedule = max((times[-1] for times in greedy_schedule(counts) if times), default=0)
    return Bound(max(bot, chat, group), schedule, bot, chat, group)
