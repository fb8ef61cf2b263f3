"""Changing the rating while the window is open; the old one is kept in the history.

"Change my rating" posts a fresh row of stars for the same request; the usual flow follows
(stars, aspects, comment). The rating as it was goes to the history (rating_edits).
"""

from __future__ import annotations

from bot.core.callback_data import EditRating
from bot.core.events import ChatEvent, Effect
from bot.services import ratings as rating_service
from handlers.context import Context
from handlers.keyboards import stars_row
from handlers.labels import stars
from handlers.render import say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(EditRating)(edit_tap)


async def edit_tap(event: ChatEvent, ctx: Context, data: EditRating) -> list[Effect]:
    """Only the client of the order, while the rating window is open."""
    rated = await rating_service.to_change(ctx.uow, data.rating_id, event.chat_id,
                                           event.user.id, ctx.now, ctx.policy)
    order, request, rating = rated.order, rated.request, rated.rating
    t = ctx.t_order(order)
    text = t._("{client}, your rating of {order} is {stars}. Choose the stars again; then you "
               "can change the details and the comment too.").format(
        client=t.isolate(order.client_name), order=t.order_ref(order.id, order.title),
        stars=stars(rating.stars))
    return [say(order, text, keyboard=stars_row(request.id))]
