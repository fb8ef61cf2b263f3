"""Due work: the use cases the scheduler runs when the tables say something is due.

One function per kind of due work, each in its own unit of work. Each loads its row, does the
work only if the row still says it is due (state, frozen, time), changes it with the domain's
methods and saves it; `save()` is version-checked, so a run that fires twice (two sweeps, two
processes) finds `ConcurrentChange` or a row that is no longer due and does nothing. The
messages are queued in the outbox in the same transaction, and the sender is woken after the commit.

Each function returns True when it changed something (a message was queued, a request was
frozen or closed, the card's check-in window recorded), False when there was nothing (any
more) to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.core.errors import ConcurrentChange
from bot.core.events import Effect
from bot.domain import checkin
from bot.domain.order import Order, Status
from bot.domain.policy import Policy
from bot.domain.quiet_hours import QuietHours
from bot.domain.reviews import Rating, RequestState, ReviewRequest
from bot.i18n import Translations, Translator, resolve_locale
from bot.services.ports import UnitOfWork
from bot.services.published import publish

log = logging.getLogger("orderbot.due")


class Renderer(Protocol):
    """What the due work posts; `handlers.render` implements it."""

    def rating_request(self, order: Order, request: ReviewRequest, t: Translator,
                       quiet: QuietHours | None = None) -> list[Effect]:
        ...

    def reminder(self, order: Order, request: ReviewRequest, t: Translator,
                 quiet: QuietHours | None = None) -> list[Effect]:
        ...

    def rating_closed(self, order: Order, request: ReviewRequest, t: Translator) -> list[Effect]:
        ...

    def refund_eligible(self, order: Order, t_chat: Translator, moderator_ids: list[int],
                        t_for: Callable[[int], Translator]) -> list[Effect]:
        ...

    def card(self, order: Order, t: Translator, request: ReviewRequest | None = None,
             rating: Rating | None = None, quiet: QuietHours | None = None) -> Effect:
        ...


@dataclass(frozen=True)
class DueContext:
    """Everything a due-work function needs; built once by the scheduler."""

    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    policy: Policy
    translations: Translations
    renderer: Renderer
    moderator_ids: tuple[int, ...] = ()
    wake_sender: Callable[[], None] | None = None
    wake_hooks: Callable[[], None] | None = None  # set when a marketplace hook is configured


async def post_note(ctx: DueContext, request_id: int) -> bool:
    """Post a scheduled note with its stars, unless frozen, closed, no longer scheduled or the
    order is rated already (one request per order: the request then ends)."""
    async with ctx.uow_factory() as uow:
        now = ctx.clock.now()
        loaded = await _load_request(uow, request_id)
        if loaded is None:
            return False
        request, order = loaded
        if not request.note_due(now):
            return False
        if request.end_if_rated(await uow.ratings.for_order(order.id)):
            return await _save(uow, ctx, request, [])
        if order.reviews_frozen:
            request.freeze(now)
            return await _save(uow, ctx, request, [])
        if order.done_at is None or order.status != Status.DONE:
            return False  # not (or no longer) done: the status change decides; nothing to post
        closes = ctx.policy.rating_closes_at(order.done_at)
        if now >= closes:
            return await _close(uow, ctx, request, order)
        t = ctx.translations.get(order.language, order.region)
        quiet = ctx.policy.quiet_hours
        if quiet is not None and quiet.quiet_at(now, order.timezone):
            request.hold(quiet.release(now, order.timezone))
            return await _save(uow, ctx, request, [ctx.renderer.card(order, t, request, None,
                                                                     quiet)])
        request.mark_posted(now, ctx.policy, closes)
        return await _save(uow, ctx, request,
                           ctx.renderer.rating_request(order, request, t, quiet))


async def send_reminder(ctx: DueContext, request_id: int) -> bool:
    """One reminder for a posted, unrated request; frozen instead while disputed/cancelled;
    none for an order rated already (through another request: this one then ends)."""
    async with ctx.uow_factory() as uow:
        now = ctx.clock.now()
        loaded = await _load_request(uow, request_id)
        if loaded is None:
            return False
        request, order = loaded
        if not request.reminder_due(now):
            return False
        if request.end_if_rated(await uow.ratings.for_order(order.id)):
            return await _save(uow, ctx, request, [])
        if order.reviews_frozen:
            request.freeze(now)
            return await _save(uow, ctx, request, [])
        if order.done_at is None:
            return False
        closes = ctx.policy.rating_closes_at(order.done_at)
        if now >= closes:
            return await _close(uow, ctx, request, order)
        t = ctx.translations.get(order.language, order.region)
        quiet = ctx.policy.quiet_hours
        if quiet is not None and quiet.quiet_at(now, order.timezone):
            # Held to the quiet hours' end; not at all when the window closes first.
            request.hold(quiet.release_before(now, order.timezone, closes))
            return await _save(uow, ctx, request, [ctx.renderer.card(order, t, request, None,
                                                                     quiet)])
        request.remind(ctx.policy, closes, now)  # first: the card shows the new count
        effects = ctx.renderer.reminder(order, request, t, quiet)
        return await _save(uow, ctx, request, effects)


async def close_rating(ctx: DueContext, request_id: int) -> bool:
    """The rating window closed: the request is closed and its stars say so."""
    async with ctx.uow_factory() as uow:
        now = ctx.clock.now()
        loaded = await _load_request(uow, request_id)
        if loaded is None:
            return False
        request, order = loaded
        if request.state not in (RequestState.SCHEDULED, RequestState.POSTED):
            return False
        if order.done_at is None or now < ctx.policy.rating_closes_at(order.done_at):
            return False
        return await _close(uow, ctx, request, order)


async def mark_refund_eligible(ctx: DueContext, order_id: int) -> bool:
    """The refund wait is over: the order becomes eligible and the moderators are told, once."""
    async with ctx.uow_factory() as uow:
        now = ctx.clock.now()
        order = await uow.orders.get(order_id)
        if order is None or not _refund_due(order, ctx.policy, now):
            return False
        order.become_refund_eligible(now)
        moderators = sorted(set(ctx.moderator_ids) | await uow.moderators.ids())
        order_locale = f"{order.language}_{order.region}" if order.region else order.language
        languages = await _languages(uow, moderators, order_locale, ctx.translations.default)
        effects = ctx.renderer.refund_eligible(
            order, ctx.translations.get(order.language, order.region), moderators,
            lambda user_id: ctx.translations.get(languages.get(user_id)))
        try:
            await uow.orders.save(order)
        except ConcurrentChange:
            return False
        return await _queue_and_commit(uow, ctx, effects)


async def refresh_checkin(ctx: DueContext, order_id: int) -> bool:
    """The check-in window opened, closed or ended early: record it, and refresh the card
    when it starts or stops offering the button (bot.domain.checkin)."""
    async with ctx.uow_factory() as uow:
        order = await uow.orders.with_review(order_id)
        if order is None:
            return False
        rating = await uow.ratings.for_order(order_id)
        state = checkin.window_state(order, rating is not None, ctx.clock.now(), ctx.policy)
        if state == (order.checkin_window_for, order.checkin_offered):
            return False  # done already (or not due after all)
        flipped = state[1] != order.checkin_offered
        order.checkin_window_for, order.checkin_offered = state
        effects: list[Effect] = []
        if flipped and order.status in checkin.WORKING:
            request = await uow.requests.latest_for(order_id)
            t = ctx.translations.get(order.language, order.region)
            effects.append(ctx.renderer.card(order, t, request, rating, ctx.policy.quiet_hours))
        try:
            await uow.orders.save(order)
        except ConcurrentChange:
            return False
        return await _queue_and_commit(uow, ctx, effects)


def _refund_due(order: Order, policy: Policy, now: datetime) -> bool:
    started = order.refund_wait_started_at
    return (order.status == Status.NOT_GOING_AHEAD and order.refund_eligible_at is None
            and started is not None and policy.refund_due_at(started) <= now)


async def _close(uow: UnitOfWork, ctx: DueContext, request: ReviewRequest, order: Order) -> bool:
    effects: list[Effect] = []
    if request.close():
        effects = ctx.renderer.rating_closed(order, request,
                                             ctx.translations.get(order.language, order.region))
    return await _save(uow, ctx, request, effects)


async def _load_request(uow: UnitOfWork, request_id: int
                        ) -> tuple[ReviewRequest, Order] | None:
    request = await uow.requests.get(request_id)
    if request is None:
        return None
    order = await uow.orders.get(request.order_id)
    return None if order is None else (request, order)


async def _save(uow: UnitOfWork, ctx: DueContext, request: ReviewRequest,
                effects: Iterable[Effect]) -> bool:
    try:
        await uow.requests.save(request)
    except ConcurrentChange:
        log.info("request %s changed meanwhile: done elsewhere", request.id)
        return False
    return await _queue_and_commit(uow, ctx, effects)


async def _queue_and_commit(uow: UnitOfWork, ctx: DueContext, effects: Iterable[Effect]) -> bool:
    now = ctx.clock.now()
    queued = 0
    for effect in effects:
        await uow.outbox.add(effect, now)
        queued += 1
    if queued and ctx.wake_sender is not None:
        uow.after_commit(ctx.wake_sender)
    published = await publish(uow, hooked=ctx.wake_hooks is not None)
    if published.hook_events and ctx.wake_hooks is not None:
        uow.after_commit(ctx.wake_hooks)
    await uow.commit()
    return True


async def _languages(uow: UnitOfWork, user_ids: list[int], order_language: str,
                     default: str) -> dict[int, str]:
    """Each person's locale ("pt_BR"): their language, in their Telegram code's territory
    or the order's."""
    languages: dict[int, str] = {}
    for user_id in user_ids:
        person = await uow.people.get(user_id)
        chosen = person.chosen_language if person else None
        telegram = person.telegram_language if person else None
        languages[user_id] = resolve_locale(chosen, telegram, order_language, default)
    return languages
