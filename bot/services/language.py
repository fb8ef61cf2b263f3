"""Each person's own language, chosen with /lang."""

from __future__ import annotations

from datetime import datetime

from bot.services.ports import UnitOfWork


async def choose_language(uow: UnitOfWork, user_id: int, code: str, now: datetime) -> None:
    await uow.people.choose_language(user_id, code, now)
