"""What the page is sent: the sandbox's transcript entries as chat messages, and the try-out's
status (clock, people, groups, faults). The page's own words are English; the bot's words are
the bot's, in each person's language."""

from __future__ import annotations

from typing import Any

from bot.tryit import faults
from bot.tryit.world import World

BOT_NAME = "orderbot"
SHOWN = ("message", "edit", "document", "service", "delete", "callback_answer")


def entry_view(world: World, entry: dict[str, Any]) -> dict[str, Any] | None:
    """A transcript entry as the page draws it; None for what a chat does not show (taps)."""
    if entry["kind"] not in SHOWN:
        return None
    view = {key: entry.get(key) for key in (
        "seq", "kind", "chat_id", "message_id", "time", "text", "force_reply", "document")}
    view["buttons"] = entry.get("buttons") or []
    view["reply_to"] = entry.get("reply_to_message_id")
    view["sender"] = _sender(world, entry.get("from") or {})
    if entry["kind"] == "callback_answer":
        view |= {"show_alert": bool(entry.get("show_alert")),
                 "query_id": entry.get("callback_query_id"), "user_id": entry.get("user_id")}
    if entry.get("service"):
        view["service"] = service_text(world, entry["service"])
    return view


def _sender(world: World, sender: dict[str, Any]) -> dict[str, Any]:
    if sender.get("is_bot"):
        return {"name": BOT_NAME, "role": "bot"}
    person = world.cast.by_id(int(sender.get("id") or 0))
    if person is None:
        return {"name": str(sender.get("name") or "?"), "role": "member"}
    return {"name": person.name, "role": person.role}


def service_text(world: World, service: dict[str, Any]) -> str:
    if "new_chat_members" in service:
        return f"{_names(world, service['new_chat_members'])} joined the group"
    if "left_chat_member" in service:
        return f"{_names(world, [service['left_chat_member']])} left the group"
    if "migrate_to_chat_id" in service:
        return "The group was upgraded to a supergroup"
    if "migrate_from_chat_id" in service:
        return "Upgraded from a group"
    if "new_chat_title" in service:
        return f"The group was renamed «{service['new_chat_title']}»"
    return ", ".join(sorted(service))


def _names(world: World, ids: list[int]) -> str:
    people = [world.cast.by_id(int(user_id)) for user_id in ids]
    return ", ".join(person.name if person else BOT_NAME for person in people)


def status_view(world: World) -> dict[str, Any]:
    """Everything around the messages: it is sent again whenever it changes."""
    settings = world.app.settings
    return {
        "generation": world.generation,
        "language": world.options.language,
        "framework": world.options.framework,
        "timezone": settings.timezone,
        "clock": world.clock.now().isoformat(),
        "clock_jumps": world.clock.jumps,
        "people": [{"role": p.role, "id": p.id, "name": p.name, "username": p.username,
                    "language": p.language, "blocked": p.id in world.blocked}
                   for p in world.cast.people],
        "groups": [vars(group).copy() for group in world.groups.values()],
        "storm_left": faults.storm_left(world),
        "answered_429": world.sandbox.state.too_many_sent,
    }


def status_changed(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """The clock runs all the time: only its jumps count as a change."""
    return old is None or {**old, "clock": ""} != {**new, "clock": ""}
