"""Updates set aside: parking one that failed every attempt, listing them, running them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.event_codec import event_to_json
from bot.core.events import ChatEvent
from bot.domain import parking
from bot.domain.parking import ParkedUpdate
from bot.services.ports import UnitOfWork

ERROR_CHARS = 500  # of the error kept with a parked update: its type and first words


@dataclass(frozen=True, slots=True)
class Parked:
    tell_moderators: bool


async def park(uow: UnitOfWork, event: ChatEvent, error: BaseException, attempts: int,
               now: datetime) -> Parked:
    """Keep `event` aside with its error; whether the moderators are to be told of it."""
    told = await uow.inbox.last_told_moderators()
    tell = parking.tell_moderators(told, now)
    await uow.inbox.park(event.update_id, now, chat_id=event.chat_id,
                         event=event_to_json(event), error=error_line(error),
                         attempts=attempts)
    if tell:
        await uow.inbox.moderators_told(event.update_id, now)
    return Parked(tell)


async def parked(uow: UnitOfWork, limit: int = 50) -> list[ParkedUpdate]:
    return await uow.inbox.parked(limit)


def error_line(error: BaseException) -> str:
    """`TypeName: first line of the message`, short enough to list."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return text[:ERROR_CHARS]
