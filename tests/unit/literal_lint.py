"""A lint that finds untranslated literals in what the bot shows (used by test_literal_lint).

A *sink* is an argument that people see: the text of SendMessage/EditMessage/AnswerCallback,
a Button's label, a ForceReply's placeholder, a SendDocument's caption, and the same
arguments of the Telegram libraries' calls (send_message, InlineKeyboardButton, ...).
Functions that pass one of their parameters on to a sink become sinks for that parameter
too (``reply(event, text)``, ``say(order, text)``), found across all linted files; a private
function (``_reply``) only within its own file.

An argument is *literal text* when it is a string constant with a letter in it ("⭐", "«"
and "1" are fine), or is built from one: f-strings, ``+``/``%``, ``"...".format()``,
``"\\n".join([...])``, ``a or "..."``, ``x if c else "..."``, a variable or module constant
assigned such a value, an item of a dict of them, or a call of a linted function that
returns such a value. Texts through ``t._``/``t.ngettext``/``t.pgettext``/``t.npgettext``
are calls of the translator, never literal (a context, their first argument, is not shown);
a text only marked for extraction (``N_("...")``, ``NC_("context", "...")``) is still
literal text: it must go through ``t._``/``t.pgettext`` before it is shown.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

Scope = dict[str, list[ast.expr]]  # name -> the values assigned to it


@dataclass(frozen=True)
class Sink:
    positions: frozenset[int]
    keywords: frozenset[str]


def sink(positions: Iterable[int], keywords: Iterable[str]) -> Sink:
    return Sink(frozenset(positions), frozenset(keywords))


BASE_SINKS = {
    "SendMessage": sink([1], ["text"]),
    "EditMessage": sink([1], ["text"]),
    "AnswerCallback": sink([1], ["text"]),
    "Button": sink([0], ["text"]),
    "ForceReply": sink([0], ["placeholder", "input_field_placeholder"]),
    "SendDocument": sink([3], ["caption"]),
    # the Telegram libraries (bot/frameworks)
    "send_message": sink([1], ["text"]),
    "edit_message_text": sink([0], ["text"]),
    "answer_callback_query": sink([1], ["text"]),
    "InlineKeyboardButton": sink([0], ["text"]),
    "KeyboardButton": sink([0], ["text"]),
    "send_document": sink([], ["caption"]),
}
SELF_NAMES = ("self", "cls")
MARKERS = ("N_", "NC_")  # mark a msgid for extraction and return it untranslated


def is_prose(text: str) -> bool:
    """Letters need translating; "", "⭐", "«", "1" and the like do not."""
    return any(char.isalpha() for char in text)


def callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _assigned(node: ast.AST) -> tuple[list[ast.expr], ast.expr | None]:
    """The names ``node`` gives a value to, and that value (or an iterable of such values)."""
    if isinstance(node, ast.Assign):
        return node.targets, node.value
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        return [node.target], node.value
    if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        return [node.target], node.iter  # each name holds a part of the iterable
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Name) and node.func.attr in ("append", "extend", "insert"):
        return [node.func.value], node.args[-1] if node.args else None  # lines.append("...")
    return [], None


def assignments(body: Iterable[ast.AST]) -> Scope:
    """Values assigned to plain names in ``body``, not looking into nested functions."""
    scope: Scope = {}
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        targets, value = _assigned(node)
        for target in targets:
            for name in (n for n in ast.walk(target) if isinstance(n, ast.Name)):
                if value is not None:
                    scope.setdefault(name.id, []).append(value)
        todo.extend(ast.iter_child_nodes(node))
    return scope


def key(filename: str, name: str) -> tuple[str, str]:
    """Public functions are known by name everywhere; private ones only in their file."""
    return (filename if name.startswith("_") else "", name)


@dataclass
class Linter:
    """Knowledge shared by all linted files: sinks, functions that return literal text and
    functions that return their argument (``fit(text)``). ``filename`` is the file being
    looked at, for its private functions."""

    sinks: dict[tuple[str, str], Sink] = field(
        default_factory=lambda: {("", name): found for name, found in BASE_SINKS.items()})
    literal_functions: set[tuple[str, str]] = field(default_factory=set)
    passthrough: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    untranslated: frozenset[str] = frozenset()  # names of texts deliberately not translated
    filename: str = ""

    # --- is an expression literal text? -------------------------------------------------------

    def literal(self, node: ast.expr | None, scope: Scope, seen: frozenset[str] = frozenset()
                ) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and is_prose(node.value)
        if isinstance(node, ast.JoinedStr):
            return any(self.literal(part, scope, seen) for part in node.values)
        if isinstance(node, ast.BinOp):
            return self.literal(node.left, scope, seen) or self.literal(node.right, scope, seen)
        if isinstance(node, ast.IfExp):
            return self.literal(node.body, scope, seen) or self.literal(node.orelse, scope, seen)
        if isinstance(node, ast.BoolOp):
            return any(self.literal(value, scope, seen) for value in node.values)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return any(self.literal(element, scope, seen) for element in node.elts)
        if isinstance(node, ast.Dict):
            return any(self.literal(value, scope, seen) for value in node.values)
        if isinstance(node, ast.Subscript):
            return self.literal(node.value, scope, seen)
        if isinstance(node, ast.Name):
            if node.id in seen or node.id in self.untranslated:
                return False
            values = scope.get(node.id, [])
            return any(self.literal(value, scope, seen | {node.id}) for value in values)
        if isinstance(node, ast.Call):
            return self._literal_call(node, scope, seen)
        return False

    def _literal_call(self, call: ast.Call, scope: Scope, seen: frozenset[str]) -> bool:
        name = callee_name(call)
        if isinstance(call.func, ast.Name) and name in MARKERS and call.args:
            return self.literal(call.args[-1], scope, seen)
        if isinstance(call.func, ast.Attribute) and name in ("format", "join", "strip"):
            joined = call.args[:1] if name == "join" else []
            return any(self.literal(arg, scope, seen) for arg in [call.func.value, *joined])
        if key(self.filename, name or "") in self.literal_functions:
            return True
        through = self.passthrough.get(key(self.filename, name or ""), set())
        return any(self.literal(arg, scope, seen) for index, arg in enumerate(call.args)
                   if index in through)

    def carries(self, node: ast.expr, name: str, scope: Scope,
                seen: frozenset[str] = frozenset()) -> bool:
        """Whether the text ``node`` is made of the value of ``name`` (not formatted into a
        translated text: ``t._("{x}").format(x=name)`` does not carry ``name``)."""
        if isinstance(node, ast.Name):
            if node.id == name:
                return True
            values = [] if node.id in seen else scope.get(node.id, [])
            return any(self.carries(v, name, scope, seen | {node.id}) for v in values)
        return any(self.carries(part, name, scope, seen) for part in self._parts(node))

    def _parts(self, node: ast.expr) -> list[ast.expr]:
        if isinstance(node, ast.BinOp):
            return [node.left, node.right]
        if isinstance(node, ast.IfExp):
            return [node.body, node.orelse]
        if isinstance(node, ast.BoolOp):
            return node.values
        if isinstance(node, ast.JoinedStr):
            return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        if isinstance(node, ast.List | ast.Tuple):
            return node.elts
        if isinstance(node, ast.Subscript | ast.Starred):
            return [node.value]
        if isinstance(node, ast.Call) and callee_name(node) == "join":
            return node.args[:1]
        if isinstance(node, ast.Call):  # fit(text): a function that returns its argument
            through = self.passthrough.get(key(self.filename, callee_name(node) or ""), set())
            return [arg for index, arg in enumerate(node.args) if index in through]
        return []

    # --- sink arguments ---------------------------------------------------------------------

    def sink_arguments(self, call: ast.Call) -> Iterator[ast.expr]:
        found = self.sinks.get(key(self.filename, callee_name(call) or ""))
        if found is None:
            return
        yield from (arg for index, arg in enumerate(call.args) if index in found.positions)
        yield from (kw.value for kw in call.keywords if kw.arg in found.keywords)
