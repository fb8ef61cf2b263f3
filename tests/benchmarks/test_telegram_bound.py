"""The delivery bench's yardstick: the least time Telegram's limits allow for a mix."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from bench.delivery import backlog, parse, plan
from bench.telegram_bound import greedy_schedule, minimum_seconds, own_seconds


def assert_within_limits(counts: list[tuple[int, bool]], schedule: list[list[int]]) -> None:
    assert [len(times) for times in schedule] == [count for count, _ in counts]
    for (_, group), times in zip(counts, schedule, strict=True):
        assert all(b - a >= 1 for a, b in itertools.pairwise(times))
        if group:
            assert all(times[i + 20] - times[i] >= 60 for i in range(len(times) - 20))
    per_second = Counter(second for times in schedule for second in times)
    assert max(per_second.values(), default=0) <= 30


@pytest.mark.parametrize(("count", "group", "seconds"), [
    (1, True, 0), (20, True, 19), (21, True, 60), (25, True, 64), (40, True, 79),
    (41, True, 120), (1, False, 0), (60, False, 59)])
def test_one_chat_alone(count: int, group: bool, seconds: int) -> None:
    assert own_seconds(count, group) == seconds
    assert minimum_seconds([(count, group)]).schedule == seconds


def test_thirty_one_messages_to_thirty_one_people_need_a_second_second() -> None:
    assert minimum_seconds([(1, False)] * 30).lower == 0
    bound = minimum_seconds([(1, False)] * 31)
    assert (bound.lower, bound.schedule, bound.bot) == (1, 1, 1)


def test_a_group_past_twenty_waits_for_the_window_while_the_bulk_goes() -> None:
    counts = [(25, True), (60, False)] + [(10, False)] * 150
    bound = minimum_seconds(counts)
    assert (bound.bot, bound.chat, bound.group) == (52, 59, 64)
    assert bound.exact and bound.lower == 64
    assert_within_limits(counts, greedy_schedule(counts))


def test_when_no_schedule_meets_the_lower_bound_the_bound_says_so() -> None:
    # 31 groups of 21: only 30 can start in the first second, so one 21st waits until 61.
    counts = [(21, True)] * 31
    bound = minimum_seconds(counts)
    assert (bound.lower, bound.schedule, bound.exact) == (60, 61, False)
    assert_within_limits(counts, greedy_schedule(counts))


@pytest.mark.parametrize("argv", [[], ["--quick"]])
def test_the_bench_mixes_have_an_exact_minimum(argv: list[str]) -> None:
    args = parse(argv)
    counts = plan(args)
    assert sum(count for count, _ in counts) == args.messages
    bound = minimum_seconds(counts)
    assert bound.exact
    assert_within_limits(counts, greedy_schedule(counts))
    if not argv:  # the full mix holds groups past 20 a minute; --quick is too short for that
        assert bound.group > 60


def test_each_chat_is_spread_through_the_backlog() -> None:
    messages = backlog([-1, 2, 3], [4, 2, 2])
    assert [chat for chat, _ in messages] == [-1, 2, 3, -1, -1, 2, 3, -1]
    assert len({text for _, text in messages}) == 8
