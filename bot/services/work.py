"""Use cases of the work itself: revisions, new delivery dates, disputes and the one check-in
(seeds 001, 003, 004; PRODUCT.md sections 4, 6 and 10).

Each takes the open unit of work; the caller (the pipeline) commits once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from bot.domain.audit import AuditEntry
from bot.domain.errors import AlreadyDone, InvalidInput, InvalidTransition, NotAllowed
from bot.domain.note_check import NoteChecker
from bot.domain.notes import check_note
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import ReviewRequest
from bot.domain.revisions import DeliveryProposal, ProposalState, Revision, check_new_date
from bot.services.freeze import freeze_reviews, resume_reviews
from bot.storage.uow import UnitOfWork

WORKING = frozenset({Status.IN_PROGRESS, Status.DONE})


def clean_text(text: str, field: str, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("empty text", field=field)
    if len(cleaned) > limit:
        raise InvalidInput("text too long", field=field, limit=limit)
    return cleaned


def check_working(order: Order) -> None:
    if order.status not in WORKING:
        raise InvalidTransition("only while the work is in progress or done", status=order.status)


# Revisions ---------------------------------------------------------------------------------

def check_can_revise(order: Order, by: int) -> None:
    """Only the client, only while in progress or done, only with revisions left."""
    if by != order.client_id:
        raise NotAllowed("only the client asks for a revision")
    check_working(order)


async def request_revision(uow: UnitOfWork, order: Order, by: int, description: str,
                           now: datetime, policy: Policy) -> Revision:
    check_can_revise(order, by)
    text = clean_text(description, "revision", policy.comment_max_length)
    order.use_revision()
    revision = Revision(order.id or 0, order.revisions_used, text, by, now)
    await uow.orders.save(order)
    await uow.revisions.add(revision)
    await uow.audit.add(AuditEntry(now, by, "revision_requested", order.id,
                                   str(revision.number)))
    return revision


# New delivery dates ------------------------------------------------------------------------

async def propose_date(uow: UnitOfWork, order: Order, by: int, day: date, first: date,
                       last: date, now: datetime) -> tuple[DeliveryProposal,
                                                           list[DeliveryProposal]]:
    """A new proposal; the pending ones it replaces are returned, withdrawn."""
    if by != order.pro_id:
        raise NotAllowed("only the professional proposes a delivery date")
    check_working(order)
    check_new_date(day, first)
    if day > last:
        raise InvalidInput("the date is too far", field="date")
    if day == order.delivery_date:
        raise AlreadyDone("that is already the delivery date")
    withdrawn = await uow.proposals.pending_for(order.id or 0)
    for old in withdrawn:
        old.state, old.answered_at = ProposalState.WITHDRAWN, now
        await uow.proposals.save(old)
    proposal = DeliveryProposal(order.id or 0, day, by, now)
    await uow.proposals.add(proposal)
    await uow.audit.add(AuditEntry(now, by, "delivery_date_proposed", order.id, day.isoformat()))
    return proposal, withdrawn


async def answer_proposal(uow: UnitOfWork, order: Order, proposal: DeliveryProposal,
                          accept: bool, by: int, now: datetime) -> None:
    if by != order.client_id:
        raise NotAllowed("only the client answers a new delivery date")
    if proposal.state == ProposalState.PENDING:
        check_working(order)
    proposal.answer(accept, by, order.client_id, now)
    await uow.proposals.save(proposal)
    if accept:
        order.delivery_date = proposal.proposed_date
        await uow.orders.save(order)
    action = "delivery_date_accepted" if accept else "delivery_date_refused"
    await uow.audit.add(AuditEntry(now, by, action, order.id, proposal.proposed_date.isoformat()))


# Disputes ----------------------------------------------------------------------------------

def check_can_dispute(order: Order, role: Role) -> None:
    if role not in (Role.PRO, Role.CLIENT):
        raise NotAllowed("only the professional or the client opens a dispute")
    if order.status == Status.DISPUTED:
        raise AlreadyDone("a dispute is already open")
    check_working(order)


async def open_dispute(uow: UnitOfWork, order: Order, by: int, role: Role, reason: str,
                       now: datetime, policy: Policy) -> ReviewRequest | None:
    """The order goes to the resolution centre; its review request is frozen (returned)."""
    check_can_dispute(order, role)
    text = clean_text(reason, "comment", policy.comment_max_length)
    order.open_dispute(by, role, now, text)
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "dispute_opened", order.id, text))
    return await freeze_reviews(uow, order, now)


OUTCOMES = {"done": Status.DONE, "in_progress": Status.IN_PROGRESS}


async def resolve_dispute(uow: UnitOfWork, order: Order, word: str, by: int, role: Role,
                          now: datetime) -> ReviewRequest | None:
    """done / in_progress / cancel (moderators) or withdraw (the opener); the order's review
    request is returned. The reminders and a scheduled note resume only if the order ends
    done (PRODUCT.md 10); back in progress they stay stopped until it is done again (see
    `orders.change_status`), and a cancellation ends them."""
    if order.status != Status.DISPUTED:
        raise InvalidTransition("no open dispute", status=order.status)
    if word == "cancel":
        return await _cancel(uow, order, by, role, now)
    if word == "withdraw":
        outcome = order.status_before_dispute or Status.IN_PROGRESS
        action = "dispute_withdrawn"
        if by != order.dispute_opened_by:
            raise NotAllowed("only the person who opened the dispute withdraws it")
    elif word in OUTCOMES:
        outcome, action = OUTCOMES[word], "dispute_resolved"
        if role != Role.MODERATOR:
            raise NotAllowed("a moderator resolves the dispute")
    else:
        raise InvalidInput("unknown outcome", field="callback")
    order.close_dispute(outcome, by, role, now)
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, action, order.id, outcome.value))
    if outcome == Status.DONE:
        return await resume_reviews(uow, order, now)
    return await uow.requests.active_for(order.id or 0)


async def _cancel(uow: UnitOfWork, order: Order, by: int, role: Role,
                  now: datetime) -> ReviewRequest | None:
    order.cancel(by, role, now, "dispute")
    order.status_before_dispute, order.dispute_opened_by = None, None
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "order_cancelled", order.id, "dispute"))
    return await freeze_reviews(uow, order, now, cancel=True)


# The check-in ------------------------------------------------------------------------------

class CheckinBlock(StrEnum):
    STAGE = "stage"
    USED = "used"
    RATED = "rated"
    ANSWERED = "answered"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def last_pro_message(order: Order) -> datetime:
    return order.last_pro_message_at or order.created_at


async def checkin_block(uow: UnitOfWork, order: Order, now: datetime,
                        policy: Policy) -> CheckinBlock | None:
    """Why the check-in cannot be sent now, or None: once, in the window, client silent."""
    if order.status not in WORKING:
        return CheckinBlock.STAGE
    if order.checkin_used_at is not None:
        return CheckinBlock.USED
    if await uow.ratings.for_order(order.id or 0) is not None:
        return CheckinBlock.RATED
    last = last_pro_message(order)
    if order.last_client_message_at is not None and order.last_client_message_at > last:
        return CheckinBlock.ANSWERED
    if now < policy.checkin_opens_at(last):
        return CheckinBlock.NOT_YET
    if now > policy.checkin_closes_at(last):
        return CheckinBlock.CLOSED
    return None


async def offer_checkin(uow: UnitOfWork, order: Order, by: int, now: datetime,
                        policy: Policy) -> datetime:
    """Record that the check-in was offered; its window closes at the returned moment (the
    pro's reply is itself a message and moves `last_pro_message_at`)."""
    closes = policy.checkin_closes_at(last_pro_message(order))
    await uow.audit.add(AuditEntry(now, by, "checkin_offered", order.id, closes.isoformat()))
    return closes


async def offered_until(uow: UnitOfWork, order: Order) -> datetime | None:
    for entry in reversed(await uow.audit.for_order(order.id or 0)):
        if entry.action == "checkin_offered" and entry.detail:
            return datetime.fromisoformat(entry.detail)
    return None


async def reply_block(uow: UnitOfWork, order: Order, asked_at: datetime,
                      now: datetime) -> CheckinBlock | None:
    """The check-in's answer is refused if things changed since the prompt was given."""
    if order.status not in WORKING:
        return CheckinBlock.STAGE
    if order.checkin_used_at is not None:
        return CheckinBlock.USED
    if await uow.ratings.for_order(order.id or 0) is not None:
        return CheckinBlock.RATED
    if order.last_client_message_at is not None and order.last_client_message_at > asked_at:
        return CheckinBlock.ANSWERED
    closes = await offered_until(uow, order)
    if closes is None or now > closes:
        return CheckinBlock.CLOSED
    return None


async def send_checkin(uow: UnitOfWork, order: Order, by: int, text: str, now: datetime,
                       checker: NoteChecker, policy: Policy) -> str:
    """Check the text like a note (no rating asked, nothing offered); mark the check-in used."""
    if by != order.pro_id:
        raise NotAllowed("only the professional checks in")
    checked = check_note(text, checker, policy)
    order.checkin_used_at = now
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "checkin_sent", order.id, None))
    return checked
