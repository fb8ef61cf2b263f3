"""What a person types for the order (its title, a revision, a dispute's reason, a note, a
comment, a reply): normalised, trimmed, visible and short enough.

Every text is NFC-normalised and loses its control characters (C0, DEL and C1) before it is
checked: they cannot be seen in a Telegram client, carry no meaning in a sentence, and would
be echoed into the chat and moderators' notices (an ESC or a NUL). They are removed rather than
refused, so a pasted text with one stray byte is kept without asking the person again. Line
breaks stay where the text may have several lines (everything but the title); a tab becomes a
space. A text with nothing visible left (only spaces, zero-width or other invisible
characters) is refused as empty.
"""

from __future__ import annotations

import unicodedata

from bot.domain.errors import InvalidInput

TITLE_MAX = 120
INT64_MAX = 2**63 - 1  # Telegram's ids and any number kept fit a signed 64-bit integer


def whole_number(text: str) -> int | None:
    """A number typed with the digits 0-9 (not another script's, which would be read as a
    different number), from 0 to int64's largest; None for anything else."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()):
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(INT64_MAX)) or int(digits) > INT64_MAX:
        return None
    return int(digits)


# Letters that show as blank space (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")


def without_controls(text: str, multiline: bool) -> str:
    """NFC, line breaks unified, control characters removed (a newline kept when
    `multiline`, a tab turned into a space)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char == "\n" and multiline:
            kept.append(char)
        elif char in "\t\n":
            kept.append(" ")
        elif unicodedata.category(char) != "Cc":
            kept.append(char)
    return "".join(kept)


def is_blank(text: str) -> bool:
    """Nothing a person could see: spaces, controls, zero-width and other invisible marks."""
    return all(unicodedata.category(char) in _INVISIBLE or char in _BLANK_LETTERS
               for char in text)


def order_title(text: str) -> str:
    """The title as kept: one line, its spaces collapsed, visible, not too long."""
    title = " ".join(without_controls(text, multiline=False).split())
    if is_blank(title):
        raise InvalidInput("missing title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput("title too long", field="title", limit=TITLE_MAX)
    return title


def optional_text(text: str | None, field: str, limit: int) -> str | None:
    """A text that may be left out: None for nothing typed, refused when only invisible."""
    if text is None or not text.strip():
        return None
    return clean_text(text, field, limit)


def clean_text(text: str, field: str, limit: int) -> str:
    """A text of several lines, trimmed: refused when nothing visible is left or too long."""
    cleaned = without_controls(text, multiline=True).strip()
    if is_blank(cleaned):
        raise InvalidInput("empty text", field=field)
    if len(cleaned) > limit:
        raise InvalidInput("text too long", field=field, limit=limit)
    return cleaned
