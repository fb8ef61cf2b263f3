"""Handlers parse, call a use case and render: they never reach a repository of the unit of
work themselves (`ctx.uow.orders.get(...)`); they pass the unit of work to a service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Handlers that still read or write through a repository, and how many times.
NOT_YET_MOVED: dict[str, int] = {
    "handlers/activity.py": 3,
    "handlers/chat.py": 6,
    "handlers/checkin.py": 2,
    "handlers/delivery_date.py": 1,
    "handlers/disputes.py": 3,
    "handlers/language.py": 1,
    "handlers/mod_actions.py": 4,
    "handlers/mod_common.py": 2,
    "handlers/mod_orders.py": 7,
    "handlers/order_setup.py": 1,
    "handlers/orders.py": 7,
    "handlers/prompts.py": 2,
    "handlers/router.py": 1,
    "handlers/stale.py": 4,
    "handlers/status.py": 1,
}


def repository_uses(source: str) -> list[int]:
    """Lines where `<name>.uow.<something>` is read: a repository or the unit of work's own
    methods (passing `ctx.uow` along is fine)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "uow"]


def test_the_scan_sees_a_repository_use() -> None:
    assert repository_uses("x = ctx.uow.orders.get(1)\nf(ctx.uow)\n") == [1]


def test_handlers_reach_no_repository() -> None:
    counts = {}
    for path in sorted((ROOT / "handlers").glob("*.py")):
        lines = repository_uses(path.read_text())
        if lines:
            counts[path.relative_to(ROOT).as_posix()] = len(lines)
    assert counts == NOT_YET_MOVED, counts
