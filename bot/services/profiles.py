"""A professional's public profile: the numbers behind /profile.

Only visible ratings count: a review hidden by a moderator is left out everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.order import Order
from bot.domain.profiles import whose_profile
from bot.domain.reviews import ASPECTS, Rating
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class ReviewLine:
    rating: Rating
    order: Order | None


@dataclass(frozen=True)
class ProfileSummary:
    pro_id: int
    count: int
    average: float | None
    distribution: dict[int, int]  # stars (5..1) -> number of reviews
    aspects: dict[str, float | None]  # aspect -> average over the reviews that rated it
    latest: list[ReviewLine] = field(default_factory=list)


@dataclass(frozen=True)
class ProfileAsked:
    """What /profile shows: whose profile (None: no one), with their numbers."""

    order: Order | None  # the order of the chat it was asked in, if any
    pro_id: int | None
    name: str | None = None
    summary: ProfileSummary | None = None


def summarize(pro_id: int, ratings: list[Rating]) -> ProfileSummary:
    """The numbers of a set of ratings, hidden ones dropped."""
    visible = [r for r in ratings if not r.hidden and r.pro_id == pro_id]
    distribution = {n: sum(1 for r in visible if r.stars == n) for n in range(5, 0, -1)}
    average = sum(r.stars for r in visible) / len(visible) if visible else None
    aspects: dict[str, float | None] = {}
    for aspect in ASPECTS:
        values = [v for v in (getattr(r, aspect) for r in visible) if v is not None]
        aspects[aspect] = sum(values) / len(values) if values else None
    return ProfileSummary(pro_id, len(visible), average, distribution, aspects)


async def profile(uow: UnitOfWork, pro_id: int, latest: int = 5) -> ProfileSummary:
    """The profile of a professional with its latest reviews (newest change first)."""
    ratings = await uow.ratings.for_pro(pro_id)
    summary = summarize(pro_id, ratings)
    newest = sorted((r for r in ratings if not r.hidden),
                    key=lambda r: (r.updated_at, r.id), reverse=True)[:latest]
    lines = [ReviewLine(r, await uow.orders.get(r.order_id)) for r in newest]
    return ProfileSummary(summary.pro_id, summary.count, summary.average,
                          summary.distribution, summary.aspects, lines)


async def pro_name(uow: UnitOfWork, pro_id: int) -> str | None:
    person = await uow.people.get(pro_id)
    return person.name if person else None


async def profile_asked(uow: UnitOfWork, chat_id: int, thread_id: int | None, private: bool,
                        user_id: int, arg: str, latest: int) -> ProfileAsked:
    """/profile in an order's chat (its pro), in private (yourself), or with a user id."""
    order = None if private else await uow.orders.by_chat(chat_id, thread_id)
    pro_id = whose_profile(arg, order, user_id, private)
    if pro_id is None:
        return ProfileAsked(order, None)
    summary = await profile(uow, pro_id, latest)
    name = await pro_name(uow, pro_id)
    if name is None and order is not None and order.pro_id == pro_id:
        name = order.pro_name
    return ProfileAsked(order, pro_id, name, summary)
