"""Handlers parse, call a use case and render: they never reach a repository of the unit of
work themselves (`ctx.uow.orders.get(...)`); they pass the unit of work to a service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Handlers that still read or write through a repository, and how many times.
NOT_YET_MOVED: dict[str, int] = {
    "handlers/profile.py": 1,
    "handlers/rating_edit.py": 1,
    "handlers/ratings.py": 6,
    "handlers/review_reply.py": 4,
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
