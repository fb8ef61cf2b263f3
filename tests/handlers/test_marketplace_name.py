"""ORDERBOT_MARKETPLACE_NAME: the texts that speak of the marketplace name it; unset, they
keep saying "the marketplace" (in Spanish «la plataforma»)."""

from __future__ import annotations

from pathlib import Path

from bot.services import due
from tests.bench import Bench, make_bench
from tests.handlers.moderation_helpers import (
    MOD,
    bound_order,
    due_context,
    mod,
    not_going_ahead_no_answer,
    one_text,
)


async def _bench(tmp_path: Path, **settings: object) -> Bench:
    return await make_bench(tmp_path, default_language="en", moderator_ids=(MOD,), **settings)


async def _help(bench: Bench, language: str) -> str:
    person = bench.person(77, "Eva", language)
    return one_text(await bench.send(bench.command(77, person, "/help")))


async def _refund(bench: Bench) -> str:
    order_id, pro, _client = await bound_order(bench)
    await not_going_ahead_no_answer(bench, order_id, pro)
    assert await due.mark_refund_eligible(due_context(bench), order_id)
    answer = one_text(await bench.send(bench.command(MOD, mod(bench), f"/refund {order_id}")))
    return answer.splitlines()[-1]  # after the eligibility notices still waiting


async def test_the_name_is_used_when_set(tmp_path: Path) -> None:
    bench = await _bench(tmp_path, marketplace_name="Zaask")
    try:
        assert _help_line(await _help(bench, "en")) == (
            "I keep the order thread of a job on Zaask: its status, the review request and the "
            "client's rating.")
        assert _help_line(await _help(bench, "es")) == (
            "Gestiono el seguimiento de un pedido de Zaask: su estado, la solicitud de "
            "valoración y la valoración del cliente.")
        assert await _refund(bench) == ("order #1 «Kitchen tap»: the refund decision is "
                                        "recorded. The credits are moved by Zaask.")
    finally:
        await bench.uow_factory.engine.dispose()


async def test_unset_keeps_todays_wording(tmp_path: Path) -> None:
    bench = await _bench(tmp_path)
    try:
        assert _help_line(await _help(bench, "en")) == (
            "I keep the order thread of a marketplace job: its status, the review request and "
            "the client's rating.")
        assert _help_line(await _help(bench, "es")) == (
            "Gestiono el seguimiento de un pedido de la plataforma: su estado, la solicitud de "
            "valoración y la valoración del cliente.")
        assert await _refund(bench) == ("order #1 «Kitchen tap»: the refund decision is "
                                        "recorded. The credits are moved by the marketplace.")
    finally:
        await bench.uow_factory.engine.dispose()


def _help_line(text: str) -> str:
    return text.splitlines()[0]


async def test_stats_name_the_marketplace_of_the_hook(tmp_path: Path) -> None:
    bench = await _bench(tmp_path, marketplace_name="Zaask", hook_url="http://127.0.0.1:9/hook")
    try:
        await bound_order(bench)
        stats = one_text(await bench.send(bench.command(MOD, mod(bench), "/stats")))
        assert "Refund events for Zaask: 0 waiting, 0 given up" in stats.splitlines()
    finally:
        await bench.uow_factory.engine.dispose()
