"""A refused update changes nothing: what its handler (and the activity watcher) had changed
is rolled back, the refusal is answered, and the update counts as handled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.errors import NotAllowed
from handlers.callbacks import Callback
from handlers.context import Context
from handlers.events import AnswerCallback, ChatEvent, Effect
from tests.bench import make_bench
from tests.handlers.moderation_helpers import GROUP, bound_order


async def _retitle_then_refuse(event: ChatEvent, ctx: Context, _cb: Callback) -> list[Effect]:
    order = await ctx.uow.orders.by_chat(event.chat_id)
    assert order is not None
    order.title = "changed by a refused tap"
    await ctx.uow.orders.save(order)
    raise NotAllowed("not yours", order_id=order.id)


async def test_a_refused_tap_is_answered_and_undoes_its_changes(tmp_path: Path) -> None:
    bench = await make_bench(tmp_path)
    bench.pipeline.router.callbacks["retitle"] = _retitle_then_refuse
    order_id, _pro, client = await bound_order(bench)
    async with bench.uow_factory() as uow:
        before = await uow.orders.get(order_id)
    assert before is not None
    bench.advance(timedelta(hours=1))

    tap = bench.tap(GROUP, client, f"retitle:{order_id}")
    effects = await bench.send(tap)

    answers = [e for e in effects if isinstance(e, AnswerCallback)]
    assert len(answers) == 1 and answers[0].callback_id == tap.callback_id
    assert answers[0].text  # the refusal, in words
    async with bench.uow_factory() as uow:
        after = await uow.orders.get(order_id)
    assert after is not None
    assert (after.title, after.version) == (before.title, before.version)
    # The client's tap would have counted as activity; it was undone with the rest.
    assert after.last_client_message_at == before.last_client_message_at
    assert await bench.pipeline.handle(tap) == []  # handled once: a repeat is ignored
    await bench.uow_factory.engine.dispose()


async def test_a_tap_that_is_not_refused_keeps_the_activity(tmp_path: Path) -> None:
    bench = await make_bench(tmp_path)
    order_id, _pro, client = await bound_order(bench)
    bench.advance(timedelta(hours=1))
    await bench.send(bench.command(GROUP, client, "/help"))
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None and order.last_client_message_at == bench.clock.now()
    await bench.uow_factory.engine.dispose()
