"""People, moderators, the audit trail, chats, the outbox and message refs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Select, bindparam, delete, func, select, update

from bot.core import codec
from bot.core.events import Effect, Ref
from bot.domain.audit import AuditEntry
from bot.storage import models
from bot.storage.inline import Conn
from bot.storage.repositories import Repository, TableRepository, to_domain
from bot.storage.statements import cached, insert_ignore, insert_row, select_where, upsert


@dataclass
class PersonInfo:
    id: int
    name: str
    chosen_language: str | None
    telegram_language: str | None


class PeopleRepository(TableRepository[PersonInfo]):
    table, cls = models.table_of(models.PersonRow), PersonInfo

    async def seen(self, id_: int, name: str, telegram_language: str | None,
                   now: datetime) -> PersonInfo:
        """Record the name and Telegram language a person has now; return what is known of
        them, their chosen language included. On SQLite someone already known as they are is
        only read (`updated_at`: when their name or language last changed); on PostgreSQL the
        upsert's row lock makes one person's simultaneous taps take turns, so that a second
        sees the first's outcome ("already done") instead of meeting it as a conflict."""
        name = name[:200]
        if self.conn.dialect.name != "postgresql":
            known = await self.get(id_)
            if known is not None and (known.name, known.telegram_language) == (
                    name, telegram_language):
                return known
        values = {"id": id_, "name": name, "telegram_language": telegram_language,
                  "updated_at": now, "chosen_language": None}
        result = await upsert(self.conn, self.table, values, ("id",),
                              ("name", "telegram_language", "updated_at"),
                              returning=tuple(self.table.c.keys()))
        return to_domain(PersonInfo, result.mappings().one())

    async def choose_language(self, id_: int, language: str, now: datetime) -> None:
        await self.conn.execute(update(self.table).where(self.table.c.id == id_)
                                .values(chosen_language=language, updated_at=now))

    async def names(self, ids: list[int]) -> dict[int, str]:
        rows = await self.conn.execute(
            select(self.table.c.id, self.table.c.name).where(self.table.c.id.in_(ids)))
        return {id_: name for id_, name in rows.all()}


class ModeratorRepository(Repository):
    table = models.table_of(models.ModeratorRow)

    async def ids(self) -> set[int]:
        query = cached(("moderator_ids", self.table), lambda: select(self.table.c.user_id))
        return {int(user_id) for user_id in (await self.conn.execute(query)).scalars()}

    async def add(self, user_id: int, by: int, now: datetime) -> bool:
        return await insert_ignore(self.conn, self.table,
                                   {"user_id": user_id, "added_by": by, "added_at": now})

    async def remove(self, user_id: int) -> bool:
        result = await self.conn.execute(delete(self.table).where(self.table.c.user_id == user_id))
        return result.rowcount == 1


class AuditRepository(TableRepository[AuditEntry]):
    table, cls = models.table_of(models.AuditRow), AuditEntry

    async def for_order(self, order_id: int) -> list[AuditEntry]:
        return await self.load_by(order_id=order_id)


class ChatRepository(Repository):
    table = models.table_of(models.ChatRow)

    async def _set(self, chat_id: int, now: datetime, **changes: Any) -> None:
        """The chat's row with `changes` (a new row: an active chat the bot is no admin of)."""
        values = {"id": chat_id, "active": True, "inactive_reason": None, "migrated_to": None,
                  "bot_admin": False, "updated_at": now, **changes}
        await upsert(self.conn, self.table, values, ("id",), (*changes, "updated_at"))

    async def state(self, chat_id: int) -> tuple[bool, str | None, int | None]:
        """Whether deliveries may go to the chat, why not, and where it moved (none recorded:
        an active chat)."""
        row = await self._row(chat_id)
        return (True, None, None) if row is None else (
            bool(row["active"]), row["inactive_reason"], row["migrated_to"])

    async def is_active(self, chat_id: int) -> bool:
        return (await self.state(chat_id))[0]

    async def _row(self, chat_id: int) -> RowMapping | None:
        return (await self.conn.execute(*select_where(self.table, id=chat_id))).mappings().first()

    async def set_admin(self, chat_id: int, admin: bool, now: datetime) -> None:
        await self._set(chat_id, now, bot_admin=admin)

    async def resume(self, chat_id: int, now: datetime) -> bool:
        """The bot is back in a chat it had lost (re-added, unblocked): deliveries go there
        again. A chat upgraded to a supergroup stays inactive. True if it was inactive."""
        c = self.table.c
        result = await self.conn.execute(update(self.table).where(
            c.id == chat_id, c.active.is_(False), c.migrated_to.is_(None)
        ).values(active=True, inactive_reason=None, updated_at=now))
        return bool(result.rowcount == 1)

    async def is_admin(self, chat_id: int) -> bool:
        row = await self._row(chat_id)
        return bool(row["bot_admin"]) if row else False

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> bool:
        """Move the chat's orders, open outbox rows and message refs to `new_id`; False (and
        nothing changed) if this migration was already recorded."""
        if old_id == new_id or (await self.state(old_id))[2] == new_id:
            return False
        await self._orders_of(old_id, chat_id=new_id)
        await OutboxRepository(self.conn).move_chat(old_id, new_id)
        await MessageRefRepository(self.conn).move_chat(old_id, new_id)
        await self._set(old_id, now, active=False, inactive_reason="migrated", migrated_to=new_id)
        return True

    async def lose(self, chat_id: int, reason: str, now: datetime) -> bool:
        """Mark the chat inactive, its orders' chat inactive, and give up its open outbox rows;
        True the first time (tell the moderators then), False if it was already inactive."""
        first = await self.is_active(chat_id)
        if first:
            await self._set(chat_id, now, active=False, inactive_reason=reason)
            await self._orders_of(chat_id, chat_active=False)
        await OutboxRepository(self.conn).give_up_chat(chat_id, reason, now)
        return first

    async def _orders_of(self, chat_id: int, /, **values: Any) -> None:
        orders = models.table_of(models.OrderRow)
        await self.conn.execute(update(orders).where(orders.c.chat_id == chat_id).values(**values))


