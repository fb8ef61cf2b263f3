"""Moderator views: /orders pages, /order with its history, /disputes, /stats, /export and
the command menus."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.core.callback_data import Noop, OrdersPage, ResolveDispute, SetStatus
from bot.core.events import EditMessage, SendMessage
from bot.domain.audit import AuditEntry
from bot.i18n import Translations
from bot.services import due
from bot.services.export import AUDIT_COLUMNS, ORDER_COLUMNS, REVIEW_COLUMNS
from handlers.command_menus import command_menus
from tests.bench import Bench, make_bench
from tests.handlers.moderation_helpers import (
    GROUP,
    MOD,
    bound_order,
    documents,
    due_context,
    mod,
    not_going_ahead_no_answer,
    one_text,
    open_dispute,
    posted_request,
    rated_order,
)


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", moderator_ids=(MOD,))
    yield bench
    await bench.uow_factory.engine.dispose()


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def test_orders_pages_with_buttons(bench: Bench) -> None:
    for n in range(12):
        await bound_order(bench, chat=-1000 - n, title=f"Job {n}")
    effects = await bench.send(bench.command(MOD, mod(bench), "/orders"))
    [page] = [e for e in effects if isinstance(e, SendMessage)]
    assert page.chat_id == MOD and "12 orders (page 1 of 2)" in page.text
    assert page.text.count("order #") == 10 and "«Job 11»" in page.text
    buttons = page.keyboard[0]  # type: ignore[index]
    assert [b.data for b in buttons] == [Noop().pack(), OrdersPage("all", 1).pack()]
    effects = await bench.send(bench.tap(MOD, mod(bench), OrdersPage("all", 1), 555))
    [edit] = [e for e in effects if isinstance(e, EditMessage)]
    assert edit.message_id == 555 and edit.text.count("order #") == 2
    assert "«Job 0»" in edit.text
    assert [b.data for b in edit.keyboard[0]] == [OrdersPage("all", 0).pack(), Noop().pack()]  # type: ignore[index]
    stranger = bench.person(3, "Eve", "en")
    effects = await bench.send(bench.tap(3, stranger, OrdersPage("all", 1), 556))
    assert effects[0].alert and not [e for e in effects if isinstance(e, EditMessage)]  # type: ignore[union-attr]


async def test_orders_by_status_and_from_a_group(bench: Bench) -> None:
    await rated_order(bench)
    await bound_order(bench, chat=-2, title="Roof")
    effects = await bench.send(bench.command(-2, mod(bench), "/orders done"))
    assert "1 order with status Done" in one_text(effects, MOD)
    assert "«Kitchen tap»" in one_text(effects, MOD) and "Roof" not in one_text(effects, MOD)
    assert "private message" in one_text(effects, -2)


async def test_order_shows_people_review_and_history(bench: Bench) -> None:
    order_id, *_ = await rated_order(bench, stars=4)
    await bench.send(bench.command(MOD, mod(bench), f"/hide_review {order_id} spam link"))
    effects = await bench.send(bench.command(GROUP, mod(bench), "/order"))
    text = one_text(effects, GROUP)
    assert "Professional: Ana (id 1)" in text and "Client: Luis (id 2)" in text
    assert "Review: ★★★★☆ (4/5)" in text and "Hidden by a moderator: spam link" in text
    assert "History:" in text and "Not hired yet → Done" in text
    assert "Mona: hid the review (spam link)" in text and "order created" in text


async def test_order_with_a_long_history_stays_under_the_limit(bench: Bench) -> None:
    order_id, *_ = await bound_order(bench)
    async with bench.uow_factory() as uow:
        for n in range(200):
            await uow.audit.add(AuditEntry(bench.clock.now() + timedelta(minutes=n), MOD,
                                           "reminder_sent", order_id, f"note {n} " + "x" * 40))
        await uow.commit()
    text = one_text(await bench.send(bench.command(MOD, mod(bench), f"/order {order_id}")))
    assert len(text) <= 4096
    assert "…and " in text and " more" in text
    history = text.split("History:\n")[1].splitlines()
    shown = len(history) - 1  # the last line is "…and N more"
    assert history[-1] == f"…and {200 + 2 - shown} more"  # + created, claimed
    assert "order created" in history[0]


async def test_disputes_lists_open_ones(bench: Bench) -> None:
    order_id, *_ = await rated_order(bench)
    assert "No open disputes." in one_text(await bench.send(
        bench.command(MOD, mod(bench), "/disputes")))
    await open_dispute(bench, order_id, 2, "never finished the tiles")
    effects = await bench.send(bench.command(MOD, mod(bench), "/disputes"))
    heading, line = [e for e in effects if isinstance(e, SendMessage)]
    assert heading.text == "1 open dispute:" and heading.keyboard is None
    assert "never finished the tiles" in line.text and f"/order {order_id}" in line.text
    assert [[b.data for b in row] for row in line.keyboard or ()] == [
        [ResolveDispute(order_id, "done").pack(), ResolveDispute(order_id, "in_progress").pack()],
        [ResolveDispute(order_id, "cancel").pack()]]
    effects = await bench.send(bench.tap(MOD, mod(bench), ResolveDispute(order_id, "done"), 600))
    [edit] = [e for e in effects if isinstance(e, EditMessage) and e.chat_id == MOD]
    assert edit.message_id == 600 and "resolved by you: Done" in edit.text
    assert "No open disputes." in one_text(await bench.send(
        bench.command(MOD, mod(bench), "/disputes")))


async def test_disputes_beyond_the_first_ten(bench: Bench) -> None:
    for n in range(12):
        order_id, pro, _ = await bound_order(bench, chat=-1000 - n, title=f"Job {n}")
        await bench.send(bench.tap(-1000 - n, pro, SetStatus(order_id, "in_progress"), 77))
        await open_dispute(bench, order_id, 2, f"problem {n}")
    effects = await bench.send(bench.command(GROUP, mod(bench), "/disputes"))
    private = [e for e in effects if isinstance(e, SendMessage) and e.chat_id == MOD]
    assert private[0].text == ("12 open disputes: the 10 newest are below; /orders disputed "
                               "lists them all.")
    assert len(private) == 11 and all(e.keyboard for e in private[1:])
    assert "problem 11" in private[1].text and "problem 2" in private[-1].text
    assert "private message" in one_text(effects, GROUP)


async def test_stats(bench: Bench) -> None:
    order_id, *_ = await rated_order(bench, stars=4)
    other, pro, _client = await bound_order(bench, chat=-3, title="Roof")
    await bench.send(bench.tap(-3, pro, SetStatus(other, "done"), 77))
    await open_dispute(bench, order_id, 2, "late")
    text = one_text(await bench.send(bench.command(MOD, mod(bench), "/stats")))
    assert "Orders: 2" in text and "Done: 1" in text and "In dispute: 1" in text
    assert "Ratings: 1, average 4.00" in text
    assert "Done orders rated: 0 of 1 (0%)" in text
    assert "Reminders sent: 0" in text and "Check-ins used: 0" in text
    assert "Disputes: 1 opened, 1 open" in text
    assert "for the marketplace" not in text  # no hook configured


async def test_export_three_csv_files(bench: Bench) -> None:
    order_id, *_ = await rated_order(bench, stars=5)
    other, pro, _ = await bound_order(bench, chat=-3, title="=HYPERLINK(evil)")
    await not_going_ahead_no_answer(bench, other, pro, chat=-3)
    assert await due.mark_refund_eligible(due_context(bench), other)
    await bench.send(bench.command(MOD, mod(bench), f"/hide_review {order_id} rude"))
    effects = await bench.send(bench.command(GROUP, mod(bench), "/export"))
    docs = documents(effects)
    assert [d.chat_id for d in docs] == [MOD, MOD, MOD]
    assert [d.filename.split("-")[0] for d in docs] == ["orders", "reviews", "audit"]
    assert "private message" in one_text(effects, GROUP)
    orders, reviews, audit = (_rows(d.content) for d in docs)
    assert tuple(orders[0]) == ORDER_COLUMNS and tuple(reviews[0]) == REVIEW_COLUMNS
    assert tuple(audit[0]) == AUDIT_COLUMNS
    assert [(o["id"], o["status"]) for o in orders] == [(str(order_id), "done"),
                                                          (str(other), "not_going_ahead")]
    assert orders[1]["title"] == "'=HYPERLINK(evil)" and orders[1]["refund_eligible_at"]
    assert orders[1]["refund_decided_at"] == "" and orders[0]["reminders_sent"] == "0"
    assert orders[0]["chat_id"] == str(GROUP)
    [review] = reviews
    assert (review["order_id"], review["stars"], review["hidden"],
            review["hidden_reason"]) == (str(order_id), "5", "yes", "rude")
    actions = [(row["source"], row["action"], row["order_id"]) for row in audit]
    assert ("status_change", "status_changed", str(order_id)) in actions
    assert ("audit", "review_hidden", str(order_id)) in actions
    assert [row["at"] for row in audit] == sorted(row["at"] for row in audit)
    async with bench.uow_factory() as uow:
        assert [e.actor_id for e in await uow.audit.find() if e.action == "export"] == [MOD]


async def test_export_of_an_empty_database(bench: Bench) -> None:
    docs = documents(await bench.send(bench.command(MOD, mod(bench), "/export")))
    assert len(docs) == 3 and all(len(_rows(d.content)) == 0 for d in docs)


async def test_order_in_posted_state_shows_reminder_counter(bench: Bench) -> None:
    order_id, *_ = await posted_request(bench)
    text = one_text(await bench.send(bench.command(MOD, mod(bench), f"/order #{order_id}")))
    assert "Reminders sent: 0" in text


def test_command_menus_per_scope_and_language() -> None:
    menus = command_menus(Translations(default="es"), [MOD, 12])
    scopes = {m.scope for m in menus}
    assert scopes == {"default", "all_private_chats", "all_group_chats", ("chat", MOD),
                      ("chat", 12)}
    languages = {m.language_code for m in menus if m.scope == "all_group_chats"}
    assert languages == {None, "en", "es", "pt", "ar"}
    group = next(m for m in menus if m.scope == "all_group_chats" and m.language_code is None)
    assert group.commands[0][0] == "neworder"
    moderator = next(m for m in menus if m.scope == ("chat", MOD) and m.language_code == "en")
    names = [c for c, _ in moderator.commands]
    assert {"orders", "order", "remind", "export", "mod_add", "stats"} <= set(names)
    for menu in menus:
        for name, description in menu.commands:
            assert name.islower() and len(name) <= 32 and 1 <= len(description) <= 256
