"""The callback-data codec: round trips, and a strict refusal of anything forged."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from handlers.callbacks import INT_MAX, INT_MIN, MAX_BYTES, SPECS, Callback, cb, parse

ints = st.integers(min_value=INT_MIN, max_value=INT_MAX)
words = st.from_regex(r"\A[a-z_]{1,24}\Z")
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
KIND = {"i": ints, "w": words, "d": dates}


def args_for(spec: str) -> st.SearchStrategy[tuple[object, ...]]:
    return st.tuples(*(KIND[kind] for kind in spec))


@st.composite
def encodable(draw: st.DrawFn) -> tuple[str, tuple[object, ...]]:
    prefix = draw(st.sampled_from(sorted(SPECS)))
    return prefix, draw(args_for(SPECS[prefix]))


def test_examples() -> None:
    assert cb("st", 12, "done") == "st:12:done"
    assert cb("cal", 7, date(2027, 3, 28)) == "cal:7:20270328"
    assert cb("noop") == "noop"
    assert parse("st:12:done") == Callback("st", (12, "done"))
    assert parse("asp:3:on_time:0") == Callback("asp", (3, "on_time", 0))
    assert parse("cal:7:20270328").date(1) == date(2027, 3, 28)
    assert parse("noop") == Callback("noop", ())


@given(encodable())
def test_round_trip(case: tuple[str, tuple[object, ...]]) -> None:
    prefix, args = case
    try:
        data = cb(prefix, *args)  # type: ignore[arg-type]
    except ValueError:
        total = len(prefix) + sum(len(str(a)) + 1 for a in args)
        assert total > MAX_BYTES - 8  # only refused for length (dates encode shorter)
        return
    assert len(data.encode()) <= MAX_BYTES
    assert parse(data) == Callback(prefix, args)  # type: ignore[arg-type]


def test_typed_accessors() -> None:
    callback = parse("asp:3:quality:5")
    assert (callback.int(0), callback.word(1), callback.int(2)) == (3, "quality", 5)
    with pytest.raises(InvalidInput):
        callback.word(0)
    with pytest.raises(InvalidInput):
        callback.int(1)
    with pytest.raises(InvalidInput):
        callback.date(0)
    with pytest.raises(IndexError):
        callback.int(3)


@pytest.mark.parametrize("data", [
    None, "", "zz:1", "ST:1:done", "st", "claim", "claim:", "noop:", "noop:1",
    "claim:1:2", "st:1", "st:1:done:x", ":1", "claim::1",
])
def test_unknown_prefix_or_wrong_arity(data: str | None) -> None:
    with pytest.raises(InvalidInput):
        parse(data)


@pytest.mark.parametrize("data", [
    "claim:x", "claim:1.5", "claim:+1", "claim: 1", "claim:1 ", "claim:0x10", "claim:1e3",
    "claim:١٢", "claim:12\n", "claim:--1", "claim:-", "claim:12345678901",
    f"claim:{INT_MAX + 1}", f"claim:{INT_MIN - 1}", "star:1:٣",
])
def test_non_digits_and_out_of_range_ints(data: str) -> None:
    with pytest.raises(InvalidInput):
        parse(data)


def test_int_range_edges() -> None:
    assert parse(f"claim:{INT_MAX}").int(0) == INT_MAX
    assert parse(f"claim:{INT_MIN}").int(0) == INT_MIN
    assert parse("claim:-5").int(0) == -5
    assert parse("claim:007").int(0) == 7


@pytest.mark.parametrize("data", [
    "st:1:Done", "st:1:done1", "st:1:don-e", "st:1:", "st:1:é", "st:1:done\n",
    "st:1:" + "a" * 25, "lang:EN", "st:1:12",
])
def test_bad_words(data: str) -> None:
    with pytest.raises(InvalidInput):
        parse(data)


@pytest.mark.parametrize("data", [
    "cal:1:20270230", "cal:1:20271301", "cal:1:20270001", "cal:1:00000101", "cal:1:2027031",
    "cal:1:202703280", "cal:1:2027-03-28", "cal:1:２０２７０３２８", "cal:1:20270328\n",
    "cal:1:today",
])
def test_bad_dates(data: str) -> None:
    with pytest.raises(InvalidInput):
        parse(data)


def test_leap_day() -> None:
    assert parse("cal:1:20280229").date(1) == date(2028, 2, 29)
    with pytest.raises(InvalidInput):
        parse("cal:1:20270229")


def test_over_64_bytes() -> None:
    fits = "st:1:" + "a" * 24
    assert parse(fits).word(1) == "a" * 24
    longest = cb("asp", INT_MIN, "a" * 24, INT_MIN)
    assert len(longest.encode()) <= MAX_BYTES and parse(longest).int(2) == INT_MIN
    with pytest.raises(InvalidInput):
        parse("st:1:" + "a" * 60)  # 65 bytes
    arabic = "lang:" + "ع" * 30  # 65 bytes, 35 characters
    assert len(arabic) < MAX_BYTES < len(arabic.encode())
    with pytest.raises(InvalidInput):
        parse(arabic)


@pytest.mark.parametrize(("prefix", "args"), [
    ("zz", (1,)), ("st", (1,)), ("st", (1, "done", 2)), ("st", ("1", "done")),
    ("st", (True, "done")), ("st", (1, "Done")), ("st", (1, "done\n")), ("cal", (1, "20270328")),
    ("claim", (INT_MAX + 1,)), ("noop", (1,)),
])
def test_cb_refuses_what_parse_would_refuse(prefix: str, args: tuple[object, ...]) -> None:
    with pytest.raises((ValueError, KeyError)):
        cb(prefix, *args)  # type: ignore[arg-type]


def test_every_spec_is_well_formed() -> None:
    for prefix, spec in SPECS.items():
        assert prefix.isascii() and prefix.isalpha() and prefix.islower() and len(prefix) <= 5
        assert set(spec) <= {"i", "w", "d"}


@given(st.text(max_size=80))
def test_parse_never_raises_anything_else(data: str) -> None:
    with contextlib.suppress(InvalidInput):
        parse(data)


@given(st.sampled_from(sorted(SPECS)), st.lists(st.text(alphabet=st.characters(
    blacklist_characters=":"), max_size=12), max_size=4))
def test_parse_of_near_misses_never_raises_anything_else(prefix: str, parts: list[str]) -> None:
    try:
        callback = parse(":".join([prefix, *parts]))
    except InvalidInput:
        return
    assert callback.prefix == prefix and len(callback.args) == len(SPECS[prefix])
