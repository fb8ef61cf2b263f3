"""The schema. Column names equal the domain dataclasses' field names, so rows map 1:1; the
column types behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.domain.order import NotGoingAheadReason, Role, Status
from bot.domain.prompts import PromptState, PromptStep
from bot.domain.reviews import RequestMode, RequestState
from bot.domain.revisions import ProposalState


class UTCDateTime(TypeDecorator[datetime]):
    """Stored in UTC; always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its plain string value (no native ENUM: migrations stay simple)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum: type[StrEnum], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(self.enum(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The model's Core table (typed as a Table, which it is for these plain models)."""
    return cast(Table, model.__table__)


def _ts(nullable: bool = True) -> Mapped[datetime | None]:
    return mapped_column(UTCDateTime(), nullable=nullable)


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_checkin_offered", "checkin_offered", "checkin_window_for"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    pro_id: Mapped[int] = mapped_column(BigInteger, index=True)
    client_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    pro_name: Mapped[str] = mapped_column(String(200), default="")
    client_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(8), default="", server_default="")  # "BR"
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[Status] = mapped_column(StrEnumType(Status), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    included_revisions: Mapped[int] = mapped_column(Integer)
    revisions_used: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    hire_confirmed_at: Mapped[datetime | None] = _ts()
    status_before_dispute: Mapped[Status | None] = mapped_column(StrEnumType(Status))
    dispute_opened_by: Mapped[int | None] = mapped_column(BigInteger)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    not_going_ahead_reason: Mapped[NotGoingAheadReason | None] = mapped_column(
        StrEnumType(NotGoingAheadReason))
    refund_wait_started_at: Mapped[datetime | None] = _ts()
    refund_eligible_at: Mapped[datetime | None] = _ts()
    refund_decided_at: Mapped[datetime | None] = _ts()
    last_pro_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_client_message_at: Mapped[datetime | None] = _ts()
    checkin_used_at: Mapped[datetime | None] = _ts()
    checkin_window_for: Mapped[datetime | None] = _ts()
    checkin_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    chat_active: Mapped[bool] = mapped_column(Boolean, default=True)
    can_read_all: Mapped[bool] = mapped_column(Boolean, default=False)
    bind_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class StatusChangeRow(Base):
    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    from_status: Mapped[Status | None] = mapped_column(StrEnumType(Status))
    to_status: Mapped[Status] = mapped_column(StrEnumType(Status))
    by_user_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)


class ReviewRequestRow(Base):
    __tablename__ = "review_requests"
    __table_args__ = (Index("ix_review_requests_due", "state", "due_at"),
                      Index("ix_review_requests_reminder", "state", "next_reminder_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    mode: Mapped[RequestMode] = mapped_column(StrEnumType(RequestMode))
    state: Mapped[RequestState] = mapped_column(StrEnumType(RequestState))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = _ts()
    posted_at: Mapped[datetime | None] = _ts()
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_reminder_at: Mapped[datetime | None] = _ts()
    frozen_at: Mapped[datetime | None] = _ts()
    version: Mapped[int] = mapped_column(Integer, default=0)


class RatingRow(Base):
    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    client_id: Mapped[int] = mapped_column(BigInteger)
    pro_id: Mapped[int] = mapped_column(BigInteger, index=True)
    stars: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int | None] = mapped_column(Integer)
    quality: Mapped[int | None] = mapped_column(Integer)
    communication: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    reply_at: Mapped[datetime | None] = _ts()
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=0)


class RatingEditRow(Base):
    __tablename__ = "rating_edits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    by_user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    stars: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int | None] = mapped_column(Integer)
    quality: Mapped[int | None] = mapped_column(Integer)
    communication: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class RevisionRow(Base):
    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(BigInteger)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryProposalRow(Base):
    __tablename__ = "delivery_proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    proposed_date: Mapped[date] = mapped_column(Date)
    proposed_by: Mapped[int] = mapped_column(BigInteger)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[ProposalState] = mapped_column(StrEnumType(ProposalState))
    answered_at: Mapped[datetime | None] = _ts()
    version: Mapped[int] = mapped_column(Integer, default=0)


class PromptRow(Base):
    __tablename__ = "prompts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[PromptStep] = mapped_column(StrEnumType(PromptStep))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    target_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[PromptState] = mapped_column(StrEnumType(PromptState))
    version: Mapped[int] = mapped_column(Integer, default=0)


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    chosen_language: Mapped[str | None] = mapped_column(String(8))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModeratorRow(Base):
    __tablename__ = "moderators"
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class ChatRow(Base):
    """Where deliveries may go; a 403 or a migration is recorded here."""

    __tablename__ = "chats"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(Text)
    migrated_to: Mapped[int | None] = mapped_column(BigInteger)
    bot_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxRow(Base):
    """Every update id seen (kept at least 48 h); a webhook update is stored before its 200,
    leased by the worker handling it. The states: `bot.storage.inbox_repo`."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_state_lease", "state", "lease_until"),)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    payload: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None] = _ts()
    state: Mapped[str] = mapped_column(String(16), server_default="received")
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    event: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = _ts()
    moderators_told_at: Mapped[datetime | None] = _ts()


class OutboxRow(Base):
    __tablename__ = "outbox"
    # The claim groups the open rows by chat from ix_outbox_state_chat alone; it serves the
    # other per-chat statements too (they name the open states), one index less to write.
    __table_args__ = (Index("ix_outbox_ready", "state", "next_attempt_at"),
                      Index("ix_outbox_state_chat", "state", "chat_id", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    ref_kind: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = _ts()
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = _ts()
    outcome_reason: Mapped[str | None] = mapped_column(Text)


class HookEventRow(Base):
    """An event for the marketplace's hook (`ORDERBOT_HOOK_URL`): `bot.storage.hook_repos`."""

    __tablename__ = "hook_events"
    __table_args__ = (Index("ix_hook_events_ready", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    event: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = _ts()
    last_error: Mapped[str | None] = mapped_column(Text)


class MessageRefRow(Base):
    """The Telegram id of each message sent with a ref (the card, a prompt, a rating request)."""

    __tablename__ = "message_refs"
    __table_args__ = (Index("ix_message_refs_ref", "ref_kind", "ref_id"),)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ref_kind: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
