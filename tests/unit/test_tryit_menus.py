"""The command menu the try-out's page shows a person: Telegram's choice among the scopes."""

from __future__ import annotations

from bot.tryit.menus import menu_for

MODERATOR, GROUP = 7, -100


def _menu(scope: dict[str, object], language: str, *commands: str) -> dict[str, object]:
    return {"scope": scope, "language_code": language,
            "commands": [{"command": c, "description": c} for c in commands]}


MENUS = [
    _menu({"type": "default"}, "", "start"),
    _menu({"type": "all_private_chats"}, "", "start", "help"),
    _menu({"type": "all_private_chats"}, "es", "start", "ayuda"),
    _menu({"type": "all_group_chats"}, "", "neworder"),
    _menu({"type": "chat", "chat_id": MODERATOR}, "", "start", "export"),
]


def _names(chat_id: int, user_id: int, language: str) -> list[str]:
    menu = menu_for(MENUS, chat_id, user_id, language, private=chat_id > 0)
    return [command["command"] for command in menu]


def test_the_narrowest_scope_wins() -> None:
    assert _names(MODERATOR, MODERATOR, "es") == ["start", "export"]
    assert _names(8, 8, "es") == ["start", "ayuda"]


def test_a_language_without_its_own_menu_gets_the_one_without_a_language() -> None:
    assert _names(8, 8, "ar") == ["start", "help"]


def test_groups_get_the_group_menu_whoever_asks() -> None:
    assert _names(GROUP, MODERATOR, "es") == ["neworder"]
