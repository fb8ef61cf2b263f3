"""Use cases of the work itself: revisions, new delivery dates, disputes and the one check-in.

Each takes the open unit of work; the caller (the pipeline) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import checkin, delivery_dates, disputes
from bot.domain.audit import AuditEntry
from bot.domain.checkin import CheckinBlock
from bot.domain.delivery_dates import AnswerBlock
from bot.domain.lookup import found
from bot.domain.note_check import NoteChecker
from bot.domain.notes import check_note
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import ReviewRequest
from bot.domain.revisions import DeliveryProposal, Revision, check_can_revise, check_reviser
from bot.domain.text import clean_text
from bot.services.freeze import freeze_reviews, resume_reviews
from bot.services.orders import get_order, order_for_tap
from bot.services.ports import UnitOfWork

# Revisions ---------------------------------------------------------------------------------

async def order_to_revise(uow: UnitOfWork, order_id: int, chat_id: int, by: int) -> Order:
    """"Ask for a revision": the client's button."""
    order = await order_for_tap(uow, order_id, chat_id)
    check_reviser(order, by)
    return order


async def request_revision(uow: UnitOfWork, order: Order, by: int, description: str,
                           now: datetime, policy: Policy) -> Revision:
    check_can_revise(order, by)
    text = clean_text(description, "revision", policy.comment_max_length)
    order.use_revision()
    revision = Revision(order.id, order.revisions_used, text, by, now)
    await uow.orders.save(order)
    await uow.revisions.add(revision)
    await uow.audit.add(AuditEntry(now, by, "revision_requested", order.id,
                                   str(revision.number)))
    return revision


# New delivery dates ------------------------------------------------------------------------

async def order_to_redate(uow: UnitOfWork, order_id: int, chat_id: int, by: int) -> Order:
    """The calendar of a new delivery date: the professional's buttons."""
    order = await order_for_tap(uow, order_id, chat_id)
    delivery_dates.check_proposer(order, by)
    return order


async def propose_date(uow: UnitOfWork, order: Order, by: int, day: date, first: date,
                       last: date, now: datetime) -> tuple[DeliveryProposal,
                                                           list[DeliveryProposal]]:
    """A new proposal; the pending ones it replaces are returned, withdrawn."""
    proposal = delivery_dates.propose(order, by, day, first, last, now)
    withdrawn = await uow.proposals.pending_for(order.id)
    for old in withdrawn:
        old.withdraw(now)
        await uow.proposals.save(old)
    await uow.proposals.add(proposal)
    await uow.audit.add(AuditEntry(now, by, "delivery_date_proposed", order.id, day.isoformat()))
    return proposal, withdrawn


@dataclass(frozen=True)
class ProposalAnswer:
    order: Order
    proposal: DeliveryProposal
    block: AnswerBlock | None  # the answer came too late: nothing was saved


async def answer_proposal(uow: UnitOfWork, proposal_id: int, chat_id: int, accept: bool,
                          by: int, now: datetime) -> ProposalAnswer:
    proposal = found(await uow.proposals.get(proposal_id), "proposal", proposal_id=proposal_id)
    order = await order_for_tap(uow, proposal.order_id, chat_id)
    block = delivery_dates.answer_block(order, proposal, by)
    if block is not None:
        return ProposalAnswer(order, proposal, block)
    delivery_dates.answer(order, proposal, accept, by, now)
    await uow.proposals.save(proposal)
    if accept:
        await uow.orders.save(order)
    action = "delivery_date_accepted" if accept else "delivery_date_refused"
    await uow.audit.add(AuditEntry(now, by, action, order.id, proposal.proposed_date.isoformat()))
    return ProposalAnswer(order, proposal, None)


# Disputes ----------------------------------------------------------------------------------

async def order_to_dispute(uow: UnitOfWork, order_id: int, chat_id: int, by: int,
                           moderator: bool) -> Order:
    """"Open a dispute": the professional's or the client's button."""
    order = await order_for_tap(uow, order_id, chat_id)
    order.check_disputant(order.role_of(by, moderator))
    return order


async def open_dispute(uow: UnitOfWork, order: Order, by: int, role: Role, reason: str,
                       now: datetime, policy: Policy) -> ReviewRequest | None:
    """The order goes to the resolution centre; its review request is frozen (returned)."""
    order.check_can_dispute(role)
    text = clean_text(reason, "comment", policy.comment_max_length)
    order.open_dispute(by, role, now, text)
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "dispute_opened", order.id, text))
    return await freeze_reviews(uow, order, now)


