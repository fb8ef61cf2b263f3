"""`orderbot updates --failed [--retry ID|all]`: the updates set aside, and running them again.

An update is set aside (parked) when it failed every attempt on its own, not because of the
database (`bot.domain.parking`). The list shows each one's id, when, the chat, what it was
(a command's name or the kind, with the size of its text, never the text) and its error.
`--retry` runs them again here, through the same pipeline; what they queue is delivered by
the running bot's sender. A retry that fails again is parked again.
"""

from __future__ import annotations

from bot.app import build_app
from bot.config import Settings
from bot.core.event_codec import event_from_json, redacted
from bot.domain.parking import ParkedUpdate
from bot.startup import check_schema

LISTED = 10_000


async def updates(settings: Settings, retry: str | None = None) -> int:
    await check_schema(settings.database_url)
    app = build_app(settings)
    try:
        async with app.uow_factory() as uow:
            parked = await uow.inbox.parked(LISTED)
        print(f"updates set aside: {len(parked)}")
        for row in parked:
            print(f"  {_line(row)}")
        if retry is None:
            return 0
        chosen = _chosen(parked, retry)
        if chosen is None:
            print(f"orderbot: no update {retry} is set aside")
            return 2
        pipeline = app.pipeline_without_delivery()
        for row in chosen:
            if row.event is None:
                print(f"  {row.update_id}: cannot be run again (no framework could read it)")
                continue
            await pipeline.run_again(event_from_json(row.event))
        async with app.uow_factory() as uow:
            left = {row.update_id for row in await uow.inbox.parked(LISTED)}
        for row in chosen:
            print(f"  {row.update_id}: {'set aside again' if row.update_id in left else 'handled'}")
        return 0
    finally:
        await app.stop()


def _chosen(parked: list[ParkedUpdate], retry: str) -> list[ParkedUpdate] | None:
    if retry == "all":
        return parked
    found = [row for row in parked if str(row.update_id) == retry.strip()]
    return found or None


def _line(row: ParkedUpdate) -> str:
    when = row.parked_at.strftime("%Y-%m-%d %H:%M UTC") if row.parked_at else "-"
    try:
        what = redacted(event_from_json(row.event)) if row.event else "unreadable update"
    except ValueError:
        what = "unreadable update"
    return (f"{row.update_id} {when} chat {row.chat_id} {what}: {row.attempts} attempts, "
            f"{row.error}")