OPEN_STATES = ("pending", "sending")  # an outbox row's, until it is sent or given up


class OutboxRepository(Repository):
    """Messages to deliver, queued here and written by one multi-row INSERT at commit."""

    table = models.table_of(models.OutboxRow)

    def __init__(self, conn: Conn) -> None:
        super().__init__(conn)
        self.queued: list[dict[str, Any]] = []

    async def add(self, effect: Effect, now: datetime) -> None:
        ref: Ref | None = getattr(effect, "ref", None)
        values = {
            "chat_id": effect.chat_id,  # type: ignore[union-attr]
            "kind": codec.kind_of(effect), "payload": codec.dumps(effect),
            "ref_kind": ref.kind if ref else None, "ref_id": ref.id if ref else None,
            "order_id": getattr(effect, "order_id", None), "created_at": now,
            "state": "pending", "attempts": 0, "next_attempt_at": now,
        }
        self.queued.append(values)

    async def flush(self) -> None:
        if self.queued:
            rows, self.queued = self.queued, []
            await self.conn.execute(insert_row(self.table), rows)

    async def pending_count(self) -> int:
        result = await self.conn.execute(select(func.count()).select_from(self.table).where(
            self.table.c.state == "pending"))
        return int(result.scalar_one())

    async def move_chat(self, old_id: int, new_id: int) -> int:
        """Move every open row of a chat to its new id (a group upgraded to a supergroup)."""
        return await self._open_rows_of(old_id, chat_id=new_id)

    async def give_up_chat(self, chat_id: int, reason: str, now: datetime) -> int:
        """Give up every open row of a chat (403: nothing more can be delivered there)."""
        return await self._open_rows_of(chat_id, state="failed", claimed_until=None,
                                        outcome_reason=reason[:1000], next_attempt_at=now)

    async def _open_rows_of(self, chat_id: int, /, **values: Any) -> int:
        c = self.table.c
        result = await self.conn.execute(update(self.table).where(
            c.chat_id == chat_id, c.state.in_(OPEN_STATES)).values(**values))
        return int(result.rowcount)


class MessageRefRepository(Repository):
    table = models.table_of(models.MessageRefRow)

    async def record(self, chat_id: int, message_id: int, ref: Ref, now: datetime) -> None:
        await insert_ignore(self.conn, self.table, {
            "chat_id": chat_id, "message_id": message_id, "ref_kind": ref.kind,
            "ref_id": ref.id, "created_at": now})

    async def latest(self, ref: Ref) -> tuple[int, int] | None:
        row = (await self.conn.execute(cached(("latest_ref", self.table), self._latest),
                                       {"_kind": ref.kind, "_id": ref.id})).first()
        return (int(row[0]), int(row[1])) if row else None

    def _latest(self) -> Select[Any]:
        c = self.table.c
        return select(c.chat_id, c.message_id).where(
            c.ref_kind == bindparam("_kind"), c.ref_id == bindparam("_id")
        ).order_by(c.created_at.desc(), c.message_id.desc()).limit(1)

    async def lookup(self, chat_id: int, message_id: int) -> Ref | None:
        row = (await self.conn.execute(*select_where(
            self.table, chat_id=chat_id, message_id=message_id))).mappings().first()
        return Ref(str(row["ref_kind"]), int(row["ref_id"])) if row else None

    async def move_chat(self, old_id: int, new_id: int) -> None:
        await self.conn.execute(update(self.table).where(self.table.c.chat_id == old_id)
                                .values(chat_id=new_id))
