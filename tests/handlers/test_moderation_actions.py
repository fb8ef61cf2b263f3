"""Every audit action the code can record has a translated label for /order: the action
keys are read from the source (every `AuditEntry(...)` and `audit(...)` call), so a new one
without a label fails here instead of showing its raw key to moderators."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.i18n import Translations
from handlers.mod_history import ACTIONS, action_name

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "scheduler")
ACTION_ARG = {"AuditEntry": 2, "audit": 3}  # (at, actor, action, ...), (uow, now, actor, action)


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _action_arg(call: ast.Call) -> ast.expr | None:
    name = _name(call)
    if name not in ACTION_ARG:
        return None
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    index = ACTION_ARG[name]
    return call.args[index] if len(call.args) > index else None


def _strings(node: ast.expr) -> set[str] | None:
    """The string constants an expression can be, or None if it is not only constants."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body | orelse
    return None


def _assigned(scope: ast.AST, name: str) -> set[str] | None:
    """Every value `name` is given in `scope` (plain or tuple assignments), if all constant."""
    found: set[str] = set()
    for node in ast.walk(scope):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs: list[tuple[ast.expr, ast.expr]] = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=True))
            for left, right in pairs:
                if isinstance(left, ast.Name) and left.id == name:
                    values = _strings(right)
                    if values is None:
                        return None
                    found |= values
    return found or None


def _passed_through(scope: ast.AST, arg: ast.expr) -> bool:
    """`arg` is a parameter of a function that is itself one of the recording calls."""
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    parameters = {a.arg for a in scope.args.args + scope.args.kwonlyargs}
    return scope.name in ACTION_ARG and isinstance(arg, ast.Name) and arg.id in parameters


def _functions(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.Call]]:
    for scope in ast.walk(tree):
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(scope):
                if isinstance(node, ast.Call):
                    yield scope, node


def recorded_actions() -> tuple[set[str], list[str]]:
    """The action keys written anywhere, and the calls whose key could not be read."""
    actions: set[str] = set()
    unreadable: list[str] = []
    for path in sorted(p for folder in SOURCES for p in (ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope, call in _functions(tree):
            arg = _action_arg(call)
            if arg is None:
                continue
            if _passed_through(scope, arg):
                continue  # the `audit` helper: its callers are read instead
            values = _strings(arg)
            if values is None and isinstance(arg, ast.Name):
                values = _assigned(scope, arg.id)
            if values is None:
                unreadable.append(f"{path.relative_to(ROOT)}:{call.lineno}")
            else:
                actions |= values
    return actions, unreadable


def test_every_recorded_action_has_a_label() -> None:
    actions, unreadable = recorded_actions()
    assert unreadable == [], "write the action key as a string constant at these calls"
    # the scan sees the keys of each service (it cannot silently find nothing)
    assert {"order_created", "reminder_sent", "dispute_opened", "dispute_withdrawn",
            "delivery_date_refused", "checkin_sent", "export"} <= actions
    assert sorted(actions - set(ACTIONS)) == []


@pytest.mark.parametrize("language", ["es", "pt", "ar"])
def test_every_action_label_is_translated(language: str) -> None:
    t = Translations(default="en").get(language)
    untranslated = [key for key, label in ACTIONS.items() if action_name(t, key) == label]
    assert untranslated == []
