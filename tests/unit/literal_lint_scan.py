"""Scanning files with the literal lint (see literal_lint): learning sinks, then reporting."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.unit.literal_lint import (
    SELF_NAMES,
    Linter,
    Scope,
    Sink,
    assignments,
    callee_name,
    key,
    sink,
)


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = function.args
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


@dataclass
class Module:
    """One parsed file, with the names assigned at module level."""

    filename: str
    tree: ast.Module
    constants: Scope
    scopes: dict[ast.AST, Scope] = field(default_factory=dict)  # per function, computed once

    @classmethod
    def parse(cls, source: str, filename: str) -> Module:
        tree = ast.parse(source, filename)
        return cls(filename, tree, assignments(tree.body))

    def scope(self, function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Scope:
        if function is None:
            return self.constants
        if function not in self.scopes:
            scope = {k: v for k, v in self.constants.items() if k not in parameters(function)}
            scope.update(assignments(function.body))
            self.scopes[function] = scope
        return self.scopes[function]


def _calls(root: ast.AST) -> Iterator[ast.Call]:
    """The calls in ``root``, not looking into nested functions."""
    todo = list(ast.iter_child_nodes(root))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def _returns(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Return) and node.value is not None:
            yield node.value
        todo.extend(ast.iter_child_nodes(node))


def _forwarded(linter: Linter, module: Module,
               function: ast.FunctionDef | ast.AsyncFunctionDef) -> Sink | None:
    """The parameters of ``function`` that end up in a sink, as a sink of its own."""
    names = parameters(function)
    offset = 1 if names and names[0] in SELF_NAMES else 0
    scope = module.scope(function)
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    keywords = set()
    for call in _calls(function):
        for argument in linter.sink_arguments(call):
            keywords |= {name for name in names if linter.carries(argument, name, scope)}
    keywords -= set(SELF_NAMES)
    if not keywords:
        return None
    positions = [i - offset for i, name in enumerate(positional) if name in keywords]
    return sink(positions, keywords)


def _returned_parameters(linter: Linter, function: ast.FunctionDef | ast.AsyncFunctionDef,
                         scope: Scope) -> set[int]:
    """Positions of the parameters whose value ``function`` returns (maybe trimmed)."""
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    offset = 1 if positional and positional[0] in SELF_NAMES else 0
    returned = list(_returns(function))
    return {index - offset for index, name in enumerate(positional)
            if name not in SELF_NAMES and any(linter.carries(v, name, scope) for v in returned)}


def learn(linter: Linter, modules: list[Module]) -> None:
    """Finds forwarding sinks and literal-returning functions, until nothing new is found."""
    changed = True
    while changed:
        changed = False
        for module in modules:
            linter.filename = module.filename
            for function in functions(module.tree):
                name = key(module.filename, function.name)
                found = _forwarded(linter, module, function)
                if found is not None:
                    old = linter.sinks.get(name, sink([], []))
                    merged = sink(old.positions | found.positions, old.keywords | found.keywords)
                    changed |= merged != old
                    linter.sinks[name] = merged
                scope = module.scope(function)
                through = _returned_parameters(linter, function, scope)
                if through - linter.passthrough.get(name, set()):
                    linter.passthrough[name] = linter.passthrough.get(name, set()) | through
                    changed = True
                if name not in linter.literal_functions and any(
                        linter.literal(value, scope) for value in _returns(function)):
                    linter.literal_functions.add(name)
                    changed = True


def _enclosing(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef]:
    owner: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for function in sorted(functions(tree), key=lambda f: f.lineno):  # inner ones win
        for node in ast.walk(function):
            owner[node] = function
    return owner


def problems(linter: Linter, module: Module) -> list[str]:
    linter.filename = module.filename
    owner = _enclosing(module.tree)
    found = []
    for call in (n for n in ast.walk(module.tree) if isinstance(n, ast.Call)):
        scope = module.scope(owner.get(call))
        if any(linter.literal(arg, scope) for arg in linter.sink_arguments(call)):
            found.append(f"{module.filename}:{call.lineno}: {callee_name(call)}(...) shows an "
                         "untranslated literal")
    return found


def lint(sources: dict[str, str], untranslated: Iterable[str] = ()) -> list[str]:
    """Problems in ``sources`` (filename -> code), learning sinks across all of them.

    ``untranslated`` names variables/constants whose texts are deliberately shown as they are.
    """
    modules = [Module.parse(code, name) for name, code in sources.items()]
    linter = Linter(untranslated=frozenset(untranslated))
    learn(linter, modules)
    return [problem for module in modules for problem in problems(linter, module)]


def lint_files(root: Path, directories: Iterable[str], untranslated: Iterable[str] = ()
               ) -> list[str]:
    sources = {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for directory in directories
        for path in sorted((root / directory).rglob("*.py"))
    }
    return lint(sources, untranslated)
