"""The operators' log formats: JSON lines and plain lines, with the ids in the extras."""

from __future__ import annotations

import json
import logging
import sys

from bot.logging_setup import JsonFormatter, PlainFormatter, configure_logging, json_from_env


def _record(msg: str = "sent %s", args: tuple[object, ...] = ("it",), exc: bool = False,
            **extra: object) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.LogRecord("orderbot.delivery", logging.INFO, __file__, 1, msg, args,
                               exc_info)
    record.__dict__.update(extra)
    return record


def test_json_line_has_the_fields_and_only_the_ids_present() -> None:
    line = JsonFormatter().format(_record(outbox_id=7, chat_id=-100, update_id=None))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == "orderbot.delivery"
    assert entry["message"] == "sent it"
    assert entry["outbox_id"] == 7 and entry["chat_id"] == -100
    assert "update_id" not in entry and "order_id" not in entry
    assert entry["time"].endswith("+00:00")


def test_json_line_keeps_a_traceback_and_non_ascii_on_one_line() -> None:
    entry = json.loads(JsonFormatter().format(_record("لا %s", ("ñ",), exc=True, order_id=3)))
    assert entry["message"] == "لا ñ" and entry["order_id"] == 3
    assert "ValueError: boom" in entry["exc_info"]


def test_plain_line_appends_the_ids() -> None:
    line = PlainFormatter().format(_record(update_id=41, order_id=9))
    assert line.endswith("INFO orderbot.delivery sent it update_id=41 order_id=9")
    assert PlainFormatter().format(_record()).endswith("sent it")


def test_configure_logging_installs_one_handler() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        handler = configure_logging(logging.DEBUG, json=True)
        assert root.handlers == [handler] and root.level == logging.DEBUG
        assert isinstance(handler.formatter, JsonFormatter)
        assert isinstance(configure_logging("INFO").formatter, PlainFormatter)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_the_env_switch() -> None:
    assert json_from_env("true") and json_from_env(" 1 ") and json_from_env("YES")
    assert not json_from_env(None) and not json_from_env("false") and not json_from_env("")
