"""What a person types for the order (its title, a revision, a dispute's reason): trimmed,
present and short enough."""

from __future__ import annotations

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


def order_title(text: str) -> str:
    """The title as kept: its spaces collapsed, not empty, not too long."""
    title = " ".join(text.split())
    if not title:
        raise InvalidInput("missing title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput("title too long", field="title", limit=TITLE_MAX)
    return title


def clean_text(text: str, field: str, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("empty text", field=field)
    if len(cleaned) > limit:
        raise InvalidInput("text too long", field=field, limit=limit)
    return cleaned
