"""Telegram's command menus (setMyCommands), per scope and language, framework-free.

The runner calls `command_menus(translations, moderator_ids)` at start and the adapter sends
each menu with setMyCommands(commands, scope, language_code). Moderators get the full menu in
their private chat with the bot (scope ("chat", user_id)); /mod_add queues that menu for the
new moderator (`moderator_menu_effects`) and /mod_remove deletes it
(`removed_moderator_effects`), through the outbox like any message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.events import DeleteCommands, SetCommands
from bot.i18n import N_, Translations

Scope = str | tuple[str, int]  # "default" | "all_private_chats" | "all_group_chats" | ("chat", id)
DESCRIPTION_MAX = 256

GENERAL = (
    ("help", N_("What this bot does and how to use it")),
    ("lang", N_("Choose your language")),
    ("profile", N_("A professional's reviews")),
)
PRIVATE = (("start", N_("Start and see the help")), *GENERAL)
GROUP = (("neworder", N_("Bind this group to a new order: /neworder <title>")), *GENERAL)
MODERATOR = (
    ("orders", N_("Moderators: list orders, optionally by status")),
    ("order", N_("Moderators: an order's card and full history")),
    ("remind", N_("Moderators: remind the client to rate (no nagging)")),
    ("hide_review", N_("Moderators: hide a review that breaks the rules")),
    ("restore_review", N_("Moderators: show a hidden review again")),
    ("cancel", N_("Moderators: cancel an order, with a reason")),
    ("refund", N_("Moderators: record the credit refund decision")),
    ("disputes", N_("Moderators: open disputes")),
    ("stats", N_("Moderators: statistics")),
    ("export", N_("Moderators: orders, reviews and audit trail as CSV")),
    ("failed", N_("Moderators: updates that could not be handled")),
    ("mod_add", N_("Moderators: add a moderator by user id")),
    ("mod_remove", N_("Moderators: remove a moderator by user id")),
)


@dataclass(frozen=True)
class CommandMenu:
    scope: Scope
    language_code: str | None  # None: every language without its own menu
    commands: list[tuple[str, str]] = field(default_factory=list)


def command_menus(translations: Translations,
                  moderator_ids: Iterable[int] = ()) -> list[CommandMenu]:
    """Every (scope, language) menu: the default language without a language code, then one
    menu per language."""
    scopes: list[tuple[Scope, tuple[tuple[str, str], ...]]] = [
        ("default", PRIVATE), ("all_private_chats", PRIVATE), ("all_group_chats", GROUP)]
    scopes += [(("chat", user_id), (*PRIVATE, *MODERATOR))
               for user_id in sorted(set(moderator_ids))]
    return [CommandMenu(scope, language, _localized(translations, language, commands))
            for scope, commands in scopes for language in _languages(translations)]


def moderator_menu_effects(translations: Translations, user_id: int) -> list[SetCommands]:
    """A new moderator's menu in their private chat, in every language."""
    return [SetCommands(user_id, tuple(menu.commands), menu.language_code)
            for menu in command_menus(translations, [user_id]) if menu.scope == ("chat", user_id)]


def removed_moderator_effects(translations: Translations, user_id: int) -> list[DeleteCommands]:
    """A former moderator's own menu deleted in every language: the private one shows again."""
    return [DeleteCommands(user_id, language) for language in _languages(translations)]


def _languages(translations: Translations) -> list[str | None]:
    return [None, *translations.languages]


def _localized(translations: Translations, language: str | None,
               commands: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    t = translations.get(language)
    return [(name, t._(text)[:DESCRIPTION_MAX]) for name, text in commands]
