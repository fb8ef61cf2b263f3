"""The bot_command entities Telegram finds in a text (Bot API MessageEntity "bot_command",
like "/start@jobs_bot"): a "/" followed by letters, digits and underscores, optionally
"@botname", neither preceded nor followed by a word character, "/", "<" or ">" (so "</b>" and
"and/or" hold none), as Telegram's own entity parser (tdlib's match_bot_commands) reads them.
Offsets and lengths count UTF-16 code units, as the Bot API does."""

from __future__ import annotations

import re
from typing import Any

# A "@" right after the command starts a bot name: too short or too long, no command at all.
BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    return [{"type": "bot_command", "offset": utf16_length(text[:match.start()]),
             "length": utf16_length(match.group())}
            for match in BOT_COMMAND.finditer(text)]
