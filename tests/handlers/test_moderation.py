"""Moderator commands through the real pipeline: the guard, the arguments, the actions and
the audit entries they leave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.events import EditKeyboard, EditMessage, Ref
from bot.domain.order import Status
from bot.domain.reviews import RequestState
from bot.services import due
from tests.bench import Bench, make_bench
from tests.handlers.moderation_helpers import (
    GROUP,
    MOD,
    bound_order,
    due_context,
    mod,
    not_going_ahead_no_answer,
    one_text,
    posted_request,
    rated_order,
)

COMMANDS = ["/orders", "/order 1", "/remind 1", "/hide_review 1 spam", "/restore_review 1",
            "/cancel 1 fraud", "/refund 1", "/disputes", "/stats", "/export", "/mod_add 5",
            "/mod_remove 5"]


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", moderator_ids=(MOD,))
    yield bench
    await bench.uow_factory.engine.dispose()


async def _audit(bench: Bench, action: str) -> list:  # type: ignore[type-arg]
    async with bench.uow_factory() as uow:
        return [e for e in await uow.audit.find() if e.action == action]


@pytest.mark.parametrize("text", COMMANDS)
async def test_refused_to_non_moderators(bench: Bench, text: str) -> None:
    await bound_order(bench)
    people = ((GROUP, bench.person(1, "Ana", "en"), "Only moderators can use this command."),
              (7, bench.person(7, "Eve", "es"), "Solo los moderadores pueden usar este comando."),
              (8, bench.person(8, "Rui", "pt"), "Só moderadores podem usar este comando."),
              (6, bench.person(6, "Omar", "ar"), "هذا الأمر للمشرفين فقط."))
    for chat, user, expected in people:
        effects = await bench.send(bench.command(chat, user, text))
        assert one_text(effects) == expected
        assert len(effects) == 1
    assert await _audit(bench, "order_cancelled") == []


@pytest.mark.parametrize(("text", "problem", "usage"), [
    ("/order", "Which order?", "Usage: /order <order id>"),
    ("/order 999", "There is no order #999.", "Usage: /order"),
    ("/order abc", "«abc» is not an order number.", "Usage: /order"),
    ("/orders shipped", "Unknown status «shipped».", "Usage: /orders [status]"),
    ("/cancel 1", "Please give a reason.", "Usage: /cancel <order id> <reason>"),
    ("/hide_review 1", "Please give a reason.", "Usage: /hide_review <order id> <reason>"),
    ("/remind", "Which order?", "Usage: /remind <order id>"),
    ("/refund 42", "There is no order #42.", "Usage: /refund <order id>"),
    ("/mod_add", "Which user?", "Usage: /mod_add <user id>"),
    ("/mod_remove bob", "«bob» is not a numeric Telegram user id.", "Usage: /mod_remove"),
])
async def test_bad_arguments_get_the_usage(bench: Bench, text: str, problem: str,
                                           usage: str) -> None:
    await bound_order(bench)
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), text)))
    assert problem in answer and usage in answer
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(1)
        assert order is not None and order.status == Status.NOT_HIRED


async def test_cancel_in_the_order_chat_needs_no_id(bench: Bench) -> None:
    order_id, _pro, _client, request_id = await posted_request(bench)
    effects = await bench.send(bench.command(GROUP, mod(bench), "/cancel client asked twice"))
    chat = one_text(effects, GROUP)
    assert "A moderator cancelled order #1 «Kitchen tap». Reason: client asked twice" in chat
    paused = [e for e in effects if isinstance(e, EditKeyboard)
              and e.ref == Ref("request", request_id)]
    assert paused and "cancelled" in paused[0].keyboard[0][0].text  # type: ignore[index]
    card = [e for e in effects if isinstance(e, EditMessage) and e.ref == Ref("card", order_id)]
    assert card and "Cancelled" in card[0].text
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(order_id)
        request = await uow.requests.get(request_id)
        history = await uow.orders.history(order_id)
    assert order is not None and order.status == Status.CANCELLED
    assert request is not None and request.state == RequestState.CANCELLED
    assert history[-1].to_status == Status.CANCELLED
    assert history[-1].reason == "client asked twice" and history[-1].by_user_id == MOD
    [entry] = await _audit(bench, "order_cancelled")
    assert (entry.actor_id, entry.order_id, entry.detail) == (MOD, order_id, "client asked twice")
    again = one_text(await bench.send(bench.command(MOD, mod(bench), f"/cancel {order_id} x")))
    assert "already cancelled" in again


async def test_remind_within_the_anti_nagging_rules(bench: Bench) -> None:
    order_id, *_ = await posted_request(bench)
    moderator = mod(bench)
    soon = one_text(await bench.send(bench.command(MOD, moderator, f"/remind {order_id}")))
    assert "less than 24 hours ago" in soon
    bench.advance(timedelta(hours=25))
    effects = await bench.send(bench.command(MOD, moderator, f"/remind {order_id}"))
    assert "a friendly reminder" in one_text(effects, GROUP)
    assert "reminder sent (1 so far)" in one_text(effects, MOD)
    [entry] = await _audit(bench, "reminder_sent")
    assert (entry.actor_id, entry.order_id) == (MOD, order_id)
    async with bench.uow_factory() as uow:
        request = await uow.requests.latest_for(order_id)
    assert request is not None and request.reminders_sent == 1
    assert request.next_reminder_at is not None
    assert request.next_reminder_at >= bench.clock.now() + timedelta(hours=24)
    bench.advance(timedelta(hours=23))
    nag = one_text(await bench.send(bench.command(MOD, moderator, f"/remind {order_id}")))
    assert "less than 24 hours ago" in nag
    assert len(await _audit(bench, "reminder_sent")) == 1


async def test_remind_counts_the_automatic_reminders(bench: Bench) -> None:
    order_id, *_ = await posted_request(bench)
    bench.advance(timedelta(hours=30))
    async with bench.uow_factory() as uow:
        request = await uow.requests.latest_for(order_id)
    assert request is not None
    assert await due.send_reminder(due_context(bench), request.id)
    bench.advance(timedelta(hours=2))
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/remind {order_id}")))
    assert "less than 24 hours ago" in answer
    bench.advance(timedelta(hours=23))
    effects = await bench.send(bench.command(MOD, mod(bench), f"/remind {order_id}"))
    assert "reminder sent (2 so far)" in one_text(effects, MOD)


async def test_remind_refused_when_rated_frozen_or_not_posted(bench: Bench) -> None:
    order_id, *_ = await bound_order(bench, chat=-7, title="Roof")
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/remind {order_id}")))
    assert "no review request has been posted yet" in answer
    rated_id, *_ = await rated_order(bench)
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/remind {rated_id}")))
    assert "already rated" in answer
    await bench.send(bench.command(MOD, mod(bench), f"/cancel {rated_id} abuse"))
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/remind {rated_id}")))
    assert "reviews are stopped" in answer


async def test_remind_refused_after_the_window(bench: Bench) -> None:
    order_id, *_ = await posted_request(bench)
    bench.advance(timedelta(days=91))
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/remind {order_id}")))
    assert "rating window has closed" in answer


async def test_hide_and_restore_review(bench: Bench) -> None:
    order_id, *_ = await rated_order(bench, stars=1)
    effects = await bench.send(bench.command(MOD, mod(bench), f"/hide_review {order_id} insults"))
    card = [e for e in effects if isinstance(e, EditMessage) and e.ref == Ref("card", order_id)]
    assert card and "Rating:" not in card[0].text
    assert "hid the review" in one_text(effects, GROUP)
    assert "is hidden" in one_text(effects, MOD)
    [entry] = await _audit(bench, "review_hidden")
    assert entry.detail == "insults"
    async with bench.uow_factory() as uow:
        assert await uow.ratings.for_pro(1) == []
    again = one_text(await bench.send(bench.command(MOD, mod(bench), f"/hide_review {order_id} x")))
    assert "already hidden" in again
    effects = await bench.send(bench.command(MOD, mod(bench), f"/restore_review {order_id}"))
    card = [e for e in effects if isinstance(e, EditMessage) and e.ref == Ref("card", order_id)]
    assert card and "Rating: ★☆☆☆☆" in card[0].text
    assert len(await _audit(bench, "review_restored")) == 1
    again = one_text(await bench.send(
        bench.command(MOD, mod(bench), f"/restore_review {order_id}")))
    assert "is not hidden" in again


async def test_hide_review_of_an_unrated_order(bench: Bench) -> None:
    order_id, *_ = await bound_order(bench)
    answer = one_text(await bench.send(
        bench.command(MOD, mod(bench), f"/hide_review {order_id} x")))
    assert "has no review" in answer


async def test_refund_only_for_an_eligible_order(bench: Bench) -> None:
    order_id, pro, _client = await bound_order(bench)
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/refund {order_id}")))
    assert "is not eligible" in answer
    await not_going_ahead_no_answer(bench, order_id, pro)
    assert await due.mark_refund_eligible(due_context(bench), order_id)
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/refund {order_id}")))
    assert "refund decision is recorded" in answer
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None and order.refund_decided_at == bench.clock.now()
    assert len(await _audit(bench, "refund_decided")) == 1
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/refund {order_id}")))
    assert "already recorded" in answer


async def test_refund_while_the_wait_runs(bench: Bench) -> None:
    order_id, pro, _client = await bound_order(bench)
    await not_going_ahead_no_answer(bench, order_id, pro)
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/refund {order_id}")))
    assert "still running" in answer


async def test_mod_add_then_use_then_remove(bench: Bench) -> None:
    newcomer = bench.person(5, "Nuno", "en")
    assert "Only moderators" in one_text(await bench.send(bench.command(5, newcomer, "/stats")))
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), "/mod_add 5")))
    assert "5 is now a moderator" in answer
    assert "Orders: 0" in one_text(await bench.send(bench.command(5, newcomer, "/stats")))
    answer = one_text(await bench.send(bench.command(5, newcomer, "/mod_add 5")))
    assert "already a moderator" in answer
    answer = one_text(await bench.send(bench.command(5, newcomer, f"/mod_remove {MOD}")))
    assert "in the settings and cannot be removed" in answer
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), "/mod_remove 5")))
    assert "no longer a moderator" in answer
    assert "Only moderators" in one_text(await bench.send(bench.command(5, newcomer, "/stats")))
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), "/mod_remove 5")))
    assert "is not a moderator" in answer
    assert [e.detail for e in await _audit(bench, "mod_added")] == ["5"]
    assert [e.actor_id for e in await _audit(bench, "mod_removed")] == [MOD]

