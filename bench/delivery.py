"""A backlog of messages to groups and private chats through the outbox sender, Telegram limits on.

    python bench/delivery.py --messages 1000 --groups 40 --privates 40

N SendMessage rows are queued in the outbox (round robin over G groups and P private chats,
each text unique), then `OutboxSender.flush()` delivers them through the aiogram adapter's
transport to the sandbox (own process) with Telegram's limits enforced (30/s per bot, 1/s per
private chat with a burst of 3, 20/min per group; 429 with retry_after when over). This runs in
real time. Figures:
- seconds: from the start of the flush to the last row's `sent_at`;
- share_of_limit: the minimum time Telegram's limits allow for this mix divided by `seconds`.
  The minimum is the largest of the three limits' own bounds, each a sliding window where the
  first message goes at t=0: bot floor((N-1)/30) s, a private chat with k messages (k-1) s
  (Telegram's 1/s, without the sandbox's burst), a group with k messages 60*floor((k-1)/20) s;
- responses_429: the sandbox's count of 429 answers (all of them are ours: nothing else sends);
- lost: texts never seen in the transcripts; duplicates: texts seen more than once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TOKEN, database, emit, note, quiet, sandbox_process
from bench.common import settings as make_settings


def minimum_seconds(per_chat: dict[int, int], groups: set[int]) -> float:
    """The least time Telegram's limits allow between the first and the last message."""
    total = sum(per_chat.values())
    bounds = [float((total - 1) // 30)]
    for chat, k in per_chat.items():
        bounds.append(60.0 * ((k - 1) // 20) if chat in groups else float(k - 1))
    return max(bounds)


async def _chats(control: Any, groups: int, privates: int) -> tuple[list[int], list[int]]:
    members = [await control.create_user(f"Member {i}", "en") for i in range(2)]
    group_ids = [await control.create_chat("group", f"Order {i}", members)
                 for i in range(groups)]
    private_ids = [await control.create_user(f"Client {i}", "en") for i in range(privates)]
    return group_ids, private_ids


async def _queue(app: Any, chats: list[int], messages: int) -> dict[str, int]:
    """Queue the backlog; return text -> chat id."""
    from handlers.events import SendMessage

    expected: dict[str, int] = {}
    now = app.clock.now()
    async with app.uow_factory() as uow:
        for i in range(messages):
            chat = chats[i % len(chats)]
            text = f"bench message {i} to {chat}"
            expected[text] = chat
            await uow.outbox.add(SendMessage(chat, text), now)
        await uow.commit()
    return expected


async def _sent_at(app: Any) -> list[datetime]:
    from sqlalchemy import select

    from bot.storage.models import OutboxRow

    table = OutboxRow.__table__
    async with app.uow_factory() as uow:
        rows = await uow.conn.execute(select(table.c.sent_at).where(table.c.state == "sent"))
        return [r for r in rows.scalars() if r is not None]


async def _seen(control: Any, chats: list[int]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for chat in chats:
        for entry in await control.transcript(chat):
            if entry.get("kind") == "message" and entry["from"]["is_bot"]:
                seen[entry.get("text") or ""] += 1
    return seen


async def _deliver(app: Any, adapter: Any, args: argparse.Namespace, timeout: float) -> float:
    from bot.delivery.sender import OutboxSender

    sender = OutboxSender(app.uow_factory, adapter.transport, app.clock, app.settings)
    start = datetime.now(UTC)
    began = time.perf_counter()
    await sender.flush(timeout=timeout)
    note(f"flush returned after {time.perf_counter() - began:.2f} s")
    last = max(await _sent_at(app), default=start)
    return (last - start).total_seconds()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import build_app
    from bot.runner import load_adapter
    from bot.sandbox.control import SandboxControl

    async with sandbox_process(limits=True) as base_url, database(args.db) as url, \
            SandboxControl(base_url) as control:
        await control.register_bot(TOKEN)
        groups, privates = await _chats(control, args.groups, args.privates)
        settings = make_settings(url, base_url, "aiogram")
        app = build_app(settings)
        adapter = load_adapter(settings)
        try:
            await adapter.open()
            await control.set_limits(True)
            expected = await _queue(app, groups + privates, args.messages)
            per_chat = Counter(expected.values())
            floor = minimum_seconds(dict(per_chat), set(groups))
            seconds = await _deliver(app, adapter, args, timeout=floor * 3 + 60)
            stats = await control.stats()
            seen = await _seen(control, groups + privates)
        finally:
            await adapter.close()
            await app.uow_factory.engine.dispose()
    lost = sum(1 for text in expected if seen[text] == 0)
    duplicates = sum(seen[text] - 1 for text in expected if seen[text] > 1)
    return {"messages": args.messages, "groups": args.groups, "privates": args.privates,
            "seconds": round(seconds, 3), "minimum_seconds": floor,
            "share_of_limit": round(floor / seconds, 4) if seconds > 0 else 0.0,
            "responses_429": int(stats.get("too_many_requests", 0)),
            "lost": lost, "duplicates": duplicates,
            "send_requests": int(stats.get("requests", {}).get("sendMessage", 0))}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--privates", type=int, default=40)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="200 messages, 40 + 40 chats")
    args = parser.parse_args(argv)
    if args.quick:
        args.messages, args.groups, args.privates = 200, 40, 40
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    emit(asyncio.run(run(parse(argv))))


if __name__ == "__main__":
    main()
