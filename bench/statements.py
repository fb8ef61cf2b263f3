"""SQL statements per update: bench/updates.py's workload, every statement counted.

    python bench/statements.py --framework aiogram --db sqlite --n 1000

Runs `bench/updates.py` as it is (same setup, warm-up and measured passes; any of its options)
with a `before_cursor_execute` listener on every engine; a statement counts for the update whose
handling ran it (a context variable set around the pipeline's `receive`), so the outbox sender's
own statements are not counted. The updates are handled one at a time (`--concurrency 1` unless
given): concurrent lanes run updates in tasks that outlive the one that started them, where the
variable would name the wrong update. Prints, as one JSON line, the statements per update
overall and per kind of update (a tap's prefix, a command).
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from contextvars import ContextVar
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench import updates
from bench.common import emit, quiet

_kind: ContextVar[str | None] = ContextVar("update_kind", default=None)
statements: Counter[str] = Counter()
handled: Counter[str] = Counter()


def _count(*_args: Any) -> None:
    kind = _kind.get()
    if kind is not None:
        statements[kind] += 1


def kind_of(update: Any) -> str:
    if update.callback_data:
        return str(update.callback_data).split(":", 1)[0] + ":"
    return f"/{update.command}" if update.command else str(update.kind)


class Counted(updates.Timed):
    """bench/updates.py's timed receiver, which also says whose statements run meanwhile."""

    async def receive(self, update: Any, reply: Any) -> None:
        if not hasattr(self.inner, "pipeline"):  # the do-nothing and answer-only passes
            await super().receive(update, reply)
            return
        kind = kind_of(update)
        handled[kind] += 1
        token = _kind.set(kind)
        try:
            await super().receive(update, reply)
        finally:
            _kind.reset(token)


def figures() -> dict[str, Any]:
    total = sum(handled.values())
    return {"updates": total,
            "statements_per_update": round(sum(statements.values()) / max(total, 1), 3),
            "per_kind": {kind: round(statements[kind] / count, 3)
                         for kind, count in sorted(handled.items())}}


def main(argv: list[str] | None = None) -> None:
    quiet()
    event.listen(Engine, "before_cursor_execute", _count)
    updates.Timed = Counted  # type: ignore[misc]
    args = updates.parse(argv)
    if args.concurrency is None:
        args.concurrency = 1
    result = asyncio.run(updates.run(args))
    emit({"framework": result["framework"], "db": result["db"], **figures()})


if __name__ == "__main__":
    main()
