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
        order_setup,
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
    modules = (activity, orders, order_setup, status, review_request, ratings, rating_edit,
               review_reply, profile, revisions, delivery_date, disputes, checkin, language,
               chat, moderation)
    for module in modules:
        module.register(router)
    return router
