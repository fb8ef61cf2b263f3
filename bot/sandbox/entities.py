"""The bot_command entities Telegram finds in a text (Bot API MessageEntity "bot_command",
like "/start@jobs_bot"): a "/" followed by letters, digits and underscores, optionally
"@botname", at the start of the text or after a non-word character. Offsets and lengths count
UTF-16 code units, as the Bot API does."""

from __future__ import annotations

import re
from typing import Any

BOT_COMMAND = re.compile(r"(?<!\w)/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    return [{"type": "bot_command", "offset": utf16_length(text[:match.start()]),
             "length": utf16_length(match.group())}
            for match in BOT_COMMAND.finditer(text)]
