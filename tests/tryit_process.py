"""`orderbot try` as a person starts it: a child process on a free port, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

ADDRESS = re.compile(r"open (http://\S+/)")


@contextmanager
def orderbot_try(*args: str, start_timeout: float = 60.0) -> Iterator[str]:
    """The page's address while `orderbot try` runs; on exit it gets SIGINT and must stop
    cleanly (exit 0, saying so)."""
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "try", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        yield _address(process, start_timeout)
    finally:
        output, errors = _interrupt(process)
    assert process.returncode == 0, errors
    assert "orderbot try: stopped" in output, output + errors


def _address(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            errors = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"orderbot try ended: {errors}")
        found = ADDRESS.search(line)
        if found:
            return found.group(1)
    raise AssertionError("orderbot try did not print its address in time")


def _interrupt(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
        raise AssertionError(f"orderbot try did not stop on Ctrl-C: {errors}") from None
