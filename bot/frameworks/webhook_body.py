"""What the webhook accepts as an update: a UTF-8 JSON object whose `update_id` is an int64.

Anything else is answered 400 (the only answers besides 200 and the secret's 403): a body that
is not JSON (not UTF-8, malformed, or nested deeper than the parser goes), an `update_id` that is
missing or not an int64 (`10**30`, `1e400`, `"7"`, `true`), or a body over the size limit. A
well-formed update of a kind the bot does not handle is not refused here: it gets its 200.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DEFAULT_MAX_BYTES = 1024 * 1024


class BadUpdate(ValueError):
    """The body is not an update; the message is the 400's text."""


@dataclass(frozen=True)
class ParsedUpdate:
    update_id: int
    payload: dict[str, Any]
    text: str


def parse_update(body: bytes) -> ParsedUpdate:
    """The update in `body`, or BadUpdate saying why it is not one."""
    try:
        text = body.decode("utf-8")
        payload = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise BadUpdate("not JSON: the body is not UTF-8") from error
    except RecursionError as error:
        raise BadUpdate("not JSON: nested too deep") from error
    except ValueError as error:  # JSONDecodeError
        raise BadUpdate("not JSON") from error
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    if type(update_id) is not int or not INT64_MIN <= update_id <= INT64_MAX:
        raise BadUpdate("not an update: update_id is not a 64-bit integer")
    return ParsedUpdate(update_id, payload, text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def kind_of(payload: dict[str, Any]) -> str:
    """What an update carries: "inline_query", "edited_message", "message"..."""
    kinds = sorted(key for key in payload if key != "update_id")
    return ", ".join(kinds) or "nothing"


def tap_of(payload: dict[str, Any]) -> tuple[str, str | None] | None:
    """A tap's (callback query id, the person's language), or None if it is not a tap."""
    query = payload.get("callback_query")
    if not isinstance(query, dict) or not isinstance(query.get("id"), str):
        return None
    person = query.get("from")
    language = person.get("language_code") if isinstance(person, dict) else None
    return query["id"], language if isinstance(language, str) else None
