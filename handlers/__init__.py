"""Framework-neutral handlers: event + context in, effects out."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.router import Router


def build_router() -> Router:
    from handlers import (
        activity,
        chat,
        checkin,
        delivery_date,
        disputes,
        language,
        moderation,
        orders,
        profile,
        rating_edit,
        ratings,
        review_reply,
        review_request,
        revisions,
        status,
    )
    from handlers.router import Router

    router = Router()
    for module in (activity, orders, status, review_request, ratings, language, chat):
        module.register(router)
    for module in (rating_edit, review_reply, profile):
        module.register(router)
    for module in (revisions, delivery_date, disputes, checkin):
        module.register(router)
    moderation.register(router)
    return router
