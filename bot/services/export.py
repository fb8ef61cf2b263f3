"""/export: orders, reviews and the audit trail as three CSV files (UTF-8 with a BOM, so
spreadsheets read Arabic and accents; times in ISO 8601 UTC). Columns: see ORDER_COLUMNS,
REVIEW_COLUMNS and AUDIT_COLUMNS (documented in the README)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import partial

from bot.domain.order import Order
from bot.domain.reviews import Rating
from bot.services.ports import UnitOfWork
from bot.storage.export_reader import ExportRows

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


def _order_row(order: Order, reminders: dict[int, int]) -> dict[str, Cell]:
    row: dict[str, Cell] = {c: getattr(order, c, None) for c in ORDER_COLUMNS}
    row["status"] = order.status.value
    row["reminders_sent"] = reminders.get(order.id, 0)
    return row


def orders_csv(rows: ExportRows) -> bytes:
    return to_csv(ORDER_COLUMNS,
                  (_order_row(order, rows.reminders_by_order) for order in rows.orders),
                  frozenset({"title"}))


def _review_row(rating: Rating) -> dict[str, Cell]:
    row: dict[str, Cell] = {c: getattr(rating, c, None) for c in REVIEW_COLUMNS}
    row["rating_id"] = rating.id
    return row


def reviews_csv(rows: ExportRows) -> bytes:
    return to_csv(REVIEW_COLUMNS, map(_review_row, rows.ratings),
                  frozenset({"comment", "reply", "hidden_reason"}))


def audit_csv(rows: ExportRows) -> bytes:
    """Every moderator action and every status change, in time order."""
    out: list[dict[str, Cell]] = [
        {"at": c["at"], "source": "status_change", "order_id": c["order_id"],
         "actor_id": c["by_user_id"], "role": str(c["role"]), "action": "status_changed",
         "from_status": str(c["from_status"]) if c["from_status"] else None,
         "to_status": str(c["to_status"]), "detail": c["reason"]} for c in rows.status_changes]
    out += [{"at": e.at, "source": "audit", "order_id": e.order_id, "actor_id": e.actor_id,
             "action": e.action, "detail": e.detail} for e in rows.audit]
    out.sort(key=lambda row: _cell(row["at"]))
    return to_csv(AUDIT_COLUMNS, out, frozenset({"detail"}))


def _files(stamp: str, rows: ExportRows) -> list[tuple[str, bytes]]:
    # in the order `ExportRows` gives its parts
    orders = orders_csv(rows)
    reviews = reviews_csv(rows)
    audit = audit_csv(rows)
    return [(f"orders-{stamp}.csv", orders), (f"reviews-{stamp}.csv", reviews),
            (f"audit-{stamp}.csv", audit)]


async def export_files(uow: UnitOfWork, now: datetime) -> list[tuple[str, bytes]]:
    """The three files. Reading a large database and building its files takes long: it is done
    without holding the event loop (`bot.storage.export_reader`), so other updates go on."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M")
    return await uow.exports.build(partial(_files, stamp))
