"""Logs for operators: one JSON object per line, or plain lines, with the ids that matter.

Records may carry `update_id`, `order_id`, `chat_id` and `outbox_id` in their extras
(`log.info("...", extra={"update_id": 5})`); both formats print them when present.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

FIELDS = ("update_id", "order_id", "chat_id", "outbox_id")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def _extras(record: logging.LogRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in FIELDS
            if getattr(record, name, None) is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The usual line, with `key=value` for each id present."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        extras = _extras(record)
        if extras:
            line += " " + " ".join(f"{key}={value}" for key, value in extras.items())
        return line


def configure_logging(level: int | str = logging.INFO, json: bool = False) -> logging.Handler:
    """Replace the root logger's handlers with one stderr handler in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json else PlainFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic's INFO lines (its plugins, "Context impl SQLiteImpl") say nothing to an operator
    # and come before the schema check's one line.
    logging.getLogger("alembic").setLevel(max(root.level, logging.WARNING))
    return handler


def json_from_env(value: str | None) -> bool:
    """`ORDERBOT_LOG_JSON`: true/1/yes/on turn JSON lines on."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
