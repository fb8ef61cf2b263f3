"""A backlog of messages to groups and private chats through the outbox sender, Telegram limits on.

    python bench/delivery.py --messages 2000 --groups 60 --privates 60

The mix exercises each of Telegram's limits: `--heavy-groups` groups get
`--heavy-group-messages` each (more than 20, so the 20/min window holds them back),
`--heavy-privates` private chats get `--heavy-private-messages` each (paced by 1/s), and the rest
of the N messages is spread round robin over the other chats (the bot's 30/s holds the bulk
back). Each chat's messages are spread evenly through the backlog. The rows are queued in the
outbox, then `OutboxSender.flush()` delivers them through a framework adapter's transport
(`--framework`, aiogram unless told) to the sandbox (own process) with its limits on (30/s per
bot, 1/s per private chat with a burst of 3, 20/min per group; 429 with retry_after when over).
This runs in real time. Figures:
- seconds: from the start of the flush to the last row's `sent_at`;
- minimum_seconds: the least time any schedule within Telegram's limits needs for this mix
  (30/s for the bot, 1/s in every chat, 20/min per group; see bench/telegram_bound.py);
  minimum_exact says that a schedule of that length was found (else it is a lower bound);
- share_of_limit: minimum_seconds / seconds;
- per_limit: for each limit, its own bound for the mix, and its share: that bound divided by
  the time the chats it binds hardest (for the bot: all) took to get their last message
  (null when the mix has no such chat: the 20/min window needs a group with more than 20);
- responses_429: the sandbox's count of 429 answers (all of them are ours: nothing else sends);
- lost: texts never seen in the transcripts; duplicates: texts seen more than once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TOKEN, database, emit, note, quiet, sandbox_process
from bench.common import settings as make_settings
from bench.telegram_bound import GROUP_PER_WINDOW, Bound, minimum_seconds, own_seconds


def plan(args: argparse.Namespace) -> list[tuple[int, bool]]:
    """(messages, is a group) per chat: the groups first, then the private chats."""
    heavy = [(args.heavy_group_messages, True)] * args.heavy_groups + \
        [(args.heavy_private_messages, False)] * args.heavy_privates
    light = [True] * (args.groups - args.heavy_groups) + \
        [False] * (args.privates - args.heavy_privates)
    rest = args.messages - sum(count for count, _ in heavy)
    if rest < 0 or (rest and not light):
        raise SystemExit("the heavy chats need more messages than --messages, or leave none "
                         "for the other chats")
    counts = [rest // len(light) + (i < rest % len(light)) for i in range(len(light))]
    light_mix = list(zip(counts, light, strict=True))
    groups = [*heavy[:args.heavy_groups], *light_mix[:args.groups - args.heavy_groups]]
    privates = [*heavy[args.heavy_groups:], *light_mix[args.groups - args.heavy_groups:]]
    return groups + privates


async def _chats(control: Any, groups: int, privates: int) -> tuple[list[int], list[int]]:
    members = [await control.create_user(f"Member {i}", "en") for i in range(2)]
    group_ids = [await control.create_chat("group", f"Order {i}", members)
                 for i in range(groups)]
    private_ids = [await control.create_user(f"Client {i}", "en") for i in range(privates)]
    return group_ids, private_ids


def backlog(chats: list[int], counts: list[int]) -> list[tuple[int, str]]:
    """(chat, unique text) for every message, each chat's spread evenly through the backlog."""
    spots = [((n + 0.5) / count, i, n) for i, count in enumerate(counts) for n in range(count)]
    return [(chats[i], f"bench message {n} to {chats[i]}") for _, i, n in sorted(spots)]


async def _queue(app: Any, messages: list[tuple[int, str]]) -> None:
    from bot.core.events import SendMessage

    now = app.clock.now()
    async with app.uow_factory() as uow:
        for chat, text in messages:
            await uow.outbox.add(SendMessage(chat, text), now)
        await uow.commit()


async def _last_sent(app: Any) -> dict[int, datetime]:
    """Each chat's last `sent_at`."""
    from sqlalchemy import func, select

    from bot.storage.models import OutboxRow

    table = OutboxRow.__table__
    async with app.uow_factory() as uow:
        rows = await uow.conn.execute(select(table.c.chat_id, func.max(table.c.sent_at))
                                      .where(table.c.state == "sent")
                                      .group_by(table.c.chat_id))
        return {int(chat): at for chat, at in rows if at is not None}


