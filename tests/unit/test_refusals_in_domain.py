"""Each refusal is decided by the domain: no subclass of DomainError is raised outside
bot/domain/ (handlers/errors.py turns them into answers; services and handlers only call the
domain's methods, which raise)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import bot
import handlers
import scheduler
from bot.domain.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("bot", "handlers", "scheduler")


def domain_error_names() -> set[str]:
    """Every subclass of DomainError, wherever the product defines it."""
    for package in (bot, handlers, scheduler):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    names, pending = set(), [DomainError]
    while pending:
        error = pending.pop()
        names.add(error.__name__)
        pending += error.__subclasses__()
    return names


def raises_outside_domain(names: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("bot/domain/"):
                continue
            for node in ast.walk(ast.parse(path.read_text(), relative)):
                if isinstance(node, ast.Raise) and _raised_name(node.exc) in names:
                    found.setdefault(relative, []).append(f"{relative}:{node.lineno}")
    return found


def _raised_name(exc: ast.expr | None) -> str | None:
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def test_the_scan_sees_a_raise() -> None:
    tree = ast.parse("raise errors.NotAllowed('x')\nraise NotFound\n")
    raised = [_raised_name(n.exc) for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    assert raised == ["NotAllowed", "NotFound"]
    assert {"NotAllowed", "NotFound", "InvalidInput"} <= domain_error_names()


def test_no_domain_error_is_raised_outside_the_domain() -> None:
    assert raises_outside_domain(domain_error_names()) == {}
