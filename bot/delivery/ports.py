"""What delivery needs from the database, and no more. Storage implements these structurally
(`bot.storage.outbox`, `hook_repos`, `inbox_repo`); the composition root passes them in.

Each method is one short transaction of its own: no caller holds one open across a network call.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.hook_events import HookBacklog, HookEvent, HookFate
from bot.core.outbox import Backlog, Claim, Claimed, Depth, Pace, Verdict


class Outbox(Protocol):
    """The outbox sender's rows: claimed, prepared, then recorded as sent, failed or later."""

    async def claim(self, now: datetime, lease: timedelta, limit: int, *,
                    skip: Collection[int], pace: Pace) -> Claim:
        """Lease the first open row of up to `limit` chats (not those in `skip`), the chats
        with the most work left at the given `pace` first."""
        ...

    async def renew(self, ids: Collection[int], until: datetime) -> int:
        """Extend the lease of those of `ids` still being sent (the heartbeat of the sender
        that claimed them) to `until`; return how many were extended."""
        ...

    async def prepare(self, row: Claimed, ref_wait: float) -> Verdict:
        """What to do with the row: its chat's state, a migration, an edit's message id."""
        ...

    async def sent(self, row: Claimed, chat_id: int, message_id: int | None,
                   now: datetime) -> None: ...

    async def failed(self, row_id: int, reason: str, now: datetime) -> None: ...

    async def retry_later(self, row_id: int, at: datetime, reason: str,
                          count_attempt: bool) -> None: ...

    async def migrated(self, row: Claimed, new_id: int, now: datetime) -> None:
        """The row's chat became `new_id`: everything of it follows; the row is ready again."""
        ...

    async def lose_chat(self, chat_id: int, reason: str, now: datetime) -> bool:
        """The chat is lost (403): give up its rows; True the first time only."""
        ...

    async def backlog(self, skip: Collection[int]) -> Backlog: ...

    async def depth(self) -> Depth: ...


class HookEvents(Protocol):
    """The marketplace hook's queued events."""

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[HookEvent]: ...

    async def record(self, fates: Sequence[HookFate]) -> None: ...

    async def backlog(self) -> HookBacklog: ...


class Inbox(Protocol):
    """The received update ids."""

    async def prune(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` handled ids received before `before`; return how many."""
        ...
