"""Framework-neutral handlers: event + context in, effects out."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.router import Router


def build_router() -> Router:
    from handlers import activity, chat, language, orders, ratings, review_request, status
    from handlers.router import Router

    router = Router()
    for module in (activity, orders, status, review_request, ratings, language, chat):
        module.register(router)
    return router
