"""Ratings: the client's stars on an order, the optional aspects and comment, the pro's one
reply, and the history of edits (a change never erases the old rating)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.domain.order import Order
from bot.domain.policy import Policy
from bot.domain.text import clean_text, optional_text

ASPECTS = ("on_time", "quality", "communication")
DETAILS = (*ASPECTS, "comment")  # what the flow asks after the stars, in this order


def check_stars(value: int) -> int:
    """A rating and each aspect are 1 to 5 stars."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput("stars are 1 to 5", field="stars")
    return value


@dataclass
class Rating:
    """The client's rating of one order: the stars, the aspects, the comment, the pro's reply.

    The history of edits (a change never erases the old rating) has one entry per edit session:
    the rating as it was when the session began. A session begins when the client taps the
    stars of a rating they already gave (on the request, or on a "Change my rating" row) and
    goes on through the details the flow asks next, each once and in order: on time, quality,
    communication, the comment. So a moderator reading /order sees one line for each time
    the client changed their review, with what it said before; the card and the profile show
    the current rating. A detail changed out of that order (a question left over from an
    earlier pass and answered later) cannot belong to the session under way: it gets an entry
    of its own, so no version of the rating is ever lost. The first pass, right after the
    stars were first given, fills the details in and is not an edit: it leaves no entry.
    An answer that changes nothing leaves no entry either.
    """

    order_id: int
    client_id: int
    pro_id: int
    stars: int
    created_at: datetime
    updated_at: datetime
    on_time: int | None = None
    quality: int | None = None
    communication: int | None = None
    comment: str | None = None
    reply: str | None = None
    reply_at: datetime | None = None
    hidden: bool = False
    hidden_reason: str | None = None
    hidden_by: int | None = None
    id: int = 0  # 0 until stored
    version: int = 0
    edits: list[RatingEdit] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def first(cls, order: Order, by: int, stars: int, now: datetime) -> Rating:
        """The client's first stars on the order (`ReviewRequest.rate` says who may give them)."""
        return cls(order_id=order.id, client_id=by, pro_id=order.pro_id,
                   stars=check_stars(stars), created_at=now, updated_at=now)

    def rate_again(self, by: int, stars: int, now: datetime, latest: RatingEdit | None) -> None:
        """The stars tapped again: an edit session begins, with new stars if they differ."""
        self.reopen(by, now, latest)
        if self.stars != stars:
            self.change_stars(stars, by, now)

    def snapshot(self, at: datetime, by: int) -> RatingEdit:
        """The rating as it is now, queued for the history (stored with the rating)."""
        edit = RatingEdit(self._id(), by, at, self.stars, self.on_time, self.quality,
                          self.communication, self.comment)
        self.edits.append(edit)
        return edit

    def reopen(self, by: int, now: datetime, latest: RatingEdit | None) -> None:
        """The client taps the stars again: an edit session begins, and the rating as it is
        goes to the history, unless the latest entry (`latest`, from the storage) already
        says exactly that (the session before changed nothing)."""
        self._check_client(by)
        base = self._base(latest)
        if base is None or base.content() != self.content():
            self.snapshot(now, by)

    def change_stars(self, stars: int, by: int, now: datetime) -> None:
        """New stars, within the session `reopen` began."""
        self._check_client(by)
        self.stars = check_stars(stars)
        self._touch(by, now)

    def set_aspect(self, aspect: str, value: int | None, by: int, now: datetime, *,
                   latest: RatingEdit | None) -> None:
        """`latest` is the latest entry of the history (None if there is none)."""
        if aspect not in ASPECTS:
            raise InvalidInput("unknown aspect", field="aspect")
        self._check_client(by)
        self._change_detail(aspect, None if value is None else check_stars(value), by, now,
                            latest)

    def set_comment(self, text: str | None, by: int, now: datetime, policy: Policy, *,
                    latest: RatingEdit | None) -> None:
        """Stored as plain text, cleaned (bot.domain.text); nothing typed means no comment."""
        self._check_client(by)
        cleaned = optional_text(text, "comment", policy.comment_max_length)
        self._change_detail("comment", cleaned, by, now, latest)

    def content(self) -> tuple[int, int | None, int | None, int | None, str | None]:
        """What the client said: the stars, the aspects, the comment."""
        return (self.stars, self.on_time, self.quality, self.communication, self.comment)

    def _change_detail(self, name: str, value: int | str | None, by: int, now: datetime,
                       latest: RatingEdit | None) -> None:
        if getattr(self, name) == value:
            return
        if not self._in_session(name, latest):
            self.snapshot(now, by)
        setattr(self, name, value)
        self._touch(by, now)

    def _in_session(self, name: str, latest: RatingEdit | None) -> bool:
        """True while this detail and the ones asked after it are as the session found them
        (for the first pass: not given yet)."""
        base = self._base(latest)
        return all(getattr(self, detail) == (getattr(base, detail) if base else None)
                   for detail in DETAILS[DETAILS.index(name):])

    def _base(self, latest: RatingEdit | None) -> RatingEdit | None:
        """Where the session under way began: its entry (maybe not stored yet), if any."""
        return self.edits[-1] if self.edits else latest

    def check_can_reply(self, by: int, order: Order) -> None:
        """Only the professional of the order, once, and not to a hidden review."""
        if by != order.pro_id or by != self.pro_id:
            raise NotAllowed("only the professional replies")
        if self.hidden:
            raise NotFound("the review is hidden")
        if self.reply is not None:
            raise AlreadyDone("the professional already replied")

    def add_reply(self, by: int, text: str, now: datetime, policy: Policy, order: Order) -> None:
        """The pro's one reply: cleaned (bot.domain.text), within the comment's limit."""
        self.check_can_reply(by, order)
        cleaned = clean_text(text, "reply", policy.comment_max_length)
        self.reply = cleaned
        self.reply_at = now

    def hide(self, by: int, reason: str) -> None:
        if self.hidden:
            raise AlreadyDone("already hidden")
        self.hidden, self.hidden_reason, self.hidden_by = True, reason, by

    def restore(self) -> None:
        if not self.hidden:
            raise AlreadyDone("not hidden")
        self.hidden, self.hidden_reason, self.hidden_by = False, None, None

    def aspects(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in ASPECTS}

    def _check_client(self, by: int) -> None:
        """Checked before anything changes: a refused edit leaves the rating as it was."""
        if by != self.client_id:
            raise NotAllowed("only the client rates")

    def _touch(self, by: int, now: datetime) -> None:
        self._check_client(by)
        self.updated_at = now

    def _id(self) -> int:
        if not self.id:
            raise ValueError("the rating has not been stored yet")
        return self.id


@dataclass
class RatingEdit:
    """The rating as it was when an edit session began (see `Rating`): the history is kept."""

    rating_id: int
    by_user_id: int
    at: datetime
    stars: int
    on_time: int | None
    quality: int | None
    communication: int | None
    comment: str | None
    id: int = 0  # 0 until stored

    def content(self) -> tuple[int, int | None, int | None, int | None, str | None]:
        return (self.stars, self.on_time, self.quality, self.communication, self.comment)
