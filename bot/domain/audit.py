"""One line of an order's audit trail: who did what, when, with what detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class AuditEntry:
    at: datetime
    actor_id: int
    action: str
    order_id: int | None
    detail: str | None
    id: int = 0  # 0 until stored
