"""Commands written in Arabic texts stay commands: the bot's isolates (FSI … PDI) around
"/profile" do not keep Telegram from marking it as a bot_command entity (the sandbox applies
Telegram's rule to what the bot sends), and the reader sees it in logical order.
(Checked with the Unicode bidi algorithm and the sandbox, not with real Telegram clients.)"""

from __future__ import annotations

import pytest

from bot.i18n import Translations
from tests.e2e.world import Entry, World
from tests.unit.bidi_reading import reversed_tokens

pytestmark = pytest.mark.e2e
HELP_COMMANDS = ["/neworder", "/profile", "/lang"]
MODERATOR_COMMANDS = ["/orders", "/order", "/remind", "/hide_review", "/restore_review",
                      "/cancel", "/refund", "/disputes", "/stats", "/export", "/mod_add",
                      "/mod_remove"]


def commands_marked(entry: Entry) -> list[str]:
    """The texts of the bot_command entities of a message (offsets in UTF-16 code units)."""
    units = str(entry["text"]).encode("utf-16-le")
    return [units[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in entry.get("entities", []) if e["type"] == "bot_command"]


async def test_the_arabic_help_keeps_its_commands(world: World) -> None:
    t = Translations(default="en").get("ar")
    layla = await world.user("Layla", "ar")
    await world.say(layla, layla, "/help")
    help_text = await world.wait_text(layla, t._("/profile shows a professional's reviews; "
                                                  "/lang changes your language."))
    assert commands_marked(help_text) == HELP_COMMANDS
    assert reversed_tokens(str(help_text["text"])) == []


async def test_the_arabic_moderators_help_keeps_its_commands(world: World) -> None:
    omar = await world.user("Omar", "ar")
    await world.add_moderator(omar)
    await world.say(omar, omar, "/start")
    help_text = await world.wait_text(omar, "/mod_remove")
    assert commands_marked(help_text) == HELP_COMMANDS + MODERATOR_COMMANDS
    assert reversed_tokens(str(help_text["text"])) == []
