"""The one callback-data codec: short prefixes, ids only, at most 64 bytes, parsed strictly.

`cb("st", 12, "done")` -> "st:12:done". Each prefix declares the shape of its arguments;
anything else (a forged value, an unknown prefix, an extra field) is refused.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import date

from bot.domain.errors import InvalidInput

MAX_BYTES = 64
# ASCII digits only, and no trailing newline (`$` and `\d` would let "12\n" or "١٢" through).
_INT = re.compile(r"-?[0-9]{1,10}", re.ASCII)
_WORD = re.compile(r"[a-z_]{1,24}", re.ASCII)
_DATE = re.compile(r"[0-9]{8}", re.ASCII)
# Ids are 32-bit columns: a forged larger number is refused here, not by the database.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# prefix -> argument kinds: "i" int, "w" lower-case word, "d" date (yyyymmdd)
SPECS: dict[str, str] = {
    "claim": "i",        # I am the client
    "clpro": "i",        # I am the professional (an order a moderator opened)
    "upd": "i",          # open the status menu
    "st": "iw",          # set status
    "nga": "iw",         # not going ahead, with reason
    "ask": "iw",         # when to ask for the review: now / date / later
    "cal": "id",         # calendar: a day chosen
    "calm": "id",        # calendar: show the month of that date
    "note": "iw",        # note step: default / write / send
    "hire": "i",         # client confirms the hire
    "star": "ii",        # stars on a rating request
    "asp": "iwi",        # aspect value (0 = skip)
    "cmt": "iw",         # comment: write / skip
    "edit": "i",         # client edits the rating
    "rply": "i",         # pro replies to the review
    "rev": "i",          # client asks for a revision
    "ddt": "i",          # pro proposes a new delivery date
    "ddc": "id",         # delivery-date calendar day
    "ddm": "id",         # delivery-date calendar: show the month of that date
    "ddy": "i",          # delivery-date: type the date instead (a ForceReply prompt)
    "dda": "iw",         # client answers a proposal: yes / no  (i = proposal id)
    "dsp": "i",          # open a dispute
    "dsr": "iw",         # moderator resolves a dispute: done / in_progress / cancel
    "chk": "i",          # pro sends the check-in
    "card": "i",         # back to the card
    "lang": "w",         # /lang choice
    "ords": "wi",        # /orders page: status filter, page
    "rfd": "i",          # moderator records a refund decision
    "noop": "",          # a label-only button
}


@dataclass(frozen=True)
class Callback:
    prefix: str
    args: tuple[int | str | date, ...]

    def int(self, index: builtins.int) -> builtins.int:
        value = self.args[index]
        if not isinstance(value, int):
            raise InvalidInput("bad callback", field="callback")
        return value

    def word(self, index: builtins.int) -> str:
        value = self.args[index]
        if not isinstance(value, str):
            raise InvalidInput("bad callback", field="callback")
        return value

    def date(self, index: builtins.int) -> date:
        value = self.args[index]
        if not isinstance(value, date):
            raise InvalidInput("bad callback", field="callback")
        return value


def cb(prefix: str, *args: int | str | date) -> str:
    spec = SPECS[prefix]
    if len(args) != len(spec):
        raise ValueError(f"{prefix} takes {len(spec)} arguments")
    parts = [prefix, *(_encode(kind, arg) for kind, arg in zip(spec, args, strict=True))]
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def parse(data: str | None) -> Callback:
    if not data or not data.isascii() or len(data) > MAX_BYTES:
        # Every valid callback is ASCII; this also refuses lone surrogates from forged JSON.
        raise InvalidInput("bad callback", field="callback")
    prefix, *raw = data.split(":")
    spec = SPECS.get(prefix)
    if spec is None or len(raw) != len(spec):
        raise InvalidInput("bad callback", field="callback")
    return Callback(prefix, tuple(_decode(kind, value) for kind, value in zip(spec, raw,
                                                                             strict=True)))


def _encode(kind: str, value: int | str | date) -> str:
    if kind == "i" and isinstance(value, int) and not isinstance(value, bool) and _in_range(value):
        return str(value)
    if kind == "w" and isinstance(value, str) and _WORD.fullmatch(value):
        return value
    if kind == "d" and isinstance(value, date):
        return value.strftime("%Y%m%d")
    raise ValueError(f"bad callback argument {value!r} for kind {kind}")


def _decode(kind: str, raw: str) -> int | str | date:
    try:
        if kind == "i" and _INT.fullmatch(raw) and _in_range(int(raw)):
            return int(raw)
        if kind == "w" and _WORD.fullmatch(raw):
            return raw
        if kind == "d" and _DATE.fullmatch(raw):
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        pass
    raise InvalidInput("bad callback", field="callback")


def _in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX
