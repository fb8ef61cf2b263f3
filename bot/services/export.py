"""/export: orders, reviews and the audit trail as three CSV files (UTF-8 with a BOM, so
spreadsheets read Arabic and accents; times in ISO 8601 UTC). Columns: see ORDER_COLUMNS,
REVIEW_COLUMNS and AUDIT_COLUMNS (documented in the README)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.services.ports import UnitOfWork
from bot.storage.models import ReviewRequestRow, StatusChangeRow

ORDER_COLUMNS = (
    "id", "chat_id", "title", "status", "language", "pro_id", "client_id", "created_at",
    "done_at", "revisions_used", "included_revisions", "delivery_date",
    "not_going_ahead_reason", "refund_eligible_at", "refund_decided_at", "reminders_sent",
    "checkin_used_at",
)
REVIEW_COLUMNS = (
    "order_id", "rating_id", "pro_id", "client_id", "stars", "on_time", "quality",
    "communication", "comment", "reply", "hidden", "hidden_reason", "hidden_by", "created_at",
    "updated_at",
)
AUDIT_COLUMNS = (
    "at", "source", "order_id", "actor_id", "role", "action", "from_status", "to_status",
    "detail",
)
# Free text typed by people: a leading = + - @ would be a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | date | datetime | None


def _cell(value: Cell, text: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    out = str(value)
    return "'" + out if text and out.startswith(_FORMULA_START) else out


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Cell]],
           text_columns: frozenset[str] = frozenset()) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), c in text_columns) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


async def _reminders_by_order(uow: UnitOfWork) -> dict[int, int]:
    table = ReviewRequestRow.__table__
    result = await uow.conn.execute(select(table.c.order_id, func.sum(table.c.reminders_sent))
                                    .group_by(table.c.order_id))
    return {int(order_id): int(total or 0) for order_id, total in result.all()}


async def orders_csv(uow: UnitOfWork) -> bytes:
    reminders = await _reminders_by_order(uow)
    rows = []
    for order in await uow.orders.find():
        row: dict[str, Cell] = {c: getattr(order, c, None) for c in ORDER_COLUMNS}
        row["status"] = order.status.value
        row["reminders_sent"] = reminders.get(order.id, 0)
        rows.append(row)
    return to_csv(ORDER_COLUMNS, rows, frozenset({"title"}))


async def reviews_csv(uow: UnitOfWork) -> bytes:
    rows = []
    for rating in await uow.ratings.find():
        row: dict[str, Cell] = {c: getattr(rating, c, None) for c in REVIEW_COLUMNS}
        row["rating_id"] = rating.id
        rows.append(row)
    return to_csv(REVIEW_COLUMNS, rows, frozenset({"comment", "reply", "hidden_reason"}))


async def audit_csv(uow: UnitOfWork) -> bytes:
    """Every moderator action and every status change, in time order."""
    table = StatusChangeRow.__table__
    changes = (await uow.conn.execute(select(table).order_by(table.c.id))).mappings().all()
    rows: list[dict[str, Cell]] = [
        {"at": c["at"], "source": "status_change", "order_id": c["order_id"],
         "actor_id": c["by_user_id"], "role": str(c["role"]), "action": "status_changed",
         "from_status": str(c["from_status"]) if c["from_status"] else None,
         "to_status": str(c["to_status"]), "detail": c["reason"]} for c in changes]
    rows += [{"at": e.at, "source": "audit", "order_id": e.order_id, "actor_id": e.actor_id,
              "action": e.action, "detail": e.detail} for e in await uow.audit.all()]
    rows.sort(key=lambda row: _cell(row["at"]))
    return to_csv(AUDIT_COLUMNS, rows, frozenset({"detail"}))


async def export_files(uow: UnitOfWork, now: datetime) -> list[tuple[str, bytes]]:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M")
    return [(f"orders-{stamp}.csv", await orders_csv(uow)),
            (f"reviews-{stamp}.csv", await reviews_csv(uow)),
            (f"audit-{stamp}.csv", await audit_csv(uow))]
