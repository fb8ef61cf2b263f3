"""The intake's policy on its own: a database fault is waited out with a capped backoff (on
the injected timer) and a tap answered meanwhile; any other failure is tried 3 more times,
then parked."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy.exc import OperationalError

from bot.core.events import AnswerCallback, ChatEvent, EventKind, Person
from bot.intake import Intake, Outage
from bot.metrics import Metrics

TAP = ChatEvent(7, EventKind.CALLBACK, -100, "group", Person(1, "Ana", "es"),
                callback_id="q1", callback_data="st:1")
READ_ONLY = OperationalError("UPDATE orders", {},
                             sqlite3.OperationalError("attempt to write a readonly database"))


class RecordingTimer:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def follow(self, seconds: float) -> None:
        await self.sleep(seconds)


def _intake(failures: list[BaseException], parked: list[Any]) -> tuple[Intake, RecordingTimer]:
    async def handle(_event: ChatEvent, _again: bool) -> list[AnswerCallback]:
        if failures:
            raise failures.pop(0)
        return [AnswerCallback("q1", "done")]

    async def park(event: ChatEvent, error: BaseException, attempts: int
                   ) -> list[AnswerCallback]:
        parked.append((event.update_id, str(error), attempts))
        return [AnswerCallback("q1", "not completed")]

    timer, metrics = RecordingTimer(), Metrics()
    intake = Intake(handle, park, lambda e: AnswerCallback(e.callback_id or "", "unavailable"),
                    timer, backoff_max_s=4.0, metrics=metrics, outage=Outage(metrics, timer))
    return intake, timer


async def test_a_database_fault_is_waited_out_with_a_capped_backoff_and_the_tap_answered() -> None:
    answers: list[list[AnswerCallback]] = []
    parked: list[Any] = []
    intake, timer = _intake([READ_ONLY] * 6, parked)
    await intake.until_done(TAP, answers.append)
    assert timer.slept == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # never parked: not its fault
    assert parked == []
    assert [a.text for batch in answers for a in batch] == ["unavailable"]  # answered once
    assert not intake.outage.stopped and intake.metrics is not None
    assert intake.metrics.registry.get_sample_value("orderbot_intake_stopped") == 0.0


async def test_the_outage_shows_while_it_lasts() -> None:
    seen: list[bool] = []
    intake, timer = _intake([READ_ONLY, READ_ONLY], [])
    sleep = timer.sleep

    async def noting(seconds: float) -> None:
        seen.append(intake.outage.stopped)
        await sleep(seconds)

    timer.sleep = noting  # type: ignore[method-assign]
    await intake.until_done(TAP, lambda _answers: None)
    assert seen == [True, True] and not intake.outage.stopped


async def test_an_update_that_fails_on_its_own_is_tried_four_times_then_parked() -> None:
    answers: list[list[AnswerCallback]] = []
    parked: list[Any] = []
    intake, timer = _intake([RuntimeError("a bug")] * 10, parked)
    await intake.until_done(TAP, answers.append)
    assert parked == [(7, "a bug", 4)]
    assert timer.slept == []
    assert [a.text for batch in answers for a in batch] == ["not completed"]
    assert intake.metrics is not None
    assert intake.metrics.registry.get_sample_value("orderbot_updates_parked_total") == 1.0


async def test_an_update_that_fails_twice_then_works_is_handled() -> None:
    answers: list[list[AnswerCallback]] = []
    parked: list[Any] = []
    intake, _timer = _intake([RuntimeError("once"), RuntimeError("twice")], parked)
    await intake.until_done(TAP, answers.append)
    assert parked == [] and [a.text for batch in answers for a in batch] == ["done"]
