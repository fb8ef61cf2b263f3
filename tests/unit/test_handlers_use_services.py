"""Handlers parse, call a use case and render: they never reach a repository of the unit of
work themselves (`ctx.uow.orders.get(...)`); they pass the unit of work to a service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def repository_uses(source: str) -> list[int]:
    """Lines where `<name>.uow.<something>` is read: a repository or the unit of work's own
    methods (passing `ctx.uow` along is fine)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and _is_uow(node.value)]


def _is_uow(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "uow") or \
        (isinstance(node, ast.Name) and node.id == "uow")


def test_the_scan_sees_a_repository_use() -> None:
    assert repository_uses("x = ctx.uow.orders.get(1)\nf(ctx.uow)\nuow.refs.add()\n") == [1, 3]


def test_handlers_reach_no_repository() -> None:
    counts = {}
    for path in sorted((ROOT / "handlers").glob("*.py")):
        lines = repository_uses(path.read_text())
        if lines:
            counts[path.relative_to(ROOT).as_posix()] = len(lines)
    assert counts == {}, counts
