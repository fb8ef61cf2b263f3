"""/profile: a professional's average, count, distribution, aspects and latest reviews
with the replies. Hidden reviews are left out.

In the order's chat: the pro of that order. In private: yourself, or /profile <user id>.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.events import ChatEvent, Effect, SendMessage
from bot.i18n import Translator
from bot.services import profiles as profile_service
from bot.services.profiles import ProfileSummary, ReviewLine
from handlers.context import Context
from handlers.labels import aspect_name, stars
from handlers.router import Router

MAX_TEXT = 4096
LATEST = 5
QUOTE_MAX = 300  # a long comment or reply is cut in the profile (the review keeps it whole)
BAR_WIDTH = 10


def register(router: Router) -> None:
    router.command("profile")(profile_command)


async def profile_command(event: ChatEvent, ctx: Context) -> list[Effect]:
    asked = await profile_service.profile_asked(
        ctx.uow, event.chat_id, event.thread_id, event.chat_type == "private", event.user.id,
        event.args, LATEST)
    order = asked.order
    t = ctx.t_order(order) if order is not None else ctx.t_person(event)
    if asked.pro_id is None or asked.summary is None:
        return [_reply(event, t._("Use /profile in an order's chat, or /profile <user id>."))]
    timezone = order.timezone if order is not None else ctx.settings.timezone
    shown = asked.name or t._("user {id}").format(id=t.isolate(asked.pro_id))
    return [_reply(event, profile_text(t, shown, asked.summary, timezone))]


def _reply(event: ChatEvent, text: str) -> SendMessage:
    return SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                       thread_id=event.thread_id)


def profile_text(t: Translator, name: str, summary: ProfileSummary, timezone: str) -> str:
    """Under Telegram's 4096 characters: the oldest of the latest reviews go first."""
    title = t._("Profile of {name}").format(name=t.isolate(name))
    if summary.count == 0 or summary.average is None:
        return title + "\n" + t._("{name} has no reviews yet.").format(name=t.isolate(name))
    head = [title, _average_line(t, summary.average, summary.count), "",
            *_distribution(t, summary), "", *_aspect_lines(t, summary)]
    blocks = [_review_block(t, line, name, timezone) for line in summary.latest]
    while blocks:
        text = "\n".join([*head, "", t._("Latest reviews:"), "\n\n".join(blocks)])
        if len(text) <= MAX_TEXT:
            return text
        blocks.pop()
    return "\n".join(head)[:MAX_TEXT]


def _average_line(t: Translator, average: float, count: int) -> str:
    reviews = t.ngettext("{n} review", "{n} reviews", count).format(n=t.number(count))
    return t._("Average: {average} out of 5 ({reviews})").format(
        average=t.isolate(t.number(average, 1)), reviews=reviews)


def _distribution(t: Translator, summary: ProfileSummary) -> list[str]:
    top = max(summary.distribution.values()) or 1
    lines = []
    for value, n in summary.distribution.items():
        width = round(BAR_WIDTH * n / top) if n else 0
        bar = "▓" * max(width, 1 if n else 0)
        parts = (t.number(value), "★", bar, t.number(n))
        lines.append(t.isolate(" ".join(part for part in parts if part)))
    return lines


def _aspect_lines(t: Translator, summary: ProfileSummary) -> list[str]:
    lines = []
    for aspect, average in summary.aspects.items():
        value = t.number(average, 1) if average is not None else t._("not rated")
        lines.append(t._("{aspect}: {value}").format(aspect=aspect_name(t, aspect),
                                                     value=t.isolate(value)))
    return lines


def _review_block(t: Translator, line: ReviewLine, name: str, timezone: str) -> str:
    rating = line.rating
    when = _date(t, rating.updated_at, timezone)
    head = t._("{stars} on {date}").format(stars=stars(rating.stars), date=when)
    if line.order is not None:
        head += " · " + t.order_ref(line.order.id, line.order.title)
    parts = [head]
    if rating.comment:
        parts.append(t._("Comment: {text}").format(text=_cut(rating.comment)))
    if rating.reply:
        parts.append(t._("Reply from {pro}: {text}").format(pro=t.isolate(name),
                                                            text=_cut(rating.reply)))
    return "\n".join(parts)


def _date(t: Translator, moment: datetime, timezone: str) -> str:
    return t.date(moment.astimezone(ZoneInfo(timezone)).date())


def _cut(text: str) -> str:
    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX - 1].rstrip() + "…"
