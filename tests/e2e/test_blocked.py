"""A person who blocks the bot, through each framework, against the sandbox: deliveries to their
private chat stop with a recorded reason, the other moderators are told once (in their own language,
naming the person), and unblocking the bot resumes deliveries. Both ways the bot learns of it are
covered: the `my_chat_member` update (kicked -> member) and a 403 on a send."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.models import ChatRow, OutboxRow
from tests.e2e.test_order_thread import moderator, open_order
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e

BLOCKED = "{name} (user id {id}) blocked me: nothing more is sent to them in private until " \
          "they unblock me."
BLOCKED_ES = "{name} (ID de usuario {id}) me ha bloqueado: no le enviaré nada más por privado " \
             "hasta que me desbloquee."


async def chat_row(world: World, chat: int) -> tuple[bool, str | None]:
    table = ChatRow.__table__
    async with world.app.uow_factory() as uow:
        row = (await uow.conn.execute(select(table.c.active, table.c.inactive_reason)
                                      .where(table.c.id == chat))).one()
    return bool(row[0]), row[1]


async def given_up(world: World, chat: int) -> list[str]:
    table = OutboxRow.__table__
    async with world.app.uow_factory() as uow:
        rows = await uow.conn.execute(select(table.c.outcome_reason).where(
            table.c.chat_id == chat, table.c.state == "failed").order_by(table.c.id))
        return [str(r) for r in rows.scalars()]


async def told(world: World, chat: int, after: int) -> list[Entry]:
    await world.flush()
    return await world.entries(chat, after=after, kinds=("message",))


async def help_reaches(world: World, person: int) -> None:
    seen = await world.mark(person)
    await world.say(person, person, "/help")
    await world.wait_text(person, "order thread", after=seen)


async def test_blocking_stops_deliveries_and_unblocking_resumes_them(world: World) -> None:
    mona = await moderator(world, "Mona")
    marta = await world.user("Marta", "es", "marta")
    await world.add_moderator(marta)
    await world.say(marta, marta, "/start")
    await world.wait_text(marta, "")  # the help, in Spanish
    max_ = await moderator(world, "Max")
    mona_seen, marta_seen = await world.mark(mona), await world.mark(marta)
    await world.control.block_bot(max_)
    await world.wait_text(mona, BLOCKED.format(name="Max", id=max_), after=mona_seen)
    await world.wait_text(marta, BLOCKED_ES.format(name="Max", id=max_), after=marta_seen)
    assert await chat_row(world, max_) == (False, "blocked by the user")
    # a notice for every moderator: Max's is given up with the reason, the others get theirs
    max_seen = await world.mark(max_)
    th = await open_order(world)
    await world.wait_text(mona, "Privacy mode is on in the chat of order #1", after=mona_seen)
    await world.flush()
    assert await told(world, max_, max_seen) == []
    assert await given_up(world, max_) == ["chat inactive: blocked by the user"]
    await world.control.block_bot(max_)  # already blocked: no second update, no second notice
    assert len([e for e in await told(world, mona, mona_seen) if "blocked me" in e["text"]]) == 1
    # unblocked: deliveries resume, and nobody is told anything more about it
    mona_seen = await world.mark(mona)
    await world.control.unblock_bot(max_)
    await help_reaches(world, max_)
    assert await chat_row(world, max_) == (True, None)
    await world.say(th.group, th.pro, "/neworder Bathroom")  # refused: the order is there
    await world.wait_text(th.group, "This chat already has order #1")
    assert await told(world, mona, mona_seen) == []


async def test_a_403_on_a_send_counts_as_a_block_and_is_told_once(world: World) -> None:
    mona = await moderator(world, "Mona")
    max_ = await moderator(world, "Max")
    mona_seen = await world.mark(mona)
    # the bot learns of the block from a 403 before (or without) its update
    await world.control.inject_fault("403", method="sendMessage", chat_id=max_)
    await world.say(max_, max_, "/help")
    await world.wait_text(mona, BLOCKED.format(name="Max", id=max_), after=mona_seen)
    active, reason = await chat_row(world, max_)
    assert not active and reason == "forbidden: Forbidden: bot was blocked by the user"
    assert await given_up(world, max_) == [reason]
    # then the update arrives: the block is already known, the moderators are not told again
    await world.control.block_bot(max_)
    await world.control.unblock_bot(max_)
    await help_reaches(world, max_)
    notices = [e for e in await told(world, mona, mona_seen) if "blocked me" in e["text"]]
    assert len(notices) == 1
