"""Which updates run at once, which share a commit, and when their commit happens.

Chat lanes (`ChatLanes`, where writers do not take turns: PostgreSQL): the updates of different
chats are handled at once, so that their round trips to the database overlap, while each chat's
updates run one after the other, in the order received; at most `ORDERBOT_CONCURRENCY` at once.
An update is in its lane until it is committed or parked, and `drain` waits for every lane, so
an adapter that drains before it acknowledges (the next getUpdates) acknowledges only committed
updates.

Commit groups (where writers take turns: SQLite): updates received one after the other join the
open commit group (`bot.storage.commit_group`); the group commits, and only then are the
updates' callback answers sent, when the adapter settles (before it acknowledges the updates to
Telegram: the next getUpdates, or an empty webhook queue), when the group is full or old enough
(which bounds an answer's delay), or when another unit of work waits for the writer's turn (the
sender, the scheduler). If the COMMIT fails, the group's updates are handled again one by one,
each in its own transaction, so that none is lost with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from bot.core.events import AnswerCallback, ChatEvent
from bot.storage.commit_group import CommitGroup
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("orderbot.pipeline")

Reply = Callable[[list[AnswerCallback]], None]
Work = Callable[[UnitOfWork, ChatEvent], Awaitable[list[AnswerCallback]]]
Alone = Callable[[ChatEvent, Reply], Awaitable[None]]
Job = Callable[[], Awaitable[None]]


class ChatLanes:
    """One lane per chat: its updates in the order received, lanes side by side, at most
    `limit` updates in flight (being handled, or waiting for their chat's earlier one)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight = asyncio.Semaphore(limit)
        self._last: dict[int, asyncio.Task[None]] = {}  # each lane's latest update
        self._open: set[asyncio.Task[None]] = set()

    async def run(self, chat_id: int, job: Job) -> None:
        """Queue `job` behind the chat's earlier updates and return (once fewer than `limit`
        are in flight); `drain` waits for it."""
        await self._in_flight.acquire()
        before = self._last.get(chat_id)
        task = asyncio.get_running_loop().create_task(self._in_turn(before, job))
        self._last[chat_id] = task
        self._open.add(task)
        task.add_done_callback(partial(self._done, chat_id))

    async def drain(self) -> None:
        """Wait until every update queued so far is done (committed or parked)."""
        while self._open:
            await asyncio.wait(set(self._open))

    async def _in_turn(self, before: asyncio.Task[None] | None, job: Job) -> None:
        try:
            if before is not None:
                await asyncio.wait({before})  # done either way: its failure is its own
            await job()
        finally:
            self._in_flight.release()

    def _done(self, chat_id: int, task: asyncio.Task[None]) -> None:
        self._open.discard(task)
        if self._last.get(chat_id) is task:
            del self._last[chat_id]
        if not task.cancelled() and task.exception() is not None:
            # the intake parks what fails; this is a fault of the lane itself
            log.error("an update's lane failed", exc_info=task.exception())


@dataclass(frozen=True, slots=True)
class _Member:
    event: ChatEvent
    reply: Reply
    answers: list[AnswerCallback]


class CommitGroups:
    def __init__(self, factory: UnitOfWorkFactory, work: Work, alone: Alone,
                 max_updates: int, max_seconds: float) -> None:
        self._factory = factory
        self._work = work  # one update's handling, inside the unit of work it is given
        # The same in a transaction of its own, until it is done (after a failed COMMIT).
        self._alone = alone
        self._max_updates = max_updates
        self._max_seconds = max_seconds
        self._turn = asyncio.Lock()  # a group commits only between its members
        self._group: CommitGroup | None = None
        self._members: list[_Member] = []
        self._deadline: asyncio.TimerHandle | None = None
        self._settling: asyncio.Task[None] | None = None
        factory.when_a_writer_waits(self.settle_soon)

    async def run(self, event: ChatEvent, reply: Reply) -> None:
        """Handle `event` in the open group; `reply` gets its answers once it is committed."""
        async with self._turn:
            group = self._group or await self._open()
            async with group.member() as uow:
                answers = await self._work(uow, event)
            self._members.append(_Member(event, reply, answers))
            if len(self._members) >= self._max_updates:
                await self._commit()

    async def settle(self) -> None:
        """Commit the open group now, and send its answers."""
        async with self._turn:
            await self._commit()

    async def abandon(self) -> None:
        """Give the open group up (its member in progress failed): roll it back, then handle
        its earlier members again, each alone."""
        async with self._turn:
            group, members = self._detach()
            if group is not None:
                await _given_up(group)
            await self._one_by_one(members)

    def settle_soon(self) -> None:
        """Commit the open group as soon as its member in progress, if any, is done."""
        if self._group is not None and (self._settling is None or self._settling.done()):
            self._settling = asyncio.get_running_loop().create_task(self.settle())

    async def _open(self) -> CommitGroup:
        group = CommitGroup(self._factory)
        await group.open()
        self._group = group
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(self._max_seconds, self.settle_soon)
        return group

    def _detach(self) -> tuple[CommitGroup | None, list[_Member]]:
        group, members = self._group, self._members
        self._group, self._members = None, []
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        return group, members

    async def _commit(self) -> None:
        group, members = self._detach()
        if group is None:
            return
        try:
            await group.commit()
        except Exception as error:
            log.warning("a commit of %d updates failed (%s): handling them one by one",
                        len(members), error)
            await _given_up(group)
            await self._one_by_one(members)
            return
        for member in members:
            member.reply(member.answers)

    async def _one_by_one(self, members: list[_Member]) -> None:
        for member in members:
            await self._alone(member.event, member.reply)


async def _given_up(group: CommitGroup) -> None:
    """Roll the group back; a connection the database broke may fail to, and is let go."""
    try:
        await group.abandon()
    except Exception as error:
        log.warning("rolling back a failed commit group failed too: %s", error)