@dataclass(frozen=True)
class DisputeEnd:
    order: Order
    request: ReviewRequest | None  # the order's review request, frozen, resumed or as it was
    was_closed: bool = False  # the dispute had already ended: nothing changed


async def resolve_dispute(uow: UnitOfWork, order_id: int, chat_id: int, outcome: str, by: int,
                          moderator: bool, now: datetime) -> DisputeEnd:
    """done / in_progress / cancel (moderators) or withdraw (the opener). The reminders and a
    scheduled note resume only if the order ends done; back in progress they stay stopped
    until it is done again (see `orders.change_status`), and a cancellation ends them."""
    order = await get_order(uow, order_id)
    role = order.role_of(by, moderator)
    disputes.check_resolver(order, outcome, role, chat_id)
    if order.status != Status.DISPUTED:
        return DisputeEnd(order, None, was_closed=True)
    change = disputes.resolve(order, outcome, by, role, now)
    await uow.orders.save(order)
    if outcome == disputes.CANCEL:
        await uow.audit.add(AuditEntry(now, by, "order_cancelled", order.id, "dispute"))
        return DisputeEnd(order, await freeze_reviews(uow, order, now, cancel=True))
    ended = change.to_status.value
    if outcome == disputes.WITHDRAW:
        await uow.audit.add(AuditEntry(now, by, "dispute_withdrawn", order.id, ended))
    else:
        await uow.audit.add(AuditEntry(now, by, "dispute_resolved", order.id, ended))
    if order.status == Status.DONE:
        return DisputeEnd(order, await resume_reviews(uow, order, now))
    return DisputeEnd(order, await uow.requests.active_for(order.id))


# The check-in ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckinStart:
    order: Order
    block: CheckinBlock | None  # why it cannot be sent now; the card was brought up to date


async def start_checkin(uow: UnitOfWork, order_id: int, chat_id: int, by: int, now: datetime,
                        policy: Policy) -> CheckinStart:
    """The pro's "Check in" button: refused outside its window, else offered (recorded)."""
    order = await order_for_tap(uow, order_id, chat_id)
    checkin.check_sender(order, by)
    rated = await _rated(uow, order)
    block = checkin.tap_block(order, rated, now, policy)
    if block is not None:  # a tap on a card drawn before the window ended
        await _record_window(uow, order, rated, now, policy)
        return CheckinStart(order, block)
    closes = policy.checkin_closes_at(checkin.last_pro_message(order))
    # The pro's reply is itself a message and moves `last_pro_message_at`: the window offered
    # is kept with the offer.
    await uow.audit.add(AuditEntry(now, by, "checkin_offered", order.id, closes.isoformat()))
    return CheckinStart(order, None)


async def _rated(uow: UnitOfWork, order: Order) -> bool:
    return await uow.ratings.for_order(order.id) is not None


async def _record_window(uow: UnitOfWork, order: Order, rated: bool, now: datetime,
                         policy: Policy) -> None:
    """The window's state, if the scheduler has not recorded it on the card yet."""
    state = checkin.window_state(order, rated, now, policy)
    if state != (order.checkin_window_for, order.checkin_offered):
        order.checkin_window_for, order.checkin_offered = state
        await uow.orders.save(order)


async def offered_until(uow: UnitOfWork, order: Order) -> datetime | None:
    for entry in reversed(await uow.audit.for_order(order.id)):
        if entry.action == "checkin_offered" and entry.detail:
            return datetime.fromisoformat(entry.detail)
    return None


@dataclass(frozen=True)
class CheckinReplyBlock:
    block: CheckinBlock
    closes: datetime | None  # the end of the window offered with the prompt


async def reply_block(uow: UnitOfWork, order: Order, asked_at: datetime,
                      now: datetime) -> CheckinReplyBlock | None:
    """The check-in's answer is refused if things changed since the prompt was given."""
    closes = await offered_until(uow, order)
    block = checkin.reply_block(order, await _rated(uow, order), asked_at, closes, now)
    return None if block is None else CheckinReplyBlock(block, closes)


async def send_checkin(uow: UnitOfWork, order: Order, by: int, text: str, now: datetime,
                       checker: NoteChecker, policy: Policy) -> str:
    """Check the text like a note (no rating asked, nothing offered); mark the check-in used."""
    checkin.check_sender(order, by)
    checked = check_note(text, checker, policy)
    order.checkin_used_at = now
    await uow.orders.save(order)
    await uow.audit.add(AuditEntry(now, by, "checkin_sent", order.id, None))
    return checked
