"""Two first star taps at the same moment, through the real pipeline and database: one
rating, and the second tap is answered the way a second tap on the same stars is (no error)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.callback_data import Stars
from bot.domain.reviews import ReviewRequest
from bot.storage.order_repos import RatingRepository, RequestRepository
from tests.bench import Bench, make_bench
from tests.handlers.test_ratings_support import alerts, requested


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def test_two_first_star_taps_at_once_give_one_rating(bench: Bench,
                                                           monkeypatch: Any) -> None:
    """The second tap read the rows before the first stored its rating (as on PostgreSQL):
    its save of the request finds it changed, the update runs again, and is answered as a
    second tap on the same stars."""
    th = await requested(bench)
    async with bench.uow_factory() as uow:
        stale = await uow.requests.get(th.request_id)
    assert stale is not None
    first = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 4),
                                       th.request_message))
    assert not alerts(first)
    reads: dict[str, int] = {}
    real_get, real_for_order = RequestRepository.get, RatingRepository.for_order

    async def get(self: RequestRepository, id_: int) -> ReviewRequest | None:
        reads["request"] = reads.get("request", 0) + 1
        return stale if reads["request"] == 1 else await real_get(self, id_)

    async def for_order(self: RatingRepository, order_id: int) -> Any:
        reads["rating"] = reads.get("rating", 0) + 1
        return None if reads["rating"] == 1 else await real_for_order(self, order_id)

    monkeypatch.setattr(RequestRepository, "get", get)
    monkeypatch.setattr(RatingRepository, "for_order", for_order)
    second = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 4),
                                        th.request_message))
    monkeypatch.undo()
    assert reads["request"] >= 2  # it ran again
    assert alerts(second) == ["You already rated order #1 «Kitchen tap»: ★★★★☆."]
    async with bench.uow_factory() as uow:
        assert await uow.ratings.count() == 1
