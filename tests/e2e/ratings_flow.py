"""The rating flow as people drive it in the sandbox, for the tests/e2e/test_ratings*.py
files: an order up to its rating request, the stars, the aspects, the comment; and what the
storage holds afterwards. Built on `World` only. (No tests here.)"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.order import Order
from bot.domain.reviews import Rating, RatingEdit
from tests.e2e.world import Entry, World

ASPECT_QUESTIONS = ("On time", "Quality of the work", "Communication")
AFTER_ASPECTS = "written comment"


async def step(world: World, chat: int, user: int, button: str, expect: str) -> Entry:
    """Tap a button and wait for what it makes the bot show."""
    seen = await world.mark(chat)
    await world.tap(chat, user, button)
    return await world.wait_text(chat, expect, after=seen)


async def answer(world: World, chat: int, user: int, prompt: Entry, text: str,
                 expect: str) -> Entry:
    """Reply to a ForceReply prompt and wait for what the bot says next."""
    seen = await world.mark(chat)
    await world.say(chat, user, text, reply_to=int(prompt["message_id"]))
    return await world.wait_text(chat, expect, after=seen)


async def requested(world: World, pro: int, client: int, client_name: str, title: str,
                    others: Sequence[int] = ()) -> int:
    """A group with an order whose work is done and whose rating request is posted."""
    group = await world.group(title, [pro, client, *others])
    await world.say(group, pro, f"/neworder {title}")
    await world.wait_text(group, title)
    await step(world, group, client, "I am the client", f"{client_name} is the client")
    await step(world, group, pro, "Update", "at what stage")
    await step(world, group, pro, "Done", "When should we ask")
    await step(world, group, pro, "Yes, now", "the client will see")
    await step(world, group, pro, "Use this text", "how would you rate the service")
    return group


async def details(world: World, group: int, client: int, client_name: str,
                  aspects: Sequence[int | None], comment: str | None, after: int) -> Entry:
    """The aspects (None: Skip) and the comment (None: Skip) after a star tap (`after`: the
    transcript's mark before it); the thank-you."""
    await world.wait_text(group, ASPECT_QUESTIONS[0], after=after)
    following = (*ASPECT_QUESTIONS[1:], AFTER_ASPECTS)
    for value, expect in zip(aspects, following, strict=True):
        await step(world, group, client, "Skip" if value is None else str(value), expect)
    thanks = f"Thank you, {client_name}"
    if comment is None:
        return await step(world, group, client, "Skip", thanks)
    prompt = await step(world, group, client, "Write a comment", "Write your comment")
    return await answer(world, group, client, prompt, comment, thanks)


async def rate(world: World, group: int, client: int, client_name: str, stars: int,
               aspects: Sequence[int | None] = (None, None, None),
               comment: str | None = None) -> Entry:
    """The client's first rating, from the request's stars to the thank-you."""
    seen = await world.mark(group)
    await step(world, group, client, f"{stars} ⭐", f"{client_name} rated:")
    return await details(world, group, client, client_name, aspects, comment, seen)


async def card_now(world: World, group: int) -> str:
    """The order card's text as the chat shows it now."""
    await world.flush()
    cards = [m for m in await world.bot_messages(group)
             if (m["text"] or "").startswith("📋 Order #")]
    assert len(cards) == 1, cards
    return str(cards[0]["text"])


async def order_in(world: World, group: int) -> Order:
    async with world.app.uow_factory() as uow:
        found = await uow.orders.by_chat(group)
    assert found is not None and found.id, f"no order in chat {group}"
    return found


async def stored(world: World, group: int) -> tuple[Rating | None, list[RatingEdit]]:
    """The order's rating as stored, and its history (oldest first)."""
    order = await order_in(world, group)
    async with world.app.uow_factory() as uow:
        rating = await uow.ratings.for_order(order.id)
        history = await uow.ratings.history(rating.id) if rating else []
    return rating, history


async def rating_count(world: World) -> int:
    async with world.app.uow_factory() as uow:
        return await uow.ratings.count()
