"""A refused update changes nothing: what its handler (and the activity watcher) had changed
is rolled back, the refusal is answered, and the update counts as handled. A conflict with
another process's save is run again instead, on the rows as they are then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.callback_data import CallbackData
from bot.core.errors import ConcurrentChange
from bot.core.events import AnswerCallback, ChatEvent, Effect
from bot.domain.errors import NotAllowed
from bot.pipeline import CONFLICT_RETRIES
from handlers.context import Context
from tests.bench import make_bench
from tests.handlers.moderation_helpers import GROUP, bound_order


@dataclass(frozen=True)
class Retitle(CallbackData, prefix="retitle"):
    """The test handlers' button, "retitle:<order id>"."""

    order_id: int


async def _retitle_then_refuse(event: ChatEvent, ctx: Context, _data: Retitle) -> list[Effect]:
    order = await ctx.uow.orders.by_chat(event.chat_id)
    assert order is not None
    order.title = "changed by a refused tap"
    await ctx.uow.orders.save(order)
    raise NotAllowed("not yours", order_id=order.id)


async def test_a_refused_tap_is_answered_and_undoes_its_changes(tmp_path: Path) -> None:
    bench = await make_bench(tmp_path)
    bench.pipeline.router.taps[Retitle] = _retitle_then_refuse
    order_id, _pro, client = await bound_order(bench)
    async with bench.uow_factory() as uow:
        before = await uow.orders.get(order_id)
    assert before is not None
    bench.advance(timedelta(hours=1))

    tap = bench.tap(GROUP, client, f"retitle:{order_id}")
    effects = await bench.send(tap)

    answers = [e for e in effects if isinstance(e, AnswerCallback)]
    assert len(answers) == 1 and answers[0].callback_id == tap.callback_id
    assert answers[0].text == "This button is not for you."  # the handler's refusal
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


def _retitle_with_conflicts(conflicts: int, runs: list[str]) -> Any:
    """A handler that retitles the order and meets `conflicts` concurrent saves first."""
    async def handler(event: ChatEvent, ctx: Context, _data: Retitle) -> list[Effect]:
        order = await ctx.uow.orders.by_chat(event.chat_id)
        assert order is not None
        runs.append(order.title)
        order.title = f"retitled on run {len(runs)}"
        await ctx.uow.orders.save(order)
        if len(runs) <= conflicts:  # as a save finds when another process saved first
            raise ConcurrentChange("the row changed meanwhile", table="orders", id=order.id)
        return [AnswerCallback(event.callback_id or "", "Retitled.")]
    return handler


async def test_a_conflict_runs_the_update_again_on_the_rows_as_they_are(tmp_path: Path) -> None:
    bench = await make_bench(tmp_path)
    runs: list[str] = []
    bench.pipeline.router.taps[Retitle] = _retitle_with_conflicts(2, runs)
    order_id, _pro, client = await bound_order(bench)
    async with bench.uow_factory() as uow:
        before = await uow.orders.get(order_id)
    assert before is not None
    tap = bench.tap(GROUP, client, f"retitle:{order_id}")
    effects = await bench.send(tap)
    assert [(e.callback_id, e.text) for e in effects if isinstance(e, AnswerCallback)] == [
        (tap.callback_id, "Retitled.")]
    assert runs == [before.title] * 3  # each run saw the order as it was: the others undone
    async with bench.uow_factory() as uow:
        after = await uow.orders.get(order_id)
    assert after is not None
    assert (after.title, after.version) == ("retitled on run 3", before.version + 1)
    await bench.uow_factory.engine.dispose()


async def test_a_conflict_that_keeps_coming_is_answered_and_changes_nothing(
        tmp_path: Path) -> None:
    bench = await make_bench(tmp_path)
    runs: list[str] = []
    bench.pipeline.router.taps[Retitle] = _retitle_with_conflicts(
        CONFLICT_RETRIES + 1, runs)
    order_id, _pro, client = await bound_order(bench)
    tap = bench.tap(GROUP, client, f"retitle:{order_id}")
    effects = await bench.send(tap)
    answers = [e for e in effects if isinstance(e, AnswerCallback)]
    assert len(answers) == 1 and answers[0].text is not None
    assert answers[0].text.startswith("Someone else changed this order just now.")
    assert len(runs) == CONFLICT_RETRIES + 1
    async with bench.uow_factory() as uow:
        after = await uow.orders.get(order_id)
    assert after is not None and not after.title.startswith("retitled")
    await bench.uow_factory.engine.dispose()