async def _seen(control: Any, chats: list[int]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for chat in chats:
        for entry in await control.transcript(chat):
            if entry.get("kind") == "message" and entry["from"]["is_bot"]:
                seen[entry.get("text") or ""] += 1
    return seen


async def _deliver(app: Any, adapter: Any, timeout: float
                   ) -> tuple[datetime, dict[int, float], str | None]:
    """Flush the outbox; return the start, each chat's last delivery in seconds after it, and
    what went wrong (rows still open at the timeout), if anything."""
    from bot.delivery.config import DeliveryConfig
    from bot.delivery.sender import OutboxSender
    from bot.storage.outbox import SqlOutbox

    sender = OutboxSender(SqlOutbox(app.uow_factory), adapter.transport, app.clock,
                          DeliveryConfig.from_settings(app.settings))
    start = datetime.now(UTC)
    began = time.perf_counter()
    error = None
    try:
        await sender.flush(timeout=timeout)
    except TimeoutError as exc:
        error = str(exc)
    note(f"flush returned after {time.perf_counter() - began:.2f} s")
    return start, {chat: (at - start).total_seconds()
                   for chat, at in (await _last_sent(app)).items()}, error


def _share(bound: float, took: float | None) -> float | None:
    return round(bound / took, 4) if took else None


def per_limit(bound: Bound, mix: list[tuple[int, int, bool]],
              finish: dict[int, float]) -> dict[str, dict[str, Any]]:
    """Each limit's own bound for the mix and how close the chats it binds hardest came."""
    def hardest(kind: str) -> float | None:
        chats = [(own_seconds(count, group), chat) for chat, count, group in mix
                 if count > 1 and (kind == "group") == (group and count > GROUP_PER_WINDOW)]
        if not chats:
            return None
        top = max(seconds for seconds, _ in chats)
        return max(finish.get(chat, 0.0) for seconds, chat in chats if seconds == top)

    took = {"bot": max(finish.values(), default=0.0), "chat": hardest("chat"),
            "group": hardest("group")}
    bounds = {"bot": bound.bot, "chat": bound.chat, "group": bound.group}
    return {name: {"bound_s": bounds[name], "share": _share(bounds[name], took[name])}
            for name in bounds}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import build_app
    from bot.runner import load_adapter
    from bot.sandbox.control import SandboxControl

    counts = plan(args)
    bound = minimum_seconds(counts)
    async with sandbox_process(limits=True) as base_url, database(args.db) as url, \
            SandboxControl(base_url) as control:
        await control.register_bot(TOKEN)
        groups, privates = await _chats(control, args.groups, args.privates)
        chats = groups + privates
        shared = {"redis_url": args.redis, "redis_rate_key": f"orderbot:bench:{uuid.uuid4().hex}"}
        settings = make_settings(url, base_url, args.framework,
                                 **(shared if args.redis else {}))
        app = build_app(settings)
        adapter = load_adapter(settings)
        try:
            await adapter.open()
            await control.set_limits(True)
            messages = backlog(chats, [count for count, _ in counts])
            await _queue(app, messages)
            note(f"{len(messages)} messages queued; the limits allow {bound.lower} s at best")
            start, finish, error = await _deliver(app, adapter, timeout=bound.schedule * 3 + 60)
            stats = await control.stats()
            seen = await _seen(control, chats)
        finally:
            await adapter.close()
            await app.uow_factory.engine.dispose()
    seconds = max(finish.values(), default=0.0)
    lost = sum(1 for _, text in messages if seen[text] == 0)
    duplicates = sum(seen[text] - 1 for _, text in messages if seen[text] > 1)
    mix = [(chat, count, group) for chat, (count, group) in zip(chats, counts, strict=True)]
    return {"messages": args.messages, "groups": args.groups, "privates": args.privates,
            "limits_in": "redis" if args.redis else "process", "framework": args.framework,
            "seconds": round(seconds, 3), "minimum_seconds": bound.lower,
            "minimum_exact": bound.exact, "share_of_limit": _share(bound.lower, seconds) or 0.0,
            "per_limit": per_limit(bound, mix, finish),
            "responses_429": int(stats.get("too_many_requests", 0)),
            "lost": lost, "duplicates": duplicates,
            "send_requests": int(stats.get("requests", {}).get("sendMessage", 0)),
            "started_at": start.isoformat(timespec="seconds"),
            **({"error": error} if error else {})}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=60)
    parser.add_argument("--privates", type=int, default=60)
    parser.add_argument("--heavy-groups", type=int, default=3)
    parser.add_argument("--heavy-group-messages", type=int, default=25)
    parser.add_argument("--heavy-privates", type=int, default=3)
    parser.add_argument("--heavy-private-messages", type=int, default=60)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--framework", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--redis", metavar="URL",
                        help="keep the limits in this Redis, as several senders do")
    parser.add_argument("--quick", action="store_true",
                        help="300 messages, 20 + 20 chats; too short for the 20/min window")
    args = parser.parse_args(argv)
    if args.quick:
        args.messages, args.groups, args.privates = 300, 20, 20
        args.heavy_group_messages = args.heavy_private_messages = 10
        args.heavy_groups = args.heavy_privates = 2
    if not 0 <= args.heavy_groups <= args.groups or not 0 <= args.heavy_privates <= args.privates:
        parser.error("the heavy chats are some of --groups and --privates")
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    emit(asyncio.run(run(parse(argv))))


if __name__ == "__main__":
    main()
