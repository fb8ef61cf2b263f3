"""The command menu a person sees in a chat, chosen as Telegram chooses among the bot's
setMyCommands scopes: the narrowest scope first, each in the person's language, then without."""

from __future__ import annotations

from typing import Any

Scope = dict[str, Any]
Menu = dict[str, Any]  # the control API's {"scope", "language_code", "commands"}


def scopes_for(chat_id: int, user_id: int, private: bool) -> list[Scope]:
    """Telegram's order (administrator scopes left out: nobody here administers a group)."""
    if private:
        return [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"},
                {"type": "default"}]
    return [{"type": "chat_member", "chat_id": chat_id, "user_id": user_id},
            {"type": "chat", "chat_id": chat_id}, {"type": "all_group_chats"},
            {"type": "default"}]


def menu_for(menus: list[Menu], chat_id: int, user_id: int, language: str,
             private: bool) -> list[dict[str, str]]:
    for scope in scopes_for(chat_id, user_id, private):
        for code in (language, ""):
            for menu in menus:
                if _same(menu["scope"], scope) and (menu["language_code"] or "") == code:
                    return list(menu["commands"])
    return []


def _same(published: Scope, wanted: Scope) -> bool:
    return all(str(published.get(key)) == str(value) for key, value in wanted.items())
