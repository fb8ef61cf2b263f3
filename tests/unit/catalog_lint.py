"""Catalog lint rules that read the code (used by test_catalog_lint).

**Two roles without a context.** A msgid has the *button* role where it is the label of a
``Button(...)`` (``Button(t._("Skip"), ...)``) and the *text* role anywhere else it is
translated (``t._("Skip")`` in a message, a status line, an alert). A constant marked with
``N_`` in a module-level dict (``STATUS = {...: N_("Done")}``) takes the roles of the
calls of its label functions, the functions that return ``t._(STATUS[...])``: a call that is
a Button's label gives the button role, any other call the text role. A msgid with both
roles and no context is reported: the professional's "Not hired yet" on their button is
in their voice, the same words on the card are nobody's, and translators need the two apart
(``t.pgettext("status button", ...)`` / ``t.pgettext("status", ...)``).

**Button labels too long.** A *row* is a tuple or list written in the code whose items are
``Button(...)`` calls (or names bound to one), or a list name built with ``[Button(...)]``
and ``.append(Button(...))``. Its size is how many buttons it can hold. Each translated
label (``t._``, ``t.pgettext``, or a label function's constants) is checked in every
language against the limit of the largest row it appears in: 30 characters in a row of
two, 20 in a row of three or more (a phone shows about that much of a half or a third of
the keyboard's width). A label alone on its row is not limited.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from dataclasses import dataclass, field

Key = tuple[str | None, str]  # (msgctxt, msgid)
ROW_LIMITS = {2: 30, 3: 20}  # row size (3 = three or more) -> most characters of a label


def limit_for(row_size: int) -> int | None:
    if row_size < 2:
        return None
    return ROW_LIMITS[min(row_size, 3)]


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def translated_key(node: ast.expr) -> Key | None:
    """The (context, msgid) of ``t._("...")`` or ``t.pgettext("ctx", "...")``, else None."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    args = node.args
    if node.func.attr == "_" and len(args) == 1 and _text(args[0]) is not None:
        return (None, str(_text(args[0])))
    if node.func.attr == "pgettext" and len(args) == 2 and None not in map(_text, args):
        return (_text(args[0]), str(_text(args[1])))
    return None


def _marked(node: ast.expr) -> Key | None:
    """``N_("...")`` -> (None, msgid); ``NC_("ctx", "...")`` -> (ctx, msgid)."""
    if not isinstance(node, ast.Call):
        return None
    texts = [_text(arg) for arg in node.args]
    if _name(node) == "N_" and len(texts) == 1 and texts[0] is not None:
        return (None, texts[0])
    if _name(node) == "NC_" and len(texts) == 2 and None not in texts:
        return (texts[0], str(texts[1]))
    return None


def _is_button(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node) == "Button"


def _label(button: ast.Call) -> ast.expr | None:
    if button.args:
        return button.args[0]
    return next((kw.value for kw in button.keywords if kw.arg == "text"), None)


