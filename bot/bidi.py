"""Right-to-left texts that keep commands, @usernames, names, ids and dates in logical order.

In Arabic text a `/command`, an `@username` or a Latin name is a left-to-right island; without
isolation the Unicode bidi algorithm moves its slash or at-sign to the wrong end ("profile/").
The translator writes no marks: for a right-to-left language the Translator hands out its texts
through `rtl_text`, which isolates (FSI … PDI) every command and @username written in the text,
and returns a template whose `.format` isolates every substituted value.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
# Telegram's entities: a "/" or "@" at the start or after a non-word character; a command's
# Latin arguments ("/orders disputed") stay in its isolate.
COMMAND_OR_MENTION = re.compile(
    r"(?<!\w)(?:/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?(?: [A-Za-z][A-Za-z0-9_]*)*|@[A-Za-z0-9_]+)")
RIGHT_TO_LEFT = ("R", "AL")
TEXTS_KEPT = 4096  # texts of one catalog, isolated once each


def isolated(text: str) -> str:
    """`text` in FSI … PDI. Stays as it is: a text already isolated, empty or of several lines
    (an isolate cannot span lines: each line is its own bidi paragraph), and right-to-left text
    such as "الطلب رقم 12", which keeps the line right-to-left when it opens it."""
    if not text or "\n" in text or _starts_right_to_left(text) or (
            text.startswith(FIRST_STRONG_ISOLATE) and text.endswith(POP_DIRECTIONAL_ISOLATE)):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def _starts_right_to_left(text: str) -> bool:
    """Whether the first strong character of `text` is right-to-left."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction == "L":
            return False
        if direction in RIGHT_TO_LEFT:
            return True
    return False


class _IsolatingFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return isolated(super().format_field(value, format_spec))


_FORMATTER = _IsolatingFormatter()


class RtlTemplate(str):
    """A right-to-left text whose placeholders are filled in isolates."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        return _FORMATTER.vformat(self, args, kwargs)

    def format_map(self, mapping: Mapping[str, object]) -> str:  # type: ignore[override]
        return _FORMATTER.vformat(self, (), mapping)


@lru_cache(maxsize=TEXTS_KEPT)
def rtl_text(text: str) -> str:
    """A right-to-left catalog text with its commands and @usernames isolated; a text with
    placeholders becomes an `RtlTemplate`."""
    marked = COMMAND_OR_MENTION.sub(lambda match: isolated(match.group()), text)
    return RtlTemplate(marked) if "{" in marked else marked


def addressed(username: str | None, text: str) -> str:
    """`text` addressed to @username: on the same line, or, before right-to-left text, on a
    line of its own (a left-to-right paragraph that needs no mark, and the text below keeps
    its right-to-left paragraph)."""
    if not username:
        return text
    separator = "\n" if _starts_right_to_left(text) else " "
    return f"@{username}{separator}{text}"
