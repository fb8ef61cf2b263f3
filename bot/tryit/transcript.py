"""The try-out's transcript as JSON lines, written by the demo's printer (`orderbot demo
--json` writes the same objects): one line per message, edit or callback answer."""

from __future__ import annotations

from datetime import datetime

from bot.demo.transcript import Printer
from bot.tryit.world import World


def transcript_lines(world: World) -> list[str]:
    cast, settings = world.cast, world.app.settings
    roles = {p.id: "member" if p.role == "stranger" else p.role for p in cast.people}
    names = {p.id: p.name for p in cast.people}
    t = world.app.translations.get(world.options.language)
    lines: list[str] = []
    printer = Printer(roles, names, True, t, settings.timezone, lines.append)
    for entry in world.entries_after(0):
        printer.entry(entry, datetime.fromisoformat(entry["time"]), chat_label(world, entry))
    return lines


def chat_label(world: World, entry: dict[str, object]) -> str:
    """A group by its title, a private chat by the person's name."""
    chat_id = int(str(entry["chat_id"]))
    group = world.groups.get(chat_id)
    if group is not None:
        return group.title
    person = world.cast.by_id(chat_id)
    return person.name if person else str(chat_id)
