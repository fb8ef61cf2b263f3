"""On a test's timeout, the stack of every asyncio task still pending, beside the threads'.

pytest-timeout dumps the threads' stacks: for a test awaiting something that never comes, they
show only the event loop waiting in `select`. What waits, and on what, is in the tasks."""

from __future__ import annotations

import asyncio
import gc
import io

import pytest

TIMEOUT_MARK = "from pytest-timeout"


def open_loops() -> list[asyncio.AbstractEventLoop]:
    """The event loops not yet closed (pytest-asyncio closes the test's loop only later)."""
    return [obj for obj in gc.get_objects()
            if isinstance(obj, asyncio.AbstractEventLoop) and not obj.is_closed()]


def pending_task_stacks() -> str:
    out = io.StringIO()
    for loop in open_loops():
        for task in asyncio.all_tasks(loop):
            if not task.done():
                out.write(f"\n--- {task.get_name()}: {task.get_coro()!r}\n")
                task.print_stack(file=out)
    return out.getvalue() or "\n(no asyncio task pending)\n"


def add_task_stacks(report: pytest.TestReport) -> None:
    """Called from conftest's `pytest_runtest_makereport`: a timed-out test's report gets a
    section with the pending tasks' stacks."""
    if report.failed and TIMEOUT_MARK in str(report.longrepr):
        report.sections.append(("asyncio tasks at the timeout", pending_task_stacks()))
