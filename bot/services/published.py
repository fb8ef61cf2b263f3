"""After a use case, what its aggregates recorded is published, in the same transaction:
hook events are queued for the marketplace, and the caller learns whether the scheduler must
look again and whether the hook's sender has something new."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.events import moves_schedule
from bot.services import hooks
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class Published:
    schedule_moved: bool = False
    hook_events: bool = False


async def publish(uow: UnitOfWork, hooked: bool) -> Published:
    """Take the unit of work's domain events; `hooked`: a marketplace hook is configured."""
    events = list(uow.events)
    uow.events.clear()
    queued = await hooks.record(uow, events) if hooked else False
    return Published(any(moves_schedule(e) for e in events), queued)
