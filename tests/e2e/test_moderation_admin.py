"""/mod_add and /mod_remove through each framework against the sandbox:
the new moderator can run moderator commands and gets the moderators' command menu in their
private chat in every language; once removed they are refused and the menu is gone; the
moderators in the settings cannot be removed by command; the audit rows of the export."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import Translations
from handlers.command_menus import MODERATOR, PRIVATE
from tests.e2e.moderation_steps import CONFIGURED, REFUSED, ask, exported, moderator
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
LANGUAGES = ["", "en", "es", "pt", "ar"]  # "": the menu for every other language
NAMES = [name for name, _ in (*PRIVATE, *MODERATOR)]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"moderator_ids": (CONFIGURED,)}


async def _menus(world: World, chat_id: int) -> dict[str, list[dict[str, str]]]:
    """The commands set for this private chat's own scope, by language code."""
    await world.flush()
    return {menu["language_code"]: menu["commands"] for menu in await world.control.commands()
            if menu["scope"] == {"type": "chat", "chat_id": chat_id}}


async def test_mod_add_and_mod_remove_with_the_menus(world: World) -> None:
    mona = await moderator(world, configured=True)
    nuno = await world.user("Nuno", "es", "nuno")
    mine = await _menus(world, mona)  # published at start for the configured moderator
    assert sorted(mine) == sorted(LANGUAGES)
    assert await _menus(world, nuno) == {}
    await ask(world, nuno, nuno, "/stats", "Solo los moderadores pueden usar este comando.")

    await ask(world, mona, mona, f"/mod_add {nuno}", f"{nuno} is now a moderator.")
    menus = await _menus(world, nuno)
    assert sorted(menus) == sorted(LANGUAGES)
    assert all([c["command"] for c in menu] == NAMES for menu in menus.values())
    spanish = {c["command"]: c["description"] for c in menus["es"]}
    es = Translations(default="en").get("es")
    assert spanish["orders"] == es._("Moderators: list orders, optionally by status")
    assert spanish["orders"] != "Moderators: list orders, optionally by status"
    await ask(world, nuno, nuno, "/stats", "Pedidos: 0")
    await ask(world, nuno, nuno, f"/mod_add {nuno}", "ya es moderador")
    kept = await ask(world, nuno, nuno, f"/mod_remove {mona}", str(mona))
    assert "configuración" in kept["text"]
    assert await _menus(world, mona) == mine

    await ask(world, mona, mona, f"/mod_remove {nuno}", f"{nuno} is no longer a moderator.")
    assert await _menus(world, nuno) == {}
    assert await _menus(world, mona) == mine
    await ask(world, nuno, nuno, "/stats", "Solo los moderadores pueden usar este comando.")
    await ask(world, mona, mona, f"/mod_remove {nuno}", f"{nuno} is not a moderator.")
    await ask(world, mona, mona, f"/mod_add {mona}",
              f"{mona} is already a moderator (in the settings).")
    stranger = await world.user("Eve", "en")
    await ask(world, stranger, stranger, f"/mod_add {stranger}", REFUSED)

    audit = (await exported(world, mona))["audit"]
    rows = [(row["source"], row["order_id"], row["actor_id"], row["action"], row["detail"])
            for row in audit if row["action"].startswith("mod_")]
    assert rows == [("audit", "", str(mona), "mod_added", str(nuno)),
                    ("audit", "", str(mona), "mod_removed", str(nuno))]
