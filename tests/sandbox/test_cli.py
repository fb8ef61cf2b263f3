"""The CLI's banner tells how to point both frameworks at the sandbox."""

from __future__ import annotations

from bot.sandbox.cli import usage


def test_usage_names_both_frameworks() -> None:
    text = usage("http://127.0.0.1:8081")
    assert "TelegramAPIServer.from_base('http://127.0.0.1:8081')" in text
    assert "base_url('http://127.0.0.1:8081/bot')" in text
