"""A whole-run timeout: past it, every test process says what it was running, and stops.

`ORDERBOT_TEST_RUN_TIMEOUT` (seconds; `.ci/run` sets it) bounds the whole run, far below CI's
own limit, so that a hang is reported with its cause instead of being killed without a word.
The deadline is fixed when the run starts and handed to pytest-xdist's workers through the
environment. At the deadline each process prints:
- the tests it has started and not finished (a worker runs one at a time), and those failed;
- every thread's stack, and every pending asyncio task's (`tests.hang_report`);
and ends itself with SIGTERM (a shell sees status 143). faulthandler stands behind it: if
the process is stuck where Python code cannot run, it dumps the threads' stacks and exits a few
seconds later anyway.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import threading
import time

import pytest

from tests.hang_report import pending_task_stacks

SETTING = "ORDERBOT_TEST_RUN_TIMEOUT"
DEADLINE = "ORDERBOT_TEST_RUN_DEADLINE"  # epoch seconds, set by the first process of the run
HARD_STOP_AFTER_S = 15.0


class RunTimeout:
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.running: dict[str, float] = {}  # test id -> when it started
        self.failed: list[str] = []  # the run's summary is never printed: say these here
        # The terminal's stderr, kept now: while a test runs, pytest captures descriptor 2.
        self.out = os.fdopen(os.dup(2), "w")

    @pytest.hookimpl
    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.running[nodeid] = time.time()

    @pytest.hookimpl
    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        self.running.pop(nodeid, None)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.append(f"{report.nodeid} ({report.when})")

    def start(self) -> None:
        wait = max(self.deadline - time.time(), 0.0)
        faulthandler.dump_traceback_later(wait + HARD_STOP_AFTER_S, exit=True, file=self.out)
        threading.Thread(target=self._watch, args=(wait,), name="run-timeout",
                         daemon=True).start()

    def _watch(self, wait: float) -> None:
        # pytest-xdist's main process last, so that its list of what was running ends the log
        time.sleep(wait + (0.0 if os.environ.get("PYTEST_XDIST_WORKER") else 5.0))
        out = self.out
        where = os.environ.get("PYTEST_XDIST_WORKER", "main process")
        now = time.time()
        out.write(f"\n=== {SETTING} reached ({where}): still running ===\n")
        for nodeid, started in list(self.running.items()):
            out.write(f"  {nodeid} (for {now - started:.0f} s)\n")
        if not self.running:
            out.write("  (no test)\n")
        out.write("failed so far:\n" + "".join(f"  {test}\n" for test in self.failed))
        out.write("--- threads ---\n")
        out.flush()
        faulthandler.dump_traceback(file=out, all_threads=True)
        out.write("--- asyncio tasks ---" + pending_task_stacks())
        out.flush()
        # From this thread, a signal ends the whole process whatever its main thread is doing.
        os.kill(os.getpid(), signal.SIGTERM)


def configure(config: pytest.Config) -> None:
    """Called from conftest's `pytest_configure`: arm the timeout when the run asks for one."""
    if not os.environ.get(DEADLINE):
        seconds = os.environ.get(SETTING)
        if not seconds:
            return
        os.environ[DEADLINE] = str(time.time() + float(seconds))
    deadline = float(os.environ[DEADLINE])
    if deadline <= time.time():
        return  # a worker pytest-xdist started in place of one the timeout stopped
    watch = RunTimeout(deadline)
    config.pluginmanager.register(watch, "orderbot-run-timeout")
    watch.start()
