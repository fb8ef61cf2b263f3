"""Updates received one after the other share a commit on SQLite: their answers go out only
once it is done, a refusal among them undoes only itself, the group commits when it is full,
old, or in another writer's way, and a failed COMMIT loses no update."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.callback_data import BackToCard, OpenStatusMenu, SetStatus
from bot.core.events import AnswerCallback, ChatEvent
from bot.storage.commit_group import CommitGroup
from bot.storage.models import StatusChangeRow
from tests.bench import Bench, make_bench
from tests.handlers.moderation_helpers import GROUP, bound_order


class Replies:
    """What each update's reply was given, in the order the replies came."""

    def __init__(self) -> None:
        self.got: list[tuple[int, list[AnswerCallback]]] = []

    def to(self, event: ChatEvent) -> Any:
        return lambda answers: self.got.append((event.update_id, answers))

    @property
    def ids(self) -> list[int]:
        return [update_id for update_id, _ in self.got]


def committed_inbox(bench: Bench) -> set[int]:
    """Update ids another connection sees: only what is committed."""
    path = bench.settings.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT update_id FROM inbox")}


async def status_changes(bench: Bench, to_status: str) -> int:
    table = StatusChangeRow.__table__
    async with bench.uow_factory() as uow:
        result = await uow.conn.execute(select(func.count()).select_from(table).where(
            table.c.to_status == to_status))
        return int(result.scalar_one())


async def grouped_bench(tmp_path: Path, **settings: object) -> Bench:
    """A bench whose group waits for its settling (not for its age), unless told otherwise:
    the statements run on the driver's thread, and on a busy machine a group's age could
    pass between two taps."""
    defaults = {"default_language": "en", "commit_group_max_ms": 60_000}
    return await make_bench(tmp_path, **(defaults | settings))


async def test_answers_go_out_once_the_group_is_committed(tmp_path: Path) -> None:
    bench = await grouped_bench(tmp_path)
    order_id, pro, _client = await bound_order(bench)
    replies = Replies()
    taps = [bench.tap(GROUP, pro, OpenStatusMenu(order_id)),
            bench.tap(GROUP, pro, BackToCard(order_id))]
    for tap in taps:
        await bench.pipeline.receive(tap, replies.to(tap))
    assert replies.got == []
    assert not committed_inbox(bench) & {t.update_id for t in taps}
    await bench.pipeline.settle()
    assert replies.ids == [t.update_id for t in taps]
    assert all(answers and answers[0].callback_id == tap.callback_id
               for (_, answers), tap in zip(replies.got, taps, strict=True))
    assert committed_inbox(bench) >= {t.update_id for t in taps}
    await bench.uow_factory.engine.dispose()


async def test_a_refused_tap_in_a_group_undoes_only_itself(tmp_path: Path) -> None:
    bench = await grouped_bench(tmp_path)
    order_id, pro, client = await bound_order(bench)
    replies = Replies()
    moved = bench.tap(GROUP, pro, SetStatus(order_id, "in_progress"))
    refused = bench.tap(GROUP, client, SetStatus(order_id, "done"))  # not the client's to tap
    for tap in (moved, refused):
        await bench.pipeline.receive(tap, replies.to(tap))
    await bench.pipeline.settle()
    answers = dict(replies.got)
    assert answers[refused.update_id][0].text == "This button is not for you."
    assert await status_changes(bench, "in_progress") == 1
    assert await status_changes(bench, "done") == 0
    await bench.uow_factory.engine.dispose()


async def test_a_full_group_commits_at_once(tmp_path: Path) -> None:
    bench = await grouped_bench(tmp_path, commit_group_max_updates=2)
    order_id, pro, _client = await bound_order(bench)
    replies = Replies()
    taps = [bench.tap(GROUP, pro, BackToCard(order_id)) for _ in range(3)]
    for tap in taps:
        await bench.pipeline.receive(tap, replies.to(tap))
    assert replies.ids == [t.update_id for t in taps[:2]]  # the third opened a new group
    await bench.pipeline.settle()
    assert replies.ids == [t.update_id for t in taps]
    await bench.uow_factory.engine.dispose()


async def test_an_old_group_commits_without_being_settled(tmp_path: Path) -> None:
    bench = await grouped_bench(tmp_path, commit_group_max_ms=20)
    order_id, pro, _client = await bound_order(bench)
    replies = Replies()
    tap = bench.tap(GROUP, pro, BackToCard(order_id))
    await bench.pipeline.receive(tap, replies.to(tap))
    assert replies.got == []
    for _ in range(100):
        if replies.got:
            break
        await asyncio.sleep(0.01)
    assert replies.ids == [tap.update_id]
    assert tap.update_id in committed_inbox(bench)
    await bench.uow_factory.engine.dispose()


async def test_another_writer_gets_its_turn_and_sees_the_group_committed(
        tmp_path: Path) -> None:
    bench = await grouped_bench(tmp_path, commit_group_max_ms=60_000)
    order_id, pro, _client = await bound_order(bench)
    replies = Replies()
    tap = bench.tap(GROUP, pro, SetStatus(order_id, "in_progress"))
    await bench.pipeline.receive(tap, replies.to(tap))
    assert await asyncio.wait_for(status_changes(bench, "in_progress"), 5) == 1
    assert replies.ids == [tap.update_id]
    await bench.uow_factory.engine.dispose()


async def test_a_failed_commit_handles_each_update_again_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bench = await grouped_bench(tmp_path)
    order_id, pro, _client = await bound_order(bench)
    real_commit = CommitGroup.commit
    failures: list[int] = []

    async def commit_failing_once(group: CommitGroup) -> None:
        if not failures:
            failures.append(group.members)
            raise OSError("disk I/O error")
        await real_commit(group)

    monkeypatch.setattr(CommitGroup, "commit", commit_failing_once)
    replies = Replies()
    taps = [bench.tap(GROUP, pro, SetStatus(order_id, "in_progress")),
            bench.tap(GROUP, pro, BackToCard(order_id))]
    for tap in taps:
        await bench.pipeline.receive(tap, replies.to(tap))
    await bench.pipeline.settle()
    assert failures == [2]
    assert "a commit of 2 updates failed" in caplog.text
    assert replies.ids == [t.update_id for t in taps]
    assert all(answers for _, answers in replies.got)  # every tap answered
    assert await status_changes(bench, "in_progress") == 1  # handled once
    assert committed_inbox(bench) >= {t.update_id for t in taps}
    await bench.uow_factory.engine.dispose()


@pytest.mark.parametrize("setting", [{"commit_group_max_updates": 1},
                                     {"commit_group_max_ms": 0}])
async def test_groups_can_be_turned_off(tmp_path: Path, setting: dict[str, int]) -> None:
    bench = await grouped_bench(tmp_path, **setting)
    order_id, pro, _client = await bound_order(bench)
    replies = Replies()
    tap = bench.tap(GROUP, pro, BackToCard(order_id))
    await bench.pipeline.receive(tap, replies.to(tap))
    assert replies.ids == [tap.update_id]  # committed before receive returned
    assert tap.update_id in committed_inbox(bench)
    await bench.uow_factory.engine.dispose()
