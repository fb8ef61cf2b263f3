"""Use cases of the review request: when to ask (now, on a date, later), the note, posting it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.errors import (
    AlreadyDone,
    Frozen,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    WindowClosed,
)
from bot.domain.note_check import NoteChecker, NoteFinding
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import RequestMode, RequestState, ReviewRequest
from bot.storage.uow import UnitOfWork


class NoteRefused(InvalidInput):
    """The note breaks the fair-review rules; the finding says which one."""

    code = "note_refused"

    def __init__(self, finding: NoteFinding, note: str) -> None:
        super().__init__("note refused", field="note")
        self.finding = finding
        self.note = note


def _check_can_ask(order: Order, role: Role, now: datetime, policy: Policy) -> None:
    if role not in (Role.PRO, Role.MODERATOR):
        raise NotAllowed("only the professional asks for the review")
    if order.reviews_frozen:
        raise Frozen("reviews are frozen", status=order.status)
    if order.status not in (Status.IN_PROGRESS, Status.DONE):
        raise InvalidTransition("nothing to review yet", status=order.status)
    if order.client_id is None:
        raise InvalidTransition("the order has no client yet")
    if order.done_at is not None and not policy.rating_open(order.done_at, now):
        raise WindowClosed("the rating window has closed")


async def start_request(uow: UnitOfWork, order: Order, by: int, role: Role, mode: RequestMode,
                        now: datetime, policy: Policy) -> ReviewRequest | None:
    """The pro's answer to "when should we ask for the review?"; a repeat is refused."""
    _check_can_ask(order, role, now, policy)
    current = await uow.requests.active_for(order.id or 0)
    if current is not None and current.state != RequestState.DRAFT:
        raise AlreadyDone("a review request was already sent", kind="request")
    if mode == RequestMode.LATER:
        if current is not None:
            current.state = RequestState.CANCELLED
            await uow.requests.save(current)
        return None
    if current is not None:
        current.mode, current.due_at = mode, None
        return await uow.requests.save(current)
    request = ReviewRequest(order_id=order.id or 0, mode=mode, created_by=by, created_at=now)
    return await uow.requests.add(request)


async def draft_for(uow: UnitOfWork, order: Order) -> ReviewRequest:
    request = await uow.requests.active_for(order.id or 0)
    if request is None or request.state != RequestState.DRAFT:
        raise AlreadyDone("no request waiting for a note", kind="request")
    return request


async def choose_day(uow: UnitOfWork, order: Order, request: ReviewRequest, day: date,
                     now: datetime, policy: Policy) -> ReviewRequest:
    """The day the note is posted: not in the past, not beyond the rating window (each
    refused with its own reason; the latter names the latest day allowed)."""
    if not policy.review_day_allowed(day, order.timezone, now, order.done_at):
        today = now.astimezone(ZoneInfo(order.timezone)).date()
        if day < today:
            raise InvalidInput("date in the past", field="date")
        latest = policy.last_review_day(order.timezone, now, order.done_at)
        if latest < today:
            raise WindowClosed("no day is left in the rating window")
        raise InvalidInput("date beyond the rating window", field="date", latest=latest)
    request.mode = RequestMode.ON_DATE
    request.due_at = policy.review_due_at(day, order.timezone)
    return await uow.requests.save(request)


def check_note(note: str, checker: NoteChecker, policy: Policy) -> str:
    text = note.strip()
    if not text:
        raise InvalidInput("empty note", field="note")
    if len(text) > policy.note_max_length:
        raise InvalidInput("note too long", field="note", limit=policy.note_max_length)
    finding = checker.check(text)
    if finding is not None:
        raise NoteRefused(finding, text)
    return text


async def accept_note(uow: UnitOfWork, order: Order, request: ReviewRequest, note: str,
                      now: datetime, policy: Policy, checker: NoteChecker) -> bool:
    """Store the checked note; post now (True) or keep it scheduled for its date (False)."""
    _check_can_ask(order, Role.PRO, now, policy)
    request.set_note(check_note(note, checker, policy), policy)
    if request.mode == RequestMode.ON_DATE and request.due_at and request.due_at > now:
        request.schedule(request.due_at)
        await uow.requests.save(request)
        return False
    post(order, request, now, policy)
    await uow.requests.save(request)
    return True


def post(order: Order, request: ReviewRequest, now: datetime, policy: Policy) -> None:
    closes = policy.rating_closes_at(order.done_at or now)
    request.mark_posted(now, policy, closes)
