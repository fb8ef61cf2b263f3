"""What a person types for the order (its title, a revision, a dispute's reason): trimmed,
present and short enough."""

from __future__ import annotations

from bot.domain.errors import InvalidInput

TITLE_MAX = 120


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
