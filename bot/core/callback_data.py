"""Typed callback data: one small frozen dataclass per kind of button, packed into 64 bytes.

`SetStatus(order_id=12, status="done").pack()` is "st:12:done", and `parse_callback` gives the
`SetStatus` back. Fields are ids (int), dates (yyyymmdd), lower-case words (str) or a closed
set of words (Literal). Callback data comes from the person's client and is never trusted:
an unknown prefix, a missing or extra field, a value of the wrong kind or out of range, or a
word outside its set raises `BadCallback`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin, get_type_hints

from bot.core.errors import BadCallback

MAX_BYTES = 64
# ASCII digits only, and no trailing newline (`$` and `\d` would let "12\n" or "١٢" through).
_INT = re.compile(r"-?[0-9]{1,10}", re.ASCII)
_WORD = re.compile(r"[a-z_]{1,24}", re.ASCII)
_DATE = re.compile(r"[0-9]{8}", re.ASCII)
# Ids are 32-bit columns: a forged larger number is refused here, not by the database.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

KINDS: dict[str, type[CallbackData]] = {}
_FIELDS: dict[type[CallbackData], tuple[tuple[str, Any], ...]] = {}
E = TypeVar("E", bound=StrEnum)


class CallbackData:
    """Base of every button's data; a subclass names its prefix: `class X(CallbackData,
    prefix="x")`."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _WORD.fullmatch(prefix) or prefix in KINDS:
            raise TypeError(f"callback prefix {prefix!r} is not a new lower-case word")
        cls.prefix = prefix
        KINDS[prefix] = cls

    def pack(self) -> str:
        parts = [self.prefix, *(_encode(kind, getattr(self, name))
                                for name, kind in field_kinds(type(self)))]
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data}")
        return data


def parse_callback(data: str | None) -> CallbackData:
    """The button's data, checked field by field; BadCallback for anything else."""
    if not data or not data.isascii() or len(data) > MAX_BYTES:
        # Every valid callback is ASCII; this also refuses lone surrogates from forged JSON.
        raise BadCallback("bad callback")
    prefix, *raw = data.split(":")
    kind = KINDS.get(prefix)
    if kind is None:
        raise BadCallback("unknown callback prefix")
    spec = field_kinds(kind)
    if len(raw) != len(spec):
        raise BadCallback("wrong number of callback fields")
    return kind(**{name: _decode(field_kind, value)
                   for (name, field_kind), value in zip(spec, raw, strict=True)})


def member(enum: type[E], word: str) -> E:
    """The enum member a button's word names; BadCallback if it names none."""
    try:
        return enum(word)
    except ValueError:
        raise BadCallback("not a member", word=word) from None


def field_kinds(kind: type[CallbackData]) -> tuple[tuple[str, Any], ...]:
    """Each field's name and type, in order (read once per kind: the dataclass decorator
    runs after `__init_subclass__`)."""
    if kind not in _FIELDS:
        hints = get_type_hints(kind)
        _FIELDS[kind] = tuple((field.name, hints[field.name])
                              for field in fields(kind))  # type: ignore[arg-type]
    return _FIELDS[kind]


def _encode(kind: Any, value: object) -> str:
    if kind is int and isinstance(value, int) and not isinstance(value, bool) \
            and INT_MIN <= value <= INT_MAX:
        return str(value)
    if kind is date and isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, str) and _WORD.fullmatch(value) and _word_allowed(kind, value):
        return value
    raise ValueError(f"bad callback value {value!r} for {kind}")


def _decode(kind: Any, raw: str) -> int | str | date:
    if kind is int and _INT.fullmatch(raw) and INT_MIN <= int(raw) <= INT_MAX:
        return int(raw)
    if kind is date and _DATE.fullmatch(raw):
        try:
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            pass
    if kind not in (int, date) and _WORD.fullmatch(raw) and _word_allowed(kind, raw):
        return raw
    raise BadCallback("bad callback field", raw=raw)


def _word_allowed(kind: Any, word: str) -> bool:
    if kind is str:
        return True
    return get_origin(kind) is Literal and word in get_args(kind)


Word = str  # a lower-case word: a status, a reason, an aspect, a language code


@dataclass(frozen=True)
class ClaimClient(CallbackData, prefix="claim"):
    """I am the client."""

    order_id: int


@dataclass(frozen=True)
class ClaimPro(CallbackData, prefix="clpro"):
    """I am the professional (an order a moderator opened)."""

    order_id: int


@dataclass(frozen=True)
class OpenStatusMenu(CallbackData, prefix="upd"):
    order_id: int


@dataclass(frozen=True)
class SetStatus(CallbackData, prefix="st"):
    order_id: int
    status: Word


@dataclass(frozen=True)
class NotGoingAhead(CallbackData, prefix="nga"):
    order_id: int
    reason: Word


@dataclass(frozen=True)
class ChooseWhen(CallbackData, prefix="ask"):
    """When to ask for the review."""

    order_id: int
    when: Literal["now", "date", "later"]


@dataclass(frozen=True)
class ReviewDay(CallbackData, prefix="cal"):
    """The review's calendar: a day chosen."""

    order_id: int
    day: date


@dataclass(frozen=True)
class ReviewMonth(CallbackData, prefix="calm"):
    """The review's calendar: show the month of that date."""

    order_id: int
    month: date


@dataclass(frozen=True)
class NoteChoice(CallbackData, prefix="note"):
    order_id: int
    choice: Literal["default", "write"]


@dataclass(frozen=True)
class ConfirmHire(CallbackData, prefix="hire"):
    order_id: int


@dataclass(frozen=True)
class Stars(CallbackData, prefix="star"):
    request_id: int
    value: int


@dataclass(frozen=True)
class AspectValue(CallbackData, prefix="asp"):
    """An aspect's stars; 0 skips it."""

    request_id: int
    aspect: Word
    value: int


@dataclass(frozen=True)
class CommentChoice(CallbackData, prefix="cmt"):
    request_id: int
    choice: Literal["write", "skip"]


@dataclass(frozen=True)
class EditRating(CallbackData, prefix="edit"):
    rating_id: int


@dataclass(frozen=True)
class ReplyToReview(CallbackData, prefix="rply"):
    rating_id: int


@dataclass(frozen=True)
class AskRevision(CallbackData, prefix="rev"):
    order_id: int


@dataclass(frozen=True)
class ProposeDeliveryDate(CallbackData, prefix="ddt"):
    order_id: int


@dataclass(frozen=True)
class DeliveryDay(CallbackData, prefix="ddc"):
    order_id: int
    day: date


@dataclass(frozen=True)
class DeliveryMonth(CallbackData, prefix="ddm"):
    order_id: int
    month: date


@dataclass(frozen=True)
class TypeDeliveryDate(CallbackData, prefix="ddy"):
    """Type the new delivery date instead (a ForceReply prompt)."""

    order_id: int


@dataclass(frozen=True)
class AnswerProposal(CallbackData, prefix="dda"):
    """The client accepts or refuses a proposed delivery date."""

    proposal_id: int
    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class OpenDispute(CallbackData, prefix="dsp"):
    order_id: int


@dataclass(frozen=True)
class ResolveDispute(CallbackData, prefix="dsr"):
    """A moderator's outcome, or the client withdrawing the dispute."""

    order_id: int
    outcome: Literal["done", "in_progress", "cancel", "withdraw"]


@dataclass(frozen=True)
class SendCheckin(CallbackData, prefix="chk"):
    order_id: int


@dataclass(frozen=True)
class BackToCard(CallbackData, prefix="card"):
    order_id: int


@dataclass(frozen=True)
class ChooseLanguage(CallbackData, prefix="lang"):
    code: Word


@dataclass(frozen=True)
class OrdersPage(CallbackData, prefix="ords"):
    """A page of /orders: the status filter ("all" or a status) and the page number."""

    status_filter: Word
    page: int


@dataclass(frozen=True)
class RecordRefund(CallbackData, prefix="rfd"):
    order_id: int


@dataclass(frozen=True)
class Noop(CallbackData, prefix="noop"):
    """A button that is only a label."""
