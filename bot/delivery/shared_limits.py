"""Each chat's limits shared through Redis, for several senders on one bot.

A chat's first open row may be claimed by any sender, so each process's own `ChatLimiter`
sees only the messages it sent itself: two senders taking turns on one group would send two
messages within a second, and 40 in its minute. With `ORDERBOT_REDIS_URL` set, the answers to
each chat's messages are kept in Redis too (`<key>:chat:{<id>}`, the newest 20 for a group, the
last one for a private chat, expiring once they no longer count), with a mark while a message
is in flight, and a sender checks them before a chat's message leaves. The rules are those of
`ChatLimiter`, counted from the answers, with the same margins.

Checking is a read (`delay`); taking is atomic (`take`: one script checks again and marks the
message in flight), so two senders never both take a chat's turn. A mark left by a killed
process expires after `IN_FLIGHT_TTL_S`. If Redis fails, each process keeps its own limits
(as without Redis) for `RESTING_S`, without asking Redis (a failing call can take seconds of
the client's retries), and says so in the log each time it starts to.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from bot.delivery.limits import CLOCK_MARGIN, GROUP_WINDOW_MARGIN
from bot.delivery.redis_limits import IN_FLIGHT_TTL_S, Resting

# KEYS: answers, in flight. ARGV: now ms, spacing ms, window limit, window ms, take (0/1),
# in-flight ttl ms. Returns 0 (free; taken if asked) or the ms to wait.
CHECK_LUA = """
local now, spacing = tonumber(ARGV[1]), tonumber(ARGV[2])
local limit, window = tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[2]) == 1 then
  return math.ceil(spacing)
end
local answers = redis.call('LRANGE', KEYS[1], 0, limit - 1)
local at = now
if #answers > 0 then
  at = math.max(at, tonumber(answers[1]) + spacing)
  if limit > 1 and #answers >= limit then
    at = math.max(at, tonumber(answers[limit]) + window)
  end
end
if at > now then
  return math.ceil(at - now)
end
if ARGV[5] == '1' then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[6])
end
return 0
"""

# KEYS: answers, in flight. ARGV: now ms, window limit, keep ms (0: forget the in-flight mark
# only, the message did not leave).
DONE_LUA = """
redis.call('DEL', KEYS[2])
if ARGV[3] ~= '0' then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 0
"""


class SharedChatLimits:
    def __init__(self, redis: Any, wall_ms: Callable[[], float], spacing: float,
                 group_per_minute: int, key: str = "orderbot:rate:global",
                 in_flight_ttl: float = IN_FLIGHT_TTL_S) -> None:
        self._check = redis.register_script(CHECK_LUA)
        self._done = redis.register_script(DONE_LUA)
        self._wall_ms = wall_ms
        self._spacing_ms = (spacing + CLOCK_MARGIN) * 1000.0
        self._group = group_per_minute
        self._window_ms = (60.0 + GROUP_WINDOW_MARGIN) * 1000.0
        self._prefix = f"{key}:chat:"
        self._in_flight_ttl_ms = int(in_flight_ttl * 1000)
        self._resting = Resting(wall_ms, "the Redis chat limits")

    async def delay(self, chat_id: int) -> float:
        """Seconds before the chat's next message may leave, by every sender's answers."""
        return await self._run(chat_id, take=False)

    async def take(self, chat_id: int) -> bool:
        """The chat's message leaves now, unless another sender's has just taken its turn."""
        return await self._run(chat_id, take=True) <= 0

    async def done(self, chat_id: int, left: bool = True) -> None:
        """The answer came (or the request failed): count it. `left=False`: taken, not sent."""
        if self._resting.now():
            return
        limit, keep = self._limit_and_keep(chat_id)
        try:
            await self._done(keys=self._keys(chat_id),
                             args=[int(self._wall_ms()), limit, keep if left else 0])
        except (RedisError, OSError):
            self._resting.start()

    async def _run(self, chat_id: int, take: bool) -> float:
        if self._resting.now():
            return 0.0
        limit, _ = self._limit_and_keep(chat_id)
        try:
            wait_ms = await self._check(keys=self._keys(chat_id), args=[
                int(self._wall_ms()), self._spacing_ms, limit, self._window_ms,
                1 if take else 0, self._in_flight_ttl_ms])
        except (RedisError, OSError):
            self._resting.start()
            return 0.0  # this process's own limits still hold
        return max(0.0, int(wait_ms) / 1000.0)

    def _limit_and_keep(self, chat_id: int) -> tuple[int, int]:
        """How many answers count for the chat, and how long (ms) the newest is kept."""
        if chat_id < 0:  # a group: its minute
            return self._group, math.ceil(self._window_ms + self._spacing_ms)
        return 1, math.ceil(self._spacing_ms) + 1000

    def _keys(self, chat_id: int) -> list[str]:
        answers = f"{self._prefix}{{{chat_id}}}"  # one hash slot for both, on a cluster too
        return [answers, f"{answers}:flight"]
