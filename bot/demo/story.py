"""The demo's story, step by step; each step checks what the people would see (and what was
stored) before the next one starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.demo import records
from bot.demo.people import Script
from bot.demo.stage import Entry, Stage, both, offers, says
from bot.domain.note_check import NoteChecker
from bot.domain.notes import NoteRefused
from bot.domain.order import Status
from bot.domain.reviews import RequestState
from bot.i18n import Translator
from handlers.labels import aspect_name, stars, status_name
from handlers.review_request import refusal_text

RATED = {"on_time": 5, "quality": 4, "communication": 5}


@dataclass
class Cast:
    group: int
    pro: int
    client: int
    script: Script
    t: Translator
    order_id: int = 0


def _aspect(aspect: str, value: int) -> Callable[[str], bool]:
    return lambda data: data.startswith("asp:") and data.endswith(f":{aspect}:{value}")


def prompted(entry: Entry) -> bool:
    return bool(entry.get("force_reply"))


async def play(stage: Stage, cast: Cast) -> None:
    await bind(stage, cast)
    day = await done_on_a_date(stage, cast)
    await notes(stage, cast, day)
    await time_moves(stage, cast)
    await rate(stage, cast)
    await reply_and_profile(stage, cast)


async def bind(stage: Stage, cast: Cast) -> None:
    t, group, script = cast.t, cast.group, cast.script
    step = t._("the professional opens the order")
    shown = await stage.post(step, group, cast.pro, f"/neworder {script.title}")
    stage.expect(step, shown, t._("the order card with the client's button"),
           offers(lambda d: d.startswith("claim:")))
    order = await records.order_in(stage.app, group)
    if order is None or order.pro_id != cast.pro or not order.id:
        raise stage.fail(step, t._("no order of the professional was stored for the group"))
    cast.order_id = order.id
    step = t._("the client claims the order")
    shown = await stage.tap(step, group, cast.client, lambda d: d.startswith("claim:"))
    stage.expect(step, shown, t._("the card naming the client"),
           says(t._("Client: {name}").format(name=t.isolate(script.client))))


async def done_on_a_date(stage: Stage, cast: Cast) -> date:
    t, group, pro = cast.t, cast.group, cast.pro
    step = t._("the professional opens the status panel")
    shown = await stage.tap(step, group, pro, lambda d: d.startswith("upd:"))
    stage.expect(step, shown, t._("the status choices"), offers(lambda d: d.endswith(":done")))
    step = t._("the professional marks the job done")
    shown = await stage.tap(step, group, pro,
                            lambda d: d.startswith("st:") and d.endswith(":done"))
    stage.expect(step, shown, t._("the card in the Done status"), says(
        t._("Status: {status}").format(status=status_name(t, Status.DONE))))
    stage.expect(step, shown, t._("the question of when to ask for the review"),
           offers(lambda d: d.startswith("ask:") and d.endswith(":date")))
    step = t._("the professional asks for the review on a date")
    day = (stage.clock.now() + timedelta(days=2)).date()
    wanted = day.strftime("%Y%m%d")
    shown = await stage.tap(step, group, pro,
                            lambda d: d.startswith("ask:") and d.endswith(":date"))
    stage.expect(step, shown, t._("a calendar offering the day two days later"),
           offers(lambda d: d.startswith("cal:") and d.endswith(wanted)))
    step = t._("the professional picks the day")
    shown = await stage.tap(step, group, pro,
                            lambda d: d.startswith("cal:") and d.endswith(wanted))
    stage.expect(step, shown, t._("the choice of note"), offers(lambda d: d.endswith(":write")))
    return day


async def notes(stage: Stage, cast: Cast, day: date) -> None:
    t, group, pro, script = cast.t, cast.group, cast.pro, cast.script
    step = t._("the professional writes a personal note")
    shown = await stage.tap(step, group, pro,
                            lambda d: d.startswith("note:") and d.endswith(":write"))
    stage.expect(step, shown, t._("a request for the note"), prompted)
    step = t._("a note that steers unhappy clients away is refused")
    finding = NoteChecker().check(script.refused_note)
    if finding is None:
        raise stage.fail(step, t._("the scripted note passes the note checker"))
    shown = await stage.reply_to_prompt(step, group, pro, script.refused_note)
    stage.expect(step, shown, t._("the refusal with its explanation and the note to edit"), both(
        says(refusal_text(t, NoteRefused(finding, script.refused_note))),
        says(script.refused_note)))
    stage.expect(step, shown, t._("a request for the corrected note"), prompted)
    request = await records.request_of(stage.app, cast.order_id)
    if request is None or request.state != RequestState.DRAFT:
        raise stage.fail(step, t._("the refused note changed the review request"))
    step = t._("the corrected note is accepted and scheduled")
    shown = await stage.reply_to_prompt(step, group, pro, script.note)
    request = await records.request_of(stage.app, cast.order_id)
    zone = ZoneInfo(stage.app.settings.timezone)
    if (request is None or request.state != RequestState.SCHEDULED or request.due_at is None
            or request.due_at.astimezone(zone).date() != day or request.note != script.note):
        raise stage.fail(step, t._("the request was not scheduled for {day} with the "
                                   "note").format(day=t.isolate(day.isoformat())))
    when = t.datetime(request.due_at, zone, "short")
    stage.expect(step, shown, t._("the confirmation of the date"), says(t._(
        "Scheduled: on {date} your note is posted here with the rating buttons.").format(
        date=when)))


async def time_moves(stage: Stage, cast: Cast) -> None:
    t = cast.t
    step = t._("time moves two days on and the note is posted with the stars")
    if any(offers(lambda d: d.startswith("star:"))(m)
           for m in await stage.control.messages(cast.group)):
        raise stage.fail(step, t._("the stars were posted before their date"))
    stage.clock.advance(timedelta(days=2, hours=2))
    await stage.app.scheduler.run_due()
    shown = await stage.settle()
    stage.expect(step, shown, t._("the personal note with the star buttons"),
           both(says(cast.script.note), offers(lambda d: d.startswith("star:"))))


async def rate(stage: Stage, cast: Cast) -> None:
    t, group, client = cast.t, cast.group, cast.client
    step = t._("the client taps five stars")
    shown = await stage.tap(step, group, client,
                            lambda d: d.startswith("star:") and d.endswith(":5"))
    stage.expect(step, shown, t._("the request showing the stars"), says(stars(5)))
    following = ["quality", "communication", None]
    for (aspect, value), after in zip(RATED.items(), following, strict=True):
        step = t._("the client rates {aspect}").format(aspect=aspect_name(t, aspect))
        shown = await stage.tap(step, group, client, _aspect(aspect, value))
        stage.expect(step, shown, t._("the next question"),
               says(aspect_name(t, after)) if after else offers(lambda d: d.startswith("cmt:")))
    step = t._("the client writes a comment")
    shown = await stage.tap(step, group, client,
                            lambda d: d.startswith("cmt:") and d.endswith(":write"))
    stage.expect(step, shown, t._("a request for the comment"), prompted)
    shown = await stage.reply_to_prompt(step, group, client, cast.script.comment)
    lines = [f"{aspect_name(t, a)}: {stars(v)}" for a, v in RATED.items()]
    stage.expect(step, shown, t._("the thank-you with the stars, the aspects and the comment"),
           both(*(says(text) for text in [stars(5), *lines, cast.script.comment])))
    rating = await records.rating_of(stage.app, cast.order_id)
    stored = rating and (rating.stars, rating.on_time, rating.quality, rating.communication,
                         rating.comment)
    if stored != (5, *RATED.values(), cast.script.comment):
        raise stage.fail(step, t._("the stored rating is {rating}").format(rating=stored))


async def reply_and_profile(stage: Stage, cast: Cast) -> None:
    t, group, pro, script = cast.t, cast.group, cast.pro, cast.script
    step = t._("the professional replies to the review")
    shown = await stage.tap(step, group, pro, lambda d: d.startswith("rply:"))
    stage.expect(step, shown, t._("a request for the reply"), prompted)
    shown = await stage.reply_to_prompt(step, group, pro, script.reply)
    stage.expect(step, shown, t._("the reply shown in the chat"), says(script.reply))
    rating = await records.rating_of(stage.app, cast.order_id)
    if rating is None or rating.reply != script.reply:
        raise stage.fail(step, t._("the reply was not stored with the review"))
    step = t._("/profile shows the rating")
    shown = await stage.post(step, group, pro, "/profile")
    ratings = [r for r in await records.ratings_of_pro(stage.app, pro) if not r.hidden]
    if len(ratings) != 1:
        raise stage.fail(step, t.ngettext("{n} review is stored for the professional",
                                           "{n} reviews are stored for the professional",
                                           len(ratings)).format(n=t.number(len(ratings))))
    average = sum(r.stars for r in ratings) / len(ratings)
    reviews = t.ngettext("{n} review", "{n} reviews", len(ratings)).format(
        n=t.number(len(ratings)))
    stage.expect(step, shown, t._("the profile with one review at its average"), both(
        says(t._("Profile of {name}").format(name=t.isolate(script.pro))),
        says(t._("Average: {average} out of 5 ({reviews})").format(
            average=t.isolate(t.number(average, 1)), reviews=reviews)),
        says(script.comment), says(script.reply)))
