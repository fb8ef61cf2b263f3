"""The unit of work the use cases run in, as they see it: its repositories, its connection for
the reports' queries, the domain events its aggregates recorded, and what runs after commit.
`bot.storage.uow.UnitOfWork` provides it; handlers only pass it on to the services."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from bot.domain.events import DomainEvent
from bot.storage.export_reader import ExportReader
from bot.storage.hook_repos import HookEventRepository
from bot.storage.inbox_repo import InboxRepository
from bot.storage.inline import Conn
from bot.storage.order_repos import (
    OrderRepository,
    PromptRepository,
    ProposalRepository,
    RatingRepository,
    RequestRepository,
    RevisionRepository,
)
from bot.storage.support_repos import (
    AuditRepository,
    ChatRepository,
    MessageRefRepository,
    ModeratorRepository,
    OutboxRepository,
    PeopleRepository,
)


class UnitOfWork(Protocol):
    orders: OrderRepository
    requests: RequestRepository
    ratings: RatingRepository
    revisions: RevisionRepository
    proposals: ProposalRepository
    prompts: PromptRepository
    people: PeopleRepository
    moderators: ModeratorRepository
    audit: AuditRepository
    chats: ChatRepository
    outbox: OutboxRepository
    refs: MessageRefRepository
    hooks: HookEventRepository
    inbox: InboxRepository
    exports: ExportReader
    events: list[DomainEvent]

    @property
    def conn(self) -> Conn: ...

    def after_commit(self, callback: Callable[[], None]) -> None: ...

    async def commit(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, _exc_type: type[BaseException] | None,
                        exc: BaseException | None, _tb: TracebackType | None) -> None: ...
