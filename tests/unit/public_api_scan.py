"""Finding uses of names other packages keep private, read with ast (see test_public_api_only).

A name is private when it starts with `_` and is not a dunder. The project's own private names are:

* the module-level names of each of its modules (reached as `module._name` through an import of
  that module, or used bare);
* the attributes of its *own* classes: methods, class-body assignments and `self._name = ...` /
  `cls._name = ...` in their methods. A class is the project's own when every base is a builtin,
  a class of the standard library or another own class of the project.

A class with a base from a third-party package is not the project's own: a `_name` it defines
overrides (or may come to override) a private hook of that package, so the definition is reported,
and so is every `x._name` that the own classes do not define.

Reported: an attribute `x._name` the project does not own (read, written or deleted); a
`getattr`/`setattr`/`hasattr`/`delattr` call (builtin or `monkeypatch.setattr`/`delattr`) with such
a name as a string literal; a `_name` defined on a class that is not the project's own; an import of
a module with a `_part` in its path, or of a `_name` from a module, of a package not the project's.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

OWN_PACKAGES = frozenset({"bot", "handlers", "scheduler", "tests", "bench", "migrations"})
ATTRIBUTE_CALLS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the root, with forward slashes
    line: int
    name: str  # the private name, or the imported module path
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.what}"


@dataclass
class Module:
    name: str
    path: str
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # bound name -> dotted target
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)  # top-level classes
    names: set[str] = field(default_factory=set)  # module-level names


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.path.endswith("__init__.py"):
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def _targets(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)


def _read(module: Module) -> None:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.imports[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    module.imports[root] = root
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                module.imports[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            module.names.add(node.name)
            if isinstance(node, ast.ClassDef):
                module.classes[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                module.names.update(_targets(target))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            module.names.update(_targets(node.target))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                module.names.add((alias.asname or alias.name).split(".")[0])
    # Names a module binds anywhere at module level (in `if`/`try` blocks too).
    module.names.update(name for name in module.imports)
    for node in module.tree.body:
        if isinstance(node, ast.If | ast.Try):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    module.names.add(inner.id)
                elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    module.names.add(inner.name)


def _class_members(cls: ast.ClassDef) -> Iterator[tuple[str, ast.AST]]:
    """Names a class defines: methods, class-body assignments, `self.x = ` / `cls.x = `."""
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name, node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _targets(target):
                    yield name, node
        elif isinstance(node, ast.AnnAssign):
            for name in _targets(node.target):
                yield name, node
    for method in cls.body:
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(method):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                yield node.attr, node


class Project:
    def __init__(self, root: Path, roots: tuple[str, ...]) -> None:
        self.root = root
        self.modules: dict[str, Module] = {}
        for top in roots:
            for path in sorted((root / top).rglob("*.py")):
                relative = path.relative_to(root)
                module = Module(module_name(relative), relative.as_posix(),
                                ast.parse(path.read_text(encoding="utf-8"), str(path)))
                _read(module)
                self.modules[module.name] = module
        self._own_cache: dict[tuple[str, str], bool] = {}
        self.own_attributes: set[str] = set()
        for module in self.modules.values():
            for cls in self._all_classes(module):
                if self.own_class(module, cls):
                    self.own_attributes.update(name for name, _ in _class_members(cls))

    @staticmethod
    def _all_classes(module: Module) -> Iterator[ast.ClassDef]:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef):
                yield node

    # -- resolving names ------------------------------------------------------------------

    def dotted(self, module: Module, node: ast.expr) -> str | None:
        """The dotted name an expression refers to, through the module's imports."""
        if isinstance(node, ast.Subscript):
            return self.dotted(module, node.value)
        if isinstance(node, ast.Attribute):
            base = self.dotted(module, node.value)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, ast.Name):
            if node.id in module.imports:
                return module.imports[node.id]
            if node.id in module.classes:
                return f"{module.name}.{node.id}"
            if node.id in module.names:
                return f"{module.name}.{node.id}"
            if hasattr(builtins, node.id):
                return f"builtins.{node.id}"
        return None

    def project_class(self, dotted: str, depth: int = 0) -> tuple[Module, ast.ClassDef] | None:
        head, _, last = dotted.rpartition(".")
        module = self.modules.get(head)
        if module is None or depth > 10:
            return None
        if last in module.classes:
            return module, module.classes[last]
        if last in module.imports:  # re-exported
            return self.project_class(module.imports[last], depth + 1)
        return None

    def project_module(self, dotted: str) -> Module | None:
        return self.modules.get(dotted)

    def own_class(self, module: Module, cls: ast.ClassDef) -> bool:
        key = (module.name, f"{cls.name}:{cls.lineno}")
        if key in self._own_cache:
            return self._own_cache[key]
        self._own_cache[key] = True  # a cycle cannot make a class third-party
        own = all(self._own_base(module, base) for base in cls.bases)
        self._own_cache[key] = own
        return own

    def _own_base(self, module: Module, base: ast.expr) -> bool:
        dotted = self.dotted(module, base)
        if dotted is None:
            return False
        top = dotted.split(".")[0]
        if top == "builtins" or (top in sys.stdlib_module_names and top not in OWN_PACKAGES):
            return True
        found = self.project_class(dotted)
        if found is not None:
            return self.own_class(*found)
        return False

    # -- the scan -------------------------------------------------------------------------

    def owned(self, module: Module, receiver: ast.expr, name: str) -> bool:
        """Whether `receiver.name` is one of the project's own names."""
        dotted = self.dotted(module, receiver)
        if dotted is not None:
            target = self.project_module(dotted)
            if target is not None:
                return name in target.names
            found = self.project_class(dotted)
            if found is not None and self.own_class(*found):
                return name in {member for member, _ in _class_members(found[1])} \
                    or name in self.own_attributes
        return name in self.own_attributes

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for module in self.modules.values():
            out.extend(self._module_findings(module))
        return sorted(set(out))

    def _module_findings(self, module: Module) -> Iterator[Finding]:
        path = module.path
        for cls in self._all_classes(module):
            if self.own_class(module, cls):
                continue
            for name, node in _class_members(cls):
                if private(name):
                    yield Finding(path, getattr(node, "lineno", cls.lineno), name,
                                  f"{cls.name}.{name} defined on a subclass of a third-party class")
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Attribute) and private(node.attr):
                if not self.owned(module, node.value, node.attr):
                    yield Finding(path, node.lineno, node.attr, f".{node.attr}")
            elif isinstance(node, ast.Call):
                yield from self._call_findings(module, node)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                parts = node.module.split(".")
                if parts[0] in OWN_PACKAGES:
                    continue
                if any(private(part) for part in parts):
                    yield Finding(path, node.lineno, node.module, f"from {node.module} import")
                for alias in node.names:
                    if private(alias.name):
                        yield Finding(path, node.lineno, alias.name,
                                      f"from {node.module} import {alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] not in OWN_PACKAGES and any(private(p) for p in parts):
                        yield Finding(path, node.lineno, alias.name, f"import {alias.name}")

    def _call_findings(self, module: Module, node: ast.Call) -> Iterator[Finding]:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ATTRIBUTE_CALLS:
            called = func.id
        elif isinstance(func, ast.Attribute) and func.attr in ("setattr", "delattr"):
            called = f"{ast.unparse(func.value)}.{func.attr}"
        else:
            return
        if len(node.args) < 2:
            return
        name = node.args[1]
        if (isinstance(name, ast.Constant) and isinstance(name.value, str)
                and private(name.value) and not self.owned(module, node.args[0], name.value)):
            yield Finding(module.path, node.lineno, name.value, f"{called}(..., {name.value!r})")


def scan(root: Path, roots: tuple[str, ...]) -> list[Finding]:
    return Project(root, roots).findings()
