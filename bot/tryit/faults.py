"""The faults menu: what Telegram or the people can do to the bot, through the sandbox."""

from __future__ import annotations

from bot.tryit.world import Group, World

STORM_ANSWERS = 2  # the next sends to the chat are answered 429 this many times
STORM_RETRY_AFTER = 2  # seconds, on the virtual clock (the bot's delivery timer runs on it)
FAULTS = ("storm", "upgrade", "bot", "block")


async def storm(world: World, chat_id: int) -> None:
    """A 429 storm on one chat: the bot must wait out each retry_after and still deliver."""
    await world.control.inject_fault("429", count=STORM_ANSWERS, chat_id=chat_id,
                                     retry_after=STORM_RETRY_AFTER)
    world.changed()


async def upgrade(world: World, chat_id: int) -> Group:
    """The group becomes a supergroup with a new id; the page follows it there."""
    old = world.groups[chat_id]
    new_id = await world.control.upgrade_to_supergroup(chat_id)
    old.migrated_to = new_id
    world.groups[new_id] = new = Group(new_id, old.title, "supergroup", migrated_from=chat_id,
                                       bot_present=old.bot_present)
    world.changed()
    return new


async def toggle_bot(world: World, chat_id: int) -> bool:
    """The professional removes the bot from the group, or adds it back; True if it is in."""
    group = world.groups[chat_id]
    by = world.cast.get("pro").id
    if group.bot_present:
        await world.control.remove_bot(chat_id, by=by)
    else:
        await world.control.add_bot(chat_id, by=by)
    group.bot_present = not group.bot_present
    world.changed()
    return group.bot_present


async def toggle_block(world: World, user_id: int) -> bool:
    """A person blocks the bot in private, or unblocks it; True if it is blocked now."""
    if user_id in world.blocked:
        await world.control.unblock_bot(user_id)
        world.blocked.discard(user_id)
    else:
        await world.control.block_bot(user_id)
        world.blocked.add(user_id)
    world.changed()
    return user_id in world.blocked


def storm_left(world: World) -> int:
    """How many 429 answers the armed storms still hold."""
    return sum(fault.count for fault in world.sandbox.state.faults.armed if fault.kind == "429")
