"""What the bot notices in the chat, and who answers a prompt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.activity import Noticed, Seen, notice
from bot.domain.order import Order, Status
from bot.domain.prompts import Prompt, PromptState, PromptStep

NOW = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
PRO, CLIENT, OTHER = 10, 20, 40


def make_order(can_read_all: bool = False) -> Order:
    return Order(chat_id=-100, title="Kitchen", pro_id=PRO, language="es",
                 timezone="Europe/Madrid", created_at=NOW, included_revisions=1,
                 status=Status.IN_PROGRESS, client_id=CLIENT, id=1, can_read_all=can_read_all)


@pytest.mark.parametrize(("seen", "reads_all", "counts"), [
    (Seen.MESSAGE, True, True), (Seen.MESSAGE, False, True), (Seen.TAP, False, True),
    (Seen.TAP, True, False), (Seen.CHECKIN_TAP, False, False)])
def test_what_counts_as_the_pros_message(seen: Seen, reads_all: bool, counts: bool) -> None:
    order = make_order(reads_all)
    noticed = notice(order, PRO, seen, NOW)
    assert noticed == (Noticed.SEEN if counts else Noticed.NOTHING)
    assert order.last_pro_message_at == (NOW if counts else None)


def test_a_stranger_changes_nothing() -> None:
    order = make_order()
    assert notice(order, OTHER, Seen.MESSAGE, NOW) == Noticed.NOTHING
    assert (order.last_pro_message_at, order.last_client_message_at) == (None, None)


def test_the_client_stops_a_running_refund_wait_only() -> None:
    order = make_order()
    order.refund_wait_started_at = NOW
    later = NOW + timedelta(hours=1)
    assert notice(order, CLIENT, Seen.TAP, later) == Noticed.REFUND_WAIT_STOPPED
    assert (order.refund_wait_started_at, order.last_client_message_at) == (None, later)
    assert notice(order, CLIENT, Seen.MESSAGE, later) == Noticed.SEEN
    eligible = make_order()
    eligible.refund_wait_started_at, eligible.refund_eligible_at = NOW, later
    assert notice(eligible, CLIENT, Seen.MESSAGE, later) == Noticed.SEEN
    assert eligible.refund_wait_started_at == NOW


def test_a_prompt_is_answered_by_its_person_once() -> None:
    prompt = Prompt(order_id=1, chat_id=-100, user_id=CLIENT, step=PromptStep.REVISION,
                    created_at=NOW)
    assert prompt.refusal(OTHER) == "someone_else"
    assert prompt.refusal(CLIENT) is None
    prompt.close()
    assert prompt.state == PromptState.ANSWERED
    assert prompt.refusal(CLIENT) == "answered"
