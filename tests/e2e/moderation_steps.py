"""Steps shared by the moderator scenarios (tests/e2e/test_moderation_*.py): a moderator, an
order thread taken to a stage, a command and the answer it gets, the export read back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.sandbox.state import FIRST_USER_ID
from tests.e2e.world import Entry, World

WAIT = 15.0  # several messages into one private chat: the 1/s limit is waited out (fake clock)
CONFIGURED = FIRST_USER_ID  # the first person a test creates: a moderator in the settings
REFUSED = "Only moderators can use this command."


@dataclass
class Thread:
    group: int
    pro: int
    client: int


async def moderator(world: World, name: str = "Mona", language: str = "en",
                    configured: bool = False) -> int:
    """A moderator who started the bot (so private answers reach them)."""
    user = await world.user(name, language, name.lower())
    if configured:
        assert user == CONFIGURED, "create the configured moderator first"
    else:
        await world.add_moderator(user)
    seen = await world.mark(user)
    await world.say(user, user, "/start")
    await world.wait_text(user, "", after=seen)
    return user


async def step(world: World, chat: int, user: int, button: str, expect: str,
               message_id: int | None = None) -> Entry:
    """Tap a button and wait for what it makes the bot show."""
    seen = await world.mark(chat)
    await world.tap(chat, user, button, message_id)
    return await world.wait_text(chat, expect, after=seen, timeout=WAIT)


async def ask(world: World, chat: int, user: int, text: str, expect: str) -> Entry:
    """Send a command and wait for the answer that contains `expect`."""
    seen = await world.mark(chat)
    await world.say(chat, user, text)
    return await world.wait_text(chat, expect, after=seen, timeout=WAIT)


async def open_order(world: World, title: str = "Kitchen tap", language: str = "en",
                     members: tuple[int, ...] = (), claim: str = "I am the client",
                     claimed: str = "Luis") -> Thread:
    """/neworder by Ana, Luis taps "I am the client" (labels in the order's language)."""
    ana = await world.user("Ana", language, "ana")
    luis = await world.user("Luis", language, "luis")
    group = await world.group(title, [ana, luis, *members])
    await ask(world, group, ana, f"/neworder {title}", title)
    await step(world, group, luis, claim, claimed)
    return Thread(group, ana, luis)


async def requested_now(world: World, th: Thread) -> Entry:
    """Update -> Done -> Yes, now -> Use this text: the stars are in the chat."""
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "Done", "When should we ask")
    await step(world, th.group, th.pro, "Yes, now", "the client will see")
    return await step(world, th.group, th.pro, "Use this text", "how would you rate the service")


async def rate(world: World, th: Thread, stars: int, comment: str) -> None:
    """The client's stars, the aspects skipped, a written comment."""
    await step(world, th.group, th.client, f"{stars} ⭐", "On time")
    for aspect in ("Quality of the work", "Communication", "written comment"):
        await step(world, th.group, th.client, "Skip", aspect)
    prompt = await step(world, th.group, th.client, "Write a comment", "Write your comment")
    seen = await world.mark(th.group)
    await world.say(th.group, th.client, comment, reply_to=int(prompt["message_id"]))
    await world.wait_text(th.group, "Thank you, Luis", after=seen, timeout=WAIT)


async def exported(world: World, moderator_id: int) -> dict[str, list[dict[str, str]]]:
    """/export in private; the three CSV files read back as rows, by their name's prefix."""
    seen = await world.mark(moderator_id)
    await world.say(moderator_id, moderator_id, "/export")
    await world.wait_text(moderator_id, "Audit trail", after=seen, timeout=WAIT)
    docs = [d for d in await world.control.documents(moderator_id)][-3:]
    return {d["file_name"].split("-")[0]: list(csv.DictReader(
        io.StringIO(d["content"].decode("utf-8-sig")))) for d in docs}


def header(content: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
