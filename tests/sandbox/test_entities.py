"""Telegram's rule for bot_command entities, as the sandbox applies it to what bots send."""

from __future__ import annotations

from bot.sandbox.entities import bot_command_entities


def command(offset: int, length: int) -> dict[str, object]:
    return {"type": "bot_command", "offset": offset, "length": length}


def test_a_command_at_the_start_with_a_bot_name() -> None:
    assert bot_command_entities("/start@jobs_bot now") == [command(0, 15)]


def test_commands_after_spaces_punctuation_and_isolates() -> None:
    assert bot_command_entities("يعرض \u2068/profile\u2069 و(/lang)") == [
        command(6, 8), command(18, 5)]


def test_a_slash_inside_a_word_or_a_date_is_no_command() -> None:
    assert bot_command_entities("and/or 28/03/2027 الأمر/profile") == []


def test_offsets_count_utf16_code_units() -> None:
    assert bot_command_entities("⭐️ 🧾 /stats") == [command(6, 6)]


def test_markup_typed_as_text_and_short_bot_names_hold_no_command() -> None:
    assert bot_command_entities("Great <b>job</b> *really*") == []
    assert bot_command_entities("a/b /x/y /ok@ab /fine@jobs_bot") == [command(16, 14)]
