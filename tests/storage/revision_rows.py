"""A small, lived-in database: one finished order with its people, chat, review, rating and
the rows delivery and auditing leave behind, written with plain inserts into the tables as they
are at some revision (a column that revision does not have is left out)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection

Row = dict[str, Any]

T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
PRO, CLIENT, MOD = 5_000_000_001, 5_000_000_002, 7001
CHAT = -1_001_234_567_890


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


ORDER: Row = {
    "chat_id": CHAT, "thread_id": 17, "title": "Reforma cocina", "pro_id": PRO,
    "client_id": CLIENT, "pro_name": "Marta Obras", "client_name": "Ana", "language": "es",
    "timezone": "Europe/Madrid", "status": "done", "created_at": T0, "included_revisions": 2,
    "revisions_used": 1, "done_at": at(200), "hire_confirmed_at": at(2),
    "status_before_dispute": None, "dispute_opened_by": None,
    "delivery_date": date(2027, 3, 15), "not_going_ahead_reason": None,
    "refund_wait_started_at": None, "refund_eligible_at": None, "refund_decided_at": None,
    "last_pro_message_at": at(199), "last_client_message_at": at(150),
    "checkin_used_at": at(30), "chat_active": True, "can_read_all": False,
    "bind_token": "b1nd-t0ken-4f9a", "version": 7,
    "checkin_window_for": at(24), "checkin_offered": True, "region": "MX",
}


def _by_order(order_id: int) -> dict[str, list[Row]]:
    return {
        "people": [
            {"id": PRO, "name": "Marta Obras", "chosen_language": "es",
             "telegram_language": "es-ES", "updated_at": at(1)},
            {"id": CLIENT, "name": "Ana", "chosen_language": None,
             "telegram_language": "pt-BR", "updated_at": at(1)}],
        "chats": [{"id": CHAT, "active": True, "inactive_reason": None, "migrated_to": None,
                   "bot_admin": True, "updated_at": at(0.5)},
                  {"id": -1_009_999, "active": False, "inactive_reason": "bot was kicked",
                   "migrated_to": -1_001_999_000, "bot_admin": False, "updated_at": at(5)}],
        "moderators": [{"user_id": MOD, "added_by": MOD, "added_at": T0 - timedelta(days=30)}],
        "status_changes": [
            {"order_id": order_id, "from_status": "not_hired", "to_status": "in_progress",
             "by_user_id": PRO, "role": "pro", "at": at(2), "reason": None},
            {"order_id": order_id, "from_status": "in_progress", "to_status": "done",
             "by_user_id": PRO, "role": "pro", "at": at(200), "reason": "terminado"}],
        "revisions": [{"order_id": order_id, "number": 1, "description": "Cambiar el grifo",
                       "requested_by": CLIENT, "requested_at": at(100)}],
        "delivery_proposals": [
            {"order_id": order_id, "proposed_date": date(2027, 3, 15), "proposed_by": PRO,
             "proposed_at": at(3), "state": "accepted", "answered_at": at(4), "version": 1}],
        "prompts": [{"order_id": order_id, "chat_id": CHAT, "user_id": PRO, "step": "note",
                     "created_at": at(201), "target_id": None, "state": "answered",
                     "version": 1}],
        "review_requests": [
            {"order_id": order_id, "mode": "now", "state": "rated", "created_by": PRO,
             "created_at": at(201), "note": "¡Gracias, Ana!", "due_at": at(201),
             "posted_at": at(202), "reminders_sent": 1, "next_reminder_at": None,
             "frozen_at": None, "version": 3}],
        "ratings": [{"order_id": order_id, "client_id": CLIENT, "pro_id": PRO, "stars": 4,
                     "on_time": 5, "quality": 4, "communication": 3, "comment": "Muy bien",
                     "reply": "¡Gracias!", "reply_at": at(230), "hidden": False,
                     "hidden_reason": None, "hidden_by": None, "created_at": at(220),
                     "updated_at": at(225), "version": 2}],
        "message_refs": [{"chat_id": CHAT, "message_id": 4242, "ref_kind": "card",
                          "ref_id": order_id, "created_at": at(1)}],
        "audit_log": [{"at": at(240), "actor_id": MOD, "action": "rating_hidden",
                       "order_id": order_id, "detail": "spam, then shown again"}],
        "inbox": [{"update_id": 900_000_001, "received_at": at(220), "payload": '{"x": 1}',
                   "handled_at": at(220.01), "state": "handled", "reason": None,
                   "attempts": 1, "chat_id": CHAT, "event": None, "lease_owner": None,
                   "lease_until": None, "moderators_told_at": None},
                  {"update_id": 900_000_002, "received_at": at(221), "payload": None,
                   "handled_at": None, "state": "parked", "reason": "boom", "attempts": 3,
                   "chat_id": CHAT, "event": '{"kind": "command"}', "lease_owner": "w1",
                   "lease_until": at(221.5), "moderators_told_at": at(222)}],
        "outbox": [
            {"chat_id": CHAT, "kind": "send", "payload": '{"text": "Hola"}', "ref_kind": "card",
             "ref_id": order_id, "order_id": order_id, "created_at": at(1), "state": "sent",
             "attempts": 1, "next_attempt_at": at(1), "claimed_until": None,
             "sent_message_id": 4242, "sent_at": at(1.01), "outcome_reason": None},
            {"chat_id": CLIENT, "kind": "send", "payload": '{"text": "¿Estrellas?"}',
             "ref_kind": None, "ref_id": None, "order_id": order_id, "created_at": at(202),
             "state": "pending", "attempts": 2, "next_attempt_at": at(203),
             "claimed_until": at(202.5), "sent_message_id": None, "sent_at": None,
             "outcome_reason": "429 retry after 30"}],
        "hook_events": [{"event_id": "evt-7f3a9c", "event": "refund_decided",
                         "order_id": order_id, "payload": '{"order_id": 1}',
                         "created_at": at(300), "state": "pending", "attempts": 3,
                         "next_attempt_at": at(301), "claimed_until": None,
                         "last_error": "HTTP 503"}],
    }


def _by_rating(rating_id: int) -> dict[str, list[Row]]:
    return {"rating_edits": [{"rating_id": rating_id, "by_user_id": CLIENT, "at": at(225),
                              "stars": 3, "on_time": 4, "quality": 3, "communication": 3,
                              "comment": "Bien"}]}


def fill(conn: Connection, tables: dict[str, Table]) -> dict[str, list[Row]]:
    """Insert the rows into every table given; return them as stored, generated ids
    included. A table this module has no rows for, or a column it leaves empty, is an error:
    a new revision's tables and columns get data here too."""
    stored: dict[str, list[Row]] = {}

    def put(name: str, rows: list[Row]) -> list[Row]:
        table = tables.get(name)
        if table is None:
            return []
        missing = set(table.c.keys()) - set(rows[0]) - {c.name for c in table.primary_key}
        assert not missing, f"no test data for {name}.{sorted(missing)}"
        for row in rows:
            values = {key: value for key, value in row.items() if key in table.c}
            key = conn.execute(insert(table).values(values)).inserted_primary_key
            assert key is not None
            stored.setdefault(name, []).append(
                {**values, **dict(zip((c.name for c in table.primary_key), key, strict=True))})
        return stored.get(name, [])

    order_id = put("orders", [ORDER])[0]["id"]
    later: list[Callable[[], dict[str, list[Row]]]] = [
        lambda: _by_order(order_id),
        lambda: _by_rating(stored["ratings"][0]["id"])]
    for make in later:
        for name, rows in make().items():
            put(name, rows)
    unfilled = set(tables) - set(stored)
    assert not unfilled, f"no test data for the tables {sorted(unfilled)}"
    return stored