@dataclass
class Code:
    """What the rules need from the code: marked dicts, label functions, texts, rows."""

    trees: dict[str, ast.Module]
    marked: dict[str, list[Key]] = field(default_factory=dict)  # dict name -> its constants
    # label function name -> the constants it translates
    label_functions: dict[str, list[Key]] = field(default_factory=dict)
    label_bodies: set[int] = field(default_factory=set)  # ids of the nodes inside them

    @classmethod
    def parse(cls, sources: dict[str, str]) -> Code:
        code = cls({name: ast.parse(text, name) for name, text in sources.items()})
        code._find_marked_dicts()
        code._find_label_functions()
        return code

    def _find_marked_dicts(self) -> None:
        for tree in self.trees.values():
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                    keys = [_marked(value) for value in node.value.values]
                    for target in node.targets:
                        if isinstance(target, ast.Name) and keys and None not in keys:
                            self.marked[target.id] = [k for k in keys if k is not None]

    def _find_label_functions(self) -> None:
        """Functions that return a translated item of a marked dict (``status_name``)."""
        for tree in self.trees.values():
            for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
                returned = [n.value for n in ast.walk(function)
                            if isinstance(n, ast.Return) and n.value is not None]
                keys = [key for value in returned for key in self._marked_item(value)]
                if keys:
                    self.label_functions[function.name] = keys
                    self.label_bodies |= {id(n) for n in ast.walk(function)}

    def _marked_item(self, node: ast.expr) -> list[Key]:
        """``t._(REASON[r])`` or ``t.pgettext(context, STATUS[s])`` -> the dict's constants."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("_", "pgettext") and node.args and \
                isinstance(node.args[-1], ast.Subscript):
            looked_up = node.args[-1].value
            if isinstance(looked_up, ast.Name) and looked_up.id in self.marked:
                return self.marked[looked_up.id]
        return []

    def labels_of(self, node: ast.expr) -> list[Key]:
        """The msgids a text expression shows: a translated constant, a translated item of a
        marked dict (``t._(REASON[r])``) or a call of a label function."""
        key = translated_key(node)
        if key is not None:
            return [key]
        if not isinstance(node, ast.Call):
            return []
        if isinstance(node.func, ast.Name) and node.func.id in self.label_functions:
            return self.label_functions[node.func.id]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return self.labels_of(node.func.value)
        return self._marked_item(node)

    def uses(self) -> Iterator[tuple[str, Key]]:
        """(role, key) of every translated text: "button" for a Button's label, else "text"."""
        for tree in self.trees.values():
            labels = {id(_label(n)) for n in ast.walk(tree) if _is_button(n)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and id(node) not in self.label_bodies:
                    role = "button" if id(node) in labels else "text"
                    yield from ((role, key) for key in self.labels_of(node))

    def rows(self) -> Iterator[tuple[int, list[Key]]]:
        """(size, labels) of every row of buttons written in the code."""
        for tree in self.trees.values():
            for function in (n for n in ast.walk(tree)
                             if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
                yield from self._rows_in(function)

    def _rows_in(self, function: ast.FunctionDef | ast.AsyncFunctionDef
                 ) -> Iterator[tuple[int, list[Key]]]:
        bound: dict[str, list[ast.Call]] = {}  # name -> the buttons given to it
        for node in ast.walk(function):
            for name, value in _bindings(node):
                items = value.elts if isinstance(value, ast.List) else [value]
                bound.setdefault(name, []).extend(i for i in items if _is_button(i))
        for node in ast.walk(function):
            if isinstance(node, ast.Tuple | ast.List):
                buttons = [e if _is_button(e) else (bound.get(getattr(e, "id", "")) or [None])[0]
                           for e in node.elts]
                if buttons and all(isinstance(b, ast.Call) for b in buttons):
                    yield len(buttons), self._keys([b for b in buttons if b is not None])
            if isinstance(node, ast.Call) and _name(node) == "tuple" and node.args and \
                    isinstance(node.args[0], ast.Name) and node.args[0].id in bound:
                buttons = bound[node.args[0].id]
                yield len(buttons), self._keys(buttons)

    def _keys(self, buttons: list[ast.Call]) -> list[Key]:
        return [key for button in buttons
                for key in self.labels_of(_label(button) or ast.Constant(""))]


def _bindings(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """``x = value`` and ``x.append(value)``."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                yield target.id, node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "append" and isinstance(node.func.value, ast.Name) and node.args:
        yield node.func.value.id, node.args[0]


def two_roles(sources: dict[str, str]) -> list[str]:
    """Msgids without a context used both as a button label and as other text."""
    roles: dict[Key, set[str]] = {}
    for role, key in Code.parse(sources).uses():
        roles.setdefault(key, set()).add(role)
    return sorted(f"{msgid!r} is a button label and a text: give each role a context "
                  "(t.pgettext)" for (context, msgid), found in roles.items()
                  if context is None and found == {"button", "text"}
                  and has_words(msgid))


def has_words(msgid: str) -> bool:
    """Letters outside the placeholders: "{page}/{pages}" has no voice, no role to tell."""
    literal = "".join(text for text, _, _, _ in string.Formatter().parse(msgid))
    return any(char.isalpha() for char in literal)


def row_limits(sources: dict[str, str]) -> dict[Key, int]:
    """Each button label's limit: that of the largest row it is in (labels alone: none)."""
    limits: dict[Key, int] = {}
    for size, keys in Code.parse(sources).rows():
        limit = limit_for(size)
        for key in keys:
            if limit is not None:
                limits[key] = min(limits.get(key, limit), limit)
    return limits


def too_long(limits: dict[Key, int], translate: dict[str, dict[Key, str]]) -> list[str]:
    """Labels longer than their limit in some language (`translate`: language -> texts)."""
    found = []
    for language, texts in sorted(translate.items()):
        for key, limit in sorted(limits.items(), key=lambda item: (item[0][0] or "", item[0][1])):
            text = texts.get(key) or key[1]
            if len(text) > limit:
                found.append(f"{language}: {text!r} ({len(text)} characters; {limit} in its row)")
    return found
