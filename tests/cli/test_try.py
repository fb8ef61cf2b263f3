"""`orderbot try` from the command line: the address, a taken port, the --host warning, Ctrl-C.

What the page does is tested in a browser (tests/browser)."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest

from tests.tryit_process import orderbot_try

pytestmark = pytest.mark.slow


@pytest.fixture
def taken_port() -> Iterator[tuple[str, int]]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()


def _try(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "try", *args], capture_output=True,
                          text=True, timeout=60)


def test_a_taken_port_is_one_line_of_error(taken_port: tuple[str, int]) -> None:
    result = _try("--port", str(taken_port[1]))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"orderbot try: cannot serve on 127.0.0.1:{taken_port[1]}")
    assert "--port" in lines[0]


def test_another_host_is_warned_about() -> None:
    with socket.socket() as holder:  # taken on every address: nothing gets served
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        result = _try("--host", "0.0.0.0", "--port", str(holder.getsockname()[1]))
    warning, error = result.stderr.strip().splitlines()
    assert "warning: serving on 0.0.0.0" in warning
    assert "forge taps and inject faults" in warning
    assert error.startswith("orderbot try: cannot serve on 0.0.0.0")


def test_the_loopback_address_is_not_warned_about(taken_port: tuple[str, int]) -> None:
    assert "warning" not in _try("--port", str(taken_port[1])).stderr


def test_it_serves_the_page_and_stops_on_ctrl_c() -> None:
    with orderbot_try("--lang", "pt") as url:
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "<title>orderbot · try it</title>" in page
        script = urllib.request.urlopen(url + "static/app.js", timeout=10)
        assert script.status == 200
        assert "default-src 'self'" in script.headers["Content-Security-Policy"]
