"""Typed callback data: every kind round-trips, and anything forged is refused strictly."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.callback_data import (
    INT_MAX,
    INT_MIN,
    KINDS,
    MAX_BYTES,
    AspectValue,
    CallbackData,
    ChooseLanguage,
    ChooseWhen,
    ClaimClient,
    Noop,
    ReviewDay,
    SetStatus,
    field_kinds,
    member,
    parse_callback,
)
from bot.core.errors import BadCallback
from bot.domain.order import Status

ints = st.integers(min_value=INT_MIN, max_value=INT_MAX)
words = st.from_regex(r"\A[a-z_]{1,24}\Z")
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def strategy_for(kind_of_field: Any) -> st.SearchStrategy[Any]:
    if kind_of_field is int:
        return ints
    if kind_of_field is date:
        return dates
    if get_origin(kind_of_field) is Literal:
        return st.sampled_from(get_args(kind_of_field))
    return words


@st.composite
def instances(draw: st.DrawFn) -> CallbackData:
    kind = draw(st.sampled_from(sorted(KINDS.values(), key=lambda k: k.prefix)))
    return kind(**{name: draw(strategy_for(hint)) for name, hint in field_kinds(kind)})


def test_examples() -> None:
    assert SetStatus(12, "done").pack() == "st:12:done"
    assert ReviewDay(7, date(2027, 3, 28)).pack() == "cal:7:20270328"
    assert Noop().pack() == "noop"
    assert parse_callback("st:12:done") == SetStatus(order_id=12, status="done")
    assert parse_callback("asp:3:on_time:0") == AspectValue(3, "on_time", 0)
    assert parse_callback("cal:7:20270328") == ReviewDay(7, date(2027, 3, 28))
    assert parse_callback("noop") == Noop()


@given(instances())
def test_every_kind_round_trips(data: CallbackData) -> None:
    try:
        packed = data.pack()
    except ValueError:  # only refused for length: the longest words with the longest ids
        assert sum(len(str(v)) + 1 for v in vars(data).values()) > MAX_BYTES - 16
        return
    assert len(packed.encode()) <= MAX_BYTES
    assert parse_callback(packed) == data


@pytest.mark.parametrize("kind", sorted(KINDS.values(), key=lambda k: k.prefix),
                         ids=lambda k: k.prefix)
def test_every_kind_refuses_a_forged_value_in_each_field(kind: type[CallbackData]) -> None:
    fields = field_kinds(kind)
    good = [_example(hint) for _name, hint in fields]
    assert parse_callback(":".join([kind.prefix, *good])) is not None
    for index, (_name, hint) in enumerate(fields):
        for forged in _forgeries(hint):
            parts = [*good[:index], forged, *good[index + 1:]]
            with pytest.raises(BadCallback):
                parse_callback(":".join([kind.prefix, *parts]))
    with pytest.raises(BadCallback):
        parse_callback(":".join([kind.prefix, *good, "1"]))  # an extra field
    if fields:
        with pytest.raises(BadCallback):
            parse_callback(":".join([kind.prefix, *good[:-1]]))  # a missing one


def _example(hint: Any) -> str:
    if hint is int:
        return "7"
    if hint is date:
        return "20270328"
    return str(get_args(hint)[0]) if get_origin(hint) is Literal else "done"


def _forgeries(hint: Any) -> list[str]:
    if hint is int:
        return ["x", "1.5", "+1", " 1", "0x10", "١٢", "12\n", str(INT_MAX + 1), str(INT_MIN - 1)]
    if hint is date:
        return ["20270230", "20271301", "2027-03-28", "today", "2027031"]
    forged = ["Done", "don-e", "", "é", "a" * 25, "12"]
    return [*forged, "bogus"] if get_origin(hint) is Literal else forged


@pytest.mark.parametrize("data", [
    None, "", "zz:1", "ST:1:done", "st", "claim", "claim:", "noop:", "noop:1",
    "claim:1:2", "st:1", "st:1:done:x", ":1", "claim::1",
])
def test_unknown_prefix_or_wrong_arity(data: str | None) -> None:
    with pytest.raises(BadCallback):
        parse_callback(data)


def test_int_range_edges() -> None:
    assert parse_callback(f"claim:{INT_MAX}") == ClaimClient(INT_MAX)
    assert parse_callback(f"claim:{INT_MIN}") == ClaimClient(INT_MIN)
    assert parse_callback("claim:007") == ClaimClient(7)


def test_leap_day() -> None:
    assert parse_callback("cal:1:20280229") == ReviewDay(1, date(2028, 2, 29))
    with pytest.raises(BadCallback):
        parse_callback("cal:1:20270229")


def test_closed_word_sets() -> None:
    assert parse_callback("ask:1:later") == ChooseWhen(1, "later")
    with pytest.raises(BadCallback):
        parse_callback("ask:1:tomorrow")
    with pytest.raises(ValueError):
        ChooseWhen(1, "tomorrow").pack()  # type: ignore[arg-type]


def test_member_names_an_enum_member_or_refuses() -> None:
    assert member(Status, "done") is Status.DONE
    with pytest.raises(BadCallback):
        member(Status, "finished")


def test_over_64_bytes() -> None:
    fits = "st:1:" + "a" * 24
    assert parse_callback(fits) == SetStatus(1, "a" * 24)
    longest = AspectValue(INT_MIN, "a" * 24, INT_MIN).pack()
    assert len(longest.encode()) <= MAX_BYTES
    with pytest.raises(BadCallback):
        parse_callback("st:1:" + "a" * 60)  # 65 bytes
    arabic = "lang:" + "ع" * 30  # 65 bytes, 35 characters
    assert len(arabic) < MAX_BYTES < len(arabic.encode())
    with pytest.raises(BadCallback):
        parse_callback(arabic)


@pytest.mark.parametrize("data", [
    SetStatus(True, "done"), SetStatus("1", "done"), SetStatus(1, "Done"),  # type: ignore[arg-type]
    SetStatus(1, "done\n"), ReviewDay(1, "20270328"), ClaimClient(INT_MAX + 1),  # type: ignore[arg-type]
    ChooseLanguage("ع"),
])
def test_pack_refuses_what_parse_would_refuse(data: CallbackData) -> None:
    with pytest.raises(ValueError):
        data.pack()


def test_prefixes_are_short_and_unique() -> None:
    ours = [k.prefix for k in KINDS.values() if k.__module__ == "bot.core.callback_data"]
    assert len(ours) == 29
    assert all(prefix.isascii() and prefix.isalpha() and len(prefix) <= 5 for prefix in ours)
    with pytest.raises(TypeError):
        @dataclass(frozen=True)
        class Again(CallbackData, prefix="st"):
            order_id: int


@given(st.text(max_size=80))
def test_parse_never_raises_anything_else(data: str) -> None:
    with contextlib.suppress(BadCallback):
        parse_callback(data)


@given(st.sampled_from(sorted(KINDS)), st.lists(st.text(alphabet=st.characters(
    blacklist_characters=":"), max_size=12), max_size=4))
def test_parse_of_near_misses_never_raises_anything_else(prefix: str, parts: list[str]) -> None:
    try:
        data = parse_callback(":".join([prefix, *parts]))
    except BadCallback:
        return
    assert data.prefix == prefix and type(data) is KINDS[prefix]
