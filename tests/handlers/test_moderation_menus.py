"""The moderators' command menu follows /mod_add and /mod_remove: the effects queued for the
person's private chat in every language, and their way through the outbox's codec."""

from __future__ import annotations

import pytest

from bot.core import codec
from bot.core.events import DeleteCommands, SetCommands
from handlers.command_menus import MODERATOR, PRIVATE
from tests.bench import Bench, make_bench
from tests.handlers.moderation_helpers import MOD, mod, one_text

LANGUAGES = [None, "en", "es", "pt", "ar"]


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", moderator_ids=(MOD,))
    yield bench
    await bench.uow_factory.engine.dispose()


async def test_mod_add_publishes_the_menu_and_mod_remove_deletes_it(bench: Bench) -> None:
    effects = await bench.send(bench.command(MOD, mod(bench), "/mod_add 5"))
    assert one_text(effects, MOD) == "5 is now a moderator."
    menus = [e for e in effects if isinstance(e, SetCommands)]
    assert [(m.chat_id, m.language_code) for m in menus] == [(5, lang) for lang in LANGUAGES]
    names = [name for name, _ in (*PRIVATE, *MODERATOR)]
    assert all([name for name, _ in m.commands] == names for m in menus)
    arabic = dict(next(m for m in menus if m.language_code == "ar").commands)
    assert arabic["orders"] and arabic["orders"] != dict(menus[0].commands)["orders"]

    again = await bench.send(bench.command(MOD, mod(bench), "/mod_add 5"))
    assert not [e for e in again if isinstance(e, SetCommands)]
    effects = await bench.send(bench.command(MOD, mod(bench), "/mod_remove 5"))
    assert one_text(effects, MOD) == "5 is no longer a moderator."
    assert [e for e in effects if not hasattr(e, "text")] == [
        DeleteCommands(5, lang) for lang in LANGUAGES]
    for refused in (f"/mod_remove {MOD}", "/mod_remove 5", f"/mod_add {MOD}"):
        effects = await bench.send(bench.command(MOD, mod(bench), refused))
        assert not [e for e in effects if isinstance(e, SetCommands | DeleteCommands)], refused


def test_menu_effects_survive_the_outbox_codec() -> None:
    for effect in (SetCommands(5, (("orders", "Pedidos"), ("order", "الطلب")), "es"),
                   SetCommands(5, (("help", "Help"),)), DeleteCommands(5, "ar"),
                   DeleteCommands(7)):
        kind = codec.kind_of(effect)
        assert codec.loads(kind, codec.dumps(effect)) == effect
        assert len(kind) <= 16  # the outbox's kind column
