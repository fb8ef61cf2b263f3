"""/profile over several orders of one professional, through each framework, against the
sandbox: the average with one decimal, the count, the distribution and
the aspect averages are those of the stored ratings, a hidden review left out of all of
them; in the order's chat and in private by user id alike."""

from __future__ import annotations

import pytest

from bot.domain.reviews import ASPECTS, Rating
from bot.services.moderation import hide_review
from tests.e2e.ratings_flow import order_in, rate, requested
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
ASPECT_NAMES = {"on_time": "On time", "quality": "Quality of the work",
                "communication": "Communication"}
# client, order title, stars, aspects (None: skipped), comment
REVIEWS = (
    ("Luis", "Kitchen tap", 5, (5, 4, None), "Spotless"),
    ("Marta", "Garden fence", 4, (4, None, 5), None),
    ("Omar", "Bathroom tiles", 2, (None, 2, 3), "Late and messy"),
    ("Sara", "Front door", 1, (1, 1, 1), "You are all crooks"),  # hidden by a moderator
)


async def _rate_all(world: World, ana: int) -> list[int]:
    groups = []
    for name, title, stars, aspects, comment in REVIEWS:
        client = await world.user(name, "en", username=name.lower())
        group = await requested(world, ana, client, name, title)
        await rate(world, group, client, name, stars, aspects, comment)
        groups.append(group)
    return groups


async def _hide(world: World, group: int, moderator: int) -> None:
    order = await order_in(world, group)
    async with world.app.uow_factory() as uow:
        rating = await uow.ratings.for_order(order.id)
        assert rating is not None
        await hide_review(uow, rating, moderator, "insults", world.clock.now())
        await uow.commit()


def _expected(ratings: list[Rating]) -> list[str]:
    """The profile's numbers, computed here from the stored ratings."""
    shown = [r for r in ratings if not r.hidden]
    average = sum(r.stars for r in shown) / len(shown)
    lines = [f"Average: {average:.1f} out of 5 ({len(shown)} reviews)"]
    top = max(sum(1 for r in shown if r.stars == n) for n in range(1, 6))
    for n in range(5, 0, -1):
        count = sum(1 for r in shown if r.stars == n)
        bar = "▓" * max(round(10 * count / top), 1) if count else ""
        lines.append(" ".join(part for part in (str(n), "★", bar, str(count)) if part))
    for aspect in ASPECTS:
        values = [v for v in (getattr(r, aspect) for r in shown) if v is not None]
        value = f"{sum(values) / len(values):.1f}" if values else "not rated"
        lines.append(f"{ASPECT_NAMES[aspect]}: {value}")
    return lines


async def test_profile_numbers_are_those_of_the_stored_ratings(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    mona = await world.user("Mona", "en")
    groups = await _rate_all(world, ana)
    await _hide(world, groups[-1], mona)
    async with world.app.uow_factory() as uow:
        ratings = await uow.ratings.for_pro(ana, include_hidden=True)
    assert len(ratings) == 4 and [r.hidden for r in ratings].count(True) == 1
    expected = _expected(ratings)
    # the same numbers, worked out by hand: stars 5, 4, 2 shown; 1 hidden
    assert expected == [
        "Average: 3.7 out of 5 (3 reviews)",
        "5 ★ ▓▓▓▓▓▓▓▓▓▓ 1", "4 ★ ▓▓▓▓▓▓▓▓▓▓ 1", "3 ★ 0", "2 ★ ▓▓▓▓▓▓▓▓▓▓ 1", "1 ★ 0",
        "On time: 4.5", "Quality of the work: 3.0", "Communication: 4.0"]
    luis = next(r.client_id for r in ratings if r.comment == "Spotless")
    seen = await world.mark(groups[0])
    await world.say(groups[0], luis, "/profile")
    in_chat = (await world.wait_text(groups[0], "Profile of Ana", after=seen))["text"]
    await world.say(luis, luis, f"/profile {ana}")
    in_private = (await world.wait_text(luis, "Profile of Ana"))["text"]
    for text in (in_chat, in_private):
        lines = text.splitlines()
        assert all(line in lines for line in expected), (expected, text)
        assert "Comment: Spotless" in text and "Comment: Late and messy" in text
        assert "crooks" not in text and "Front door" not in text
        assert "«Kitchen tap»" in text and "«Garden fence»" in text
