"""Who is in a try-out: the demo's professional, client and moderator, and a stranger, each with
a Telegram account in the sandbox in the chosen language; and the order groups they share."""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.people import SCRIPTS, Script
from bot.sandbox.control import SandboxControl

ROLES = ("pro", "client", "stranger", "moderator")
# A member of the order's group who is neither its professional nor its client.
STRANGERS = {"es": "Lucía Gómez", "pt": "Rafael Costa", "ar": "عمر حسن", "en": "Alex Brown"}


@dataclass(frozen=True)
class Person:
    role: str
    id: int
    name: str
    username: str
    language: str


@dataclass(frozen=True)
class Cast:
    language: str
    script: Script
    people: tuple[Person, ...]

    def get(self, role: str) -> Person:
        for person in self.people:
            if person.role == role:
                return person
        raise KeyError(f"no person with the role {role!r}")

    def by_id(self, user_id: int) -> Person | None:
        return next((p for p in self.people if p.id == user_id), None)


async def create_cast(control: SandboxControl, language: str) -> Cast:
    """The four people's accounts, in ROLES order (the sandbox numbers them from one start, so a
    fresh sandbox gives them the same ids every time)."""
    script = SCRIPTS[language]
    names = {"pro": script.pro, "client": script.client, "stranger": STRANGERS[language],
             "moderator": script.moderator}
    people = []
    for role in ROLES:
        username = f"{role}_try"
        user_id = await control.create_user(names[role], language, username=username)
        people.append(Person(role, user_id, names[role], username, language))
    return Cast(language, script, tuple(people))


def group_title(script: Script, number: int) -> str:
    """The first group has the demo's order title; the next ones are numbered."""
    return script.title if number == 1 else f"{script.title} ({number})"
