"""Framework-neutral handlers: event + context in, effects out."""

from __future__ import annotations

from handlers.router import Router


def build_router() -> Router:
    from handlers import activity, chat, language, orders, ratings, review_request, status

    router = Router()
    for module in (activity, orders, status, review_request, ratings, language, chat):
        module.register(router)
    return router
