"""The steps of tests/e2e/test_fuzz.py and the hypothesis strategies that draw them.

A step names its actor by role ("pro", "client", "stranger", "moderator", "bot") and leaves
what only the running chat knows (which buttons are on screen, which prompt to answer, this
order's id) to be picked when it runs: `pick` chooses among what is there, and the texts may
hold the placeholders {order}, {other}, {request}, {user}, {bot}. (No tests here.)
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from bot.core.callback_data import KINDS

ACTORS = ("pro", "client", "stranger", "moderator", "bot")
HUGE_YEAR = "10000000000000000000000/1/1"
COMMANDS = ("help", "start", "neworder", "lang", "language", "profile", "revisions",
            "delivery", "orders", "order", "remind", "hide_review", "restore_review", "cancel",
            "refund", "disputes", "stats", "export", "mod_add", "mod_remove", "nosuchcommand")


@dataclass(frozen=True)
class Command:
    actor: str
    text: str


@dataclass(frozen=True)
class Reply:
    """A reply to one of the bot's messages (a ForceReply prompt when there is one)."""

    actor: str
    pick: int
    text: str


@dataclass(frozen=True)
class Tap:
    """kind: "valid" (a button on a message as it is now), "stale" (a button a message had
    earlier), "forged" (data no button carries, on one of the bot's messages)."""

    actor: str
    kind: str
    pick: int
    data: str = ""


@dataclass(frozen=True)
class Wait:
    """Time passes: the scheduler's due sweep runs and its messages are delivered."""

    hours: int


Step = Command | Reply | Tap | Wait

actors = st.sampled_from(ACTORS)
picks = st.integers(min_value=0, max_value=50)
# Text a person types: anything printable or not, within Telegram's 4096 characters.
typed = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\n", "\u200b", "0", "-1", "5", "2147483648",
                     "99999999999999999999999", "2027-03-10", "10/3/27", "31/02/2027",
                     "tomorrow", HUGE_YEAR, "x" * 4096, "Fine work, thank you!"]),
)
arguments = st.one_of(
    st.just(""),
    st.sampled_from(["{order}", "#{order}", "{other}", "{user}", "{order} spam",
                     "{order} " + "r" * 600, "0", "-3", "2147483648",
                     "99999999999999999999999", "done", "in_progress", "all", "es", "xx",
                     "2027-03-10", HUGE_YEAR]),
    typed,
)


@st.composite
def commands(draw: st.DrawFn) -> Command:
    name = draw(st.sampled_from(COMMANDS))
    suffix = draw(st.sampled_from(["", "", "", "@{bot}", "@someone_else_bot"]))
    args = draw(arguments)
    text = f"/{name}{suffix}" + (f" {args}" if args else "")
    return Command(draw(actors), text)


# Forged callback data: a known prefix with fields of every kind, or anything at all.
field_values = st.sampled_from(["{order}", "{other}", "{request}", "0", "-1", "2147483648",
                                "now", "later", "date", "done", "in_progress", "yes", "no",
                                "write", "skip", "default", "on_time", "20270310", "20270231",
                                "", "x y", "é"])


@st.composite
def forged_data(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        prefix = draw(st.sampled_from(sorted(KINDS)))
        fields = draw(st.lists(field_values, max_size=3))
        return ":".join([prefix, *fields])
    return draw(st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64))


taps = st.one_of(
    st.builds(Tap, actors, st.just("valid"), picks),
    st.builds(Tap, actors, st.just("stale"), picks),
    st.builds(Tap, actors, st.just("forged"), picks, forged_data()),
)
replies = st.builds(Reply, actors, picks, typed)
waits = st.builds(Wait, st.sampled_from([1, 25, 49, 24 * 8]))

# Taps are drawn most often: they are what moves an order along.
steps = st.one_of(taps, taps, commands(), replies, waits)
# Where the example starts: a fresh order; its client claimed; the rating request posted
# (twice as often: the rating's invariant needs the client's stars within a few steps).
stages = st.sampled_from(["new", "claimed", "requested", "requested"])
