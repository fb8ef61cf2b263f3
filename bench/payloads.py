"""Raw Telegram-shaped updates for the benchmarks (what the Bot API sends), many orders' worth.

The people and groups exist in the sandbox (`sandbox_people`), so the bot's messages to them are
delivered. The taps are synthesised (the sandbox never issued their callback query ids), so the
sandbox answers their answerCallbackQuery "query is too old", one round trip as for a real one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

BOT_USERNAME = "bench_bot"
DATE = 1_800_000_000


@dataclass(frozen=True)
class People:
    """Who is in each order: its professional, its client and its group (ids by order)."""

    pros: dict[int, int]
    clients: dict[int, int]
    groups: dict[int, int]


async def sandbox_people(control: Any, orders: int) -> People:
    """A professional, a client and a group holding both, per order, created in the sandbox
    (so that what the bot sends them is delivered, as in production)."""
    pros, clients, groups = {}, {}, {}
    for order in range(1, orders + 1):
        pros[order] = await control.create_user(f"Pro {order}", "en")
        clients[order] = await control.create_user(f"Client {order}", "en")
        groups[order] = await control.create_chat("group", f"Order thread {order}",
                                                  [pros[order], clients[order]])
    return People(pros, clients, groups)


def _user(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "en"}


@dataclass
class Updates:
    """Makes updates with fresh update ids, message ids and callback query ids."""

    people: People
    first_id: int = 1
    _ids: itertools.count = field(init=False)  # type: ignore[type-arg]
    _messages: itertools.count = field(default_factory=lambda: itertools.count(10))

    def __post_init__(self) -> None:
        self._ids = itertools.count(self.first_id)

    def _person(self, order: int, by_pro: bool) -> dict[str, Any]:
        if by_pro:
            return _user(self.people.pros[order], f"Pro {order}")
        return _user(self.people.clients[order], f"Client {order}")

    def _group(self, order: int) -> dict[str, Any]:
        return {"id": self.people.groups[order], "type": "group",
                "title": f"Order thread {order}"}

    def command(self, order: int, text: str, by_pro: bool = True,
                private: bool = False) -> dict[str, Any]:
        user = self._person(order, by_pro)
        chat = ({"id": user["id"], "type": "private", "first_name": user["first_name"]}
                if private else self._group(order))
        return {"update_id": next(self._ids), "message": {
            "message_id": next(self._messages), "date": DATE, "chat": chat, "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0,
                          "length": len(text.split()[0])}]}}

    def tap(self, order: int, data: str, by_pro: bool = True) -> dict[str, Any]:
        update_id = next(self._ids)
        bot = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": BOT_USERNAME}
        return {"update_id": update_id, "callback_query": {
            "id": f"q{update_id}", "chat_instance": f"ci{order}", "data": data,
            "from": self._person(order, by_pro),
            "message": {"message_id": 5, "date": DATE, "chat": self._group(order), "from": bot,
                        "text": "card"}}}


def setup_updates(maker: Updates, orders: int) -> list[dict[str, Any]]:
    """Open `orders` orders, each in its own group, and have their clients claim them."""
    updates = [maker.command(o, f"/neworder Logo design {o}") for o in range(1, orders + 1)]
    updates += [maker.tap(o, f"claim:{o}", by_pro=False) for o in range(1, orders + 1)]
    return updates


def progress_updates(maker: Updates, rated: range, working: range) -> list[dict[str, Any]]:
    """`rated` orders: done, review request posted now; `working`: in progress, no request."""
    updates = []
    for o in rated:
        updates += [maker.tap(o, f"st:{o}:done"), maker.tap(o, f"ask:{o}:now"),
                    maker.tap(o, f"note:{o}:default")]
    updates += [maker.tap(o, f"st:{o}:in_progress") for o in working]
    return updates


def mixed_updates(maker: Updates, count: int, rated: list[tuple[int, int]],
                  working: list[int]) -> list[dict[str, Any]]:
    """Interactive traffic over many orders: taps (status panel, when-to-ask, stars, card)
    and commands. `rated` holds (order id, review request id)."""
    updates: list[dict[str, Any]] = []
    for i in range(count):
        order, request = rated[i % len(rated)]
        other = working[(i * 7) % len(working)]
        step = i % 8
        if step == 0:
            updates.append(maker.tap(order, f"upd:{order}"))  # status panel (pro)
        elif step == 1:
            updates.append(maker.tap(order, f"star:{request}:{1 + (i // 8) % 5}", by_pro=False))
        elif step == 2:
            updates.append(maker.tap(other, f"ask:{other}:date"))  # when to ask: a day
        elif step == 3:
            updates.append(maker.tap(other, f"ask:{other}:later"))  # when to ask: later
        elif step == 4:
            updates.append(maker.tap(order, f"card:{order}", by_pro=False))
        elif step == 5:
            updates.append(maker.command(other, "/help"))
        elif step == 6:
            updates.append(maker.tap(other, f"upd:{other}"))
        else:
            updates.append(maker.command(order, "/profile", by_pro=False, private=True))
    return updates
