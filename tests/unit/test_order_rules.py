"""Who may bind, claim, update and set up an order: each refusal, decided by the order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidTransition, NotAllowed
from bot.domain.order import Order, Role, Status
from bot.domain.text import TITLE_MAX, clean_text, order_title

NOW = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
CHAT, PRO, CLIENT, OTHER = -100, 10, 20, 40


def make_order(status: Status = Status.NOT_HIRED, pro: int = PRO,
               client: int | None = CLIENT) -> Order:
    return Order(chat_id=CHAT, title="Kitchen", pro_id=pro, language="es",
                 timezone="Europe/Madrid", created_at=NOW, included_revisions=2,
                 status=status, client_id=client, id=1)


def test_a_button_acts_only_in_its_own_chat() -> None:
    order = make_order()
    order.check_tapped_in(CHAT)
    with pytest.raises(NotAllowed):
        order.check_tapped_in(-200)


def test_an_order_without_its_professional_refuses_pro_actions() -> None:
    with pytest.raises(NotAllowed) as refused:
        make_order(pro=0).check_manager(Role.MODERATOR)
    assert refused.value.context["why"] == "no_pro"


@pytest.mark.parametrize("role", [Role.PRO, Role.MODERATOR])
def test_the_professional_or_a_moderator_manages(role: Role) -> None:
    make_order().check_manager(role)


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STRANGER])
def test_nobody_else_manages(role: Role) -> None:
    with pytest.raises(NotAllowed):
        make_order().check_manager(role)


def test_claim_pro_first_one_wins() -> None:
    order = make_order(pro=0)
    order.claim_pro(OTHER, "Pia")
    assert (order.pro_id, order.pro_name) == (OTHER, "Pia")
    with pytest.raises(AlreadyDone):
        order.claim_pro(PRO, "Pro")


@pytest.mark.parametrize(("user", "moderator", "why"), [(OTHER, True, "moderator_role"),
                                                        (CLIENT, False, "both_roles")])
def test_claim_pro_refusals(user: int, moderator: bool, why: str) -> None:
    order = make_order(pro=0)
    with pytest.raises(NotAllowed) as refused:
        order.claim_pro(user, "X", moderator)
    assert refused.value.context["why"] == why
    assert order.pro_id == 0


@pytest.mark.parametrize(("user", "moderator", "why"), [(OTHER, True, "moderator_role"),
                                                        (PRO, False, "both_roles")])
def test_claim_client_refusals(user: int, moderator: bool, why: str) -> None:
    order = make_order(client=None)
    with pytest.raises(NotAllowed) as refused:
        order.claim_client(user, "X", moderator)
    assert refused.value.context["why"] == why
    assert order.client_id is None


def test_a_moderator_is_refused_before_the_taken_role() -> None:
    with pytest.raises(NotAllowed):
        make_order().claim_client(OTHER, "X", moderator=True)


@pytest.mark.parametrize("to", [Status.CANCELLED, Status.DISPUTED])
def test_the_status_buttons_never_cancel_or_dispute(to: Status) -> None:
    with pytest.raises(NotAllowed):
        make_order(to).check_pro_move(to, Role.PRO)  # refused, not "already done"


def test_the_status_buttons_follow_the_state_machine() -> None:
    order = make_order(Status.DONE)
    order.check_pro_move(Status.IN_PROGRESS, Role.PRO)
    with pytest.raises(InvalidTransition):
        order.check_pro_move(Status.NOT_GOING_AHEAD, Role.PRO)
    with pytest.raises(AlreadyDone):
        order.check_pro_move(Status.DONE, Role.PRO)
    assert order.status == Status.DONE


@pytest.mark.parametrize(("n", "ok"), [(0, True), (20, True), (21, False), (-1, False)])
def test_included_revisions_range(n: int, ok: bool) -> None:
    order = make_order()
    if ok:
        order.set_included_revisions(n)
        assert order.included_revisions == n
    else:
        with pytest.raises(InvalidInput):
            order.set_included_revisions(n)


def test_included_revisions_never_below_the_used_ones() -> None:
    order = make_order()
    order.revisions_used = 2
    with pytest.raises(InvalidInput):
        order.set_included_revisions(1)
    assert order.included_revisions == 2


def test_the_first_delivery_date_is_not_in_the_past() -> None:
    order = make_order()
    with pytest.raises(InvalidInput):
        order.set_first_delivery_date(date(2027, 3, 7), date(2027, 3, 8))
    order.set_first_delivery_date(date(2027, 3, 8), date(2027, 3, 8))
    assert order.delivery_date == date(2027, 3, 8)


def test_a_backend_order_binds_one_chat() -> None:
    order = make_order()
    order.chat_id = 0
    order.bind_to(CHAT, 5)
    assert (order.chat_id, order.thread_id) == (CHAT, 5)
    order.bind_to(CHAT, 5)  # the link opened again in the same chat
    with pytest.raises(NotAllowed):
        order.bind_to(-200, None)


def test_only_a_cancelled_order_leaves_its_chat_free() -> None:
    assert make_order(Status.DONE).holds_chat
    assert not make_order(Status.CANCELLED).holds_chat


@pytest.mark.parametrize("status", list(Status))
def test_working_means_in_progress_or_done(status: Status) -> None:
    order = make_order(status)
    assert order.working == (status in (Status.IN_PROGRESS, Status.DONE))
    if not order.working:
        with pytest.raises(InvalidTransition):
            order.check_working()


def test_titles() -> None:
    assert order_title("  Paint   the\nkitchen ") == "Paint the kitchen"
    with pytest.raises(InvalidInput):
        order_title("   ")
    with pytest.raises(InvalidInput) as refused:
        order_title("x" * (TITLE_MAX + 1))
    assert refused.value.context["limit"] == TITLE_MAX


def test_typed_text() -> None:
    assert clean_text("  fix it ", "revision", 10) == "fix it"
    with pytest.raises(InvalidInput):
        clean_text(" ", "revision", 10)
    with pytest.raises(InvalidInput):
        clean_text("x" * 11, "revision", 10)
