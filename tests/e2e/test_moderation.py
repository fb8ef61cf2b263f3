"""Moderator commands through each framework, against the sandbox:
the refusal to others, /cancel in the order chat, /order with its history, /stats, and
/export as three CSV documents read back through the control API."""

from __future__ import annotations

import csv
import io

import pytest

from bot.services.export import AUDIT_COLUMNS, ORDER_COLUMNS, REVIEW_COLUMNS
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
WAIT = 15.0  # several messages into one private chat: the 1/s limit is waited out


async def _order_with_moderator(world: World) -> tuple[int, int, int, int]:
    ana = await world.user("Ana", "en")
    luis = await world.user("Luis", "en")
    mona = await world.user("Mona", "en")
    await world.add_moderator(mona)
    group = await world.group("Kitchen tap", [ana, luis, mona])
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Kitchen tap")
    seen = await world.mark(group)
    await world.tap(group, luis, "I am the client")
    await world.wait_text(group, "Luis is the client", after=seen)
    return ana, luis, mona, group


async def test_moderator_commands_round_trip(world: World) -> None:
    ana, luis, mona, group = await _order_with_moderator(world)
    await world.say(luis, luis, "/stats")
    await world.wait_text(luis, "Only moderators can use this command.")
    seen = await world.mark(group)
    await world.say(group, ana, "/cancel 1 because")
    await world.wait_text(group, "Only moderators can use this command.", after=seen)

    await world.say(group, mona, "/cancel the client asked for it")
    await world.wait_text(group, "A moderator cancelled order #1 «Kitchen tap». Reason: the "
                                 "client asked for it", timeout=WAIT)
    await world.wait_text(group, "Status: Cancelled", timeout=WAIT)

    await world.say(mona, mona, "/order 1")
    details = await world.wait_text(mona, "History:", timeout=WAIT)
    assert "Mona: cancelled the order (the client asked for it)" in details["text"]
    assert "Not hired yet → Cancelled" in details["text"]
    await world.say(mona, mona, "/stats")
    stats = await world.wait_text(mona, "Orders: 1", timeout=WAIT)
    assert "Cancelled: 1" in stats["text"]


async def test_export_sends_three_csv_documents(world: World) -> None:
    _ana, _luis, mona, group = await _order_with_moderator(world)
    await world.say(group, mona, "/export")
    await world.wait_text(group, "I sent the export to you in a private message.")
    await world.wait_text(mona, "Audit trail", timeout=WAIT)
    docs = await world.control.documents(mona)
    assert [d["file_name"].split("-")[0] for d in docs][-3:] == ["orders", "reviews", "audit"]
    tables = [list(csv.reader(io.StringIO(d["content"].decode("utf-8-sig")))) for d in docs[-3:]]
    assert [tuple(t[0]) for t in tables] == [ORDER_COLUMNS, REVIEW_COLUMNS, AUDIT_COLUMNS]
    orders = tables[0][1:]
    assert len(orders) == 1 and orders[0][2] == "Kitchen tap" and orders[0][3] == "not_hired"
    assert tables[1][1:] == []
    assert {row[5] for row in tables[2][1:]} >= {"order_created", "client_claimed"}
