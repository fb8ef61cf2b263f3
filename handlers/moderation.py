"""Moderator commands, split by concern into handlers/mod_*.py."""

from __future__ import annotations

from handlers import failed, mod_actions, mod_admin, mod_orders
from handlers.router import Router


def register(router: Router) -> None:
    for module in (mod_orders, mod_actions, mod_admin, failed):
        module.register(router)
