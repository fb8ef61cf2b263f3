"""Telegram's limits hold in every language the bot speaks.

- callback data is at most 64 bytes (Arabic letters take two, so ids only, never text), and
  every button has a label, for an order with the longest title and large ids;
- no message passes 4096 characters, even with the longest note, comment and reply allowed;
- ForceReply placeholders fit in 64 characters and alerts in 200;
- every catalog text formats with its placeholders without a KeyError.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.core.callback_data import INT_MAX, DeliveryDay, DeliveryMonth, ReviewDay, ReviewMonth
from bot.core.errors import BadCallback, ConcurrentChange, Refused
from bot.core.events import Button, EditKeyboard, Keyboard, SendMessage
from bot.domain.errors import (
    AlreadyDone,
    Exhausted,
    Frozen,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    WindowClosed,
)
from bot.domain.order import NotGoingAheadReason, Order, Status
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RequestMode, RequestState, ReviewRequest
from bot.i18n import SUPPORTED, Translations, Translator, catalog_path, default_locales_dir
from bot.services.orders import TITLE_MAX
from handlers.errors import error_text
from handlers.keyboards import (
    aspect_row,
    calendar_keyboard,
    card_keyboard,
    comment_menu,
    label_row,
    note_menu,
    reasons_menu,
    stars_row,
    status_menu,
    when_menu,
)
from handlers.labels import status_name
from handlers.ratings import result_keyboard, thank_you
from handlers.render import card_text, rating_closed, rating_paused, rating_request, request_text

CALLBACK_DATA_MAX = 64  # bytes
MESSAGE_MAX = 4096  # characters
PLACEHOLDER_MAX = 64  # ForceReply input_field_placeholder
ALERT_MAX = 200  # answerCallbackQuery text
NOW = datetime(2027, 3, 10, 9, 30, tzinfo=UTC)
BIG_ID = INT_MAX  # the largest id the callback codec takes: the most digits
LONG_NAME = "Ш" * 64 + " " + "ع" * 64  # Telegram: first and last name, 64 each
POLICY = Policy()
ASPECTS = ("on_time", "quality", "communication")


@pytest.fixture(scope="module")
def translations() -> Translations:
    return Translations(default="es")


@pytest.fixture(params=SUPPORTED)
def t(request: pytest.FixtureRequest, translations: Translations) -> Translator:
    return translations.get(str(request.param))


def long_title() -> str:
    """120 characters that are two bytes each in UTF-8 (worst case for bytes, if ever shown)."""
    return ("مطبخ " * TITLE_MAX)[:TITLE_MAX]


def order_with(t: Translator, status: Status, client: bool = True, **changes: object) -> Order:
    order = Order(chat_id=-1_009_999_999_999, title=long_title(), pro_id=BIG_ID,
                  language=t.language, timezone="America/Sao_Paulo", created_at=NOW,
                  included_revisions=20, status=status, pro_name=LONG_NAME, id=BIG_ID,
                  revisions_used=19, delivery_date=date(2027, 12, 31), done_at=NOW,
                  not_going_ahead_reason=NotGoingAheadReason.NEVER_POSTED,
                  refund_eligible_at=NOW, checkin_used_at=NOW)
    if client:
        order.client_id, order.client_name = BIG_ID - 1, LONG_NAME
    for name, value in changes.items():
        setattr(order, name, value)
    return order


def request_for(order: Order, note: str | None = None) -> ReviewRequest:
    return ReviewRequest(order_id=order.id, mode=RequestMode.ON_DATE, created_by=BIG_ID,
                         created_at=NOW, state=RequestState.SCHEDULED, note=note,
                         due_at=NOW + timedelta(days=89), reminders_sent=99_999, id=BIG_ID)


def full_rating(order: Order) -> Rating:
    return Rating(order_id=order.id, client_id=BIG_ID - 1, pro_id=BIG_ID, stars=5,
                  created_at=NOW, updated_at=NOW, on_time=5, quality=4, communication=None,
                  comment="c" * POLICY.comment_max_length,
                  reply="r" * POLICY.comment_max_length, id=BIG_ID)


# --- callback data ---------------------------------------------------------------------------


def keyboards(t: Translator) -> Iterator[tuple[str, Keyboard]]:
    for status in Status:
        for client in (False, True):
            order = order_with(t, status, client, hire_confirmed_at=None)
            yield f"card {status} client={client}", card_keyboard(order, t)
            yield f"status menu {status}", status_menu(order, t)
    order = order_with(t, Status.DONE)
    yield "reasons", reasons_menu(order, t)
    yield "when", when_menu(order, t)
    yield "note", note_menu(order, t)
    yield "stars", stars_row(BIG_ID)
    for aspect in ASPECTS:
        yield f"aspect {aspect}", aspect_row(BIG_ID, aspect, t)
    yield "comment", comment_menu(BIG_ID, t)
    yield "label", label_row(t._("The rating window has closed"))
    yield "result", result_keyboard(replace(full_rating(order), reply=None), t)
    first, last = date(2027, 1, 1), date(2027, 12, 31)
    for day, month_kind in ((ReviewDay, ReviewMonth), (DeliveryDay, DeliveryMonth)):
        for month in (first, date(2027, 6, 1), date(2027, 12, 1)):
            yield f"calendar {day.prefix} {month}", calendar_keyboard(
                day, month_kind, BIG_ID, month, first, last, t)
    request = request_for(order)
    for effect in [*rating_request(order, request, t), *rating_closed(order, request, t),
                   *rating_paused(order_with(t, Status.DISPUTED), request, t),
                   *rating_paused(order_with(t, Status.CANCELLED), request, t)]:
        if isinstance(effect, (SendMessage, EditKeyboard)) and effect.keyboard:
            yield f"render {type(effect).__name__}", effect.keyboard


def buttons(keyboard: Keyboard) -> Iterator[Button]:
    for row in keyboard:
        yield from row


def test_callback_data_fits_in_64_bytes_and_labels_are_not_empty(t: Translator) -> None:
    problems = []
    for name, keyboard in keyboards(t):
        for button in buttons(keyboard):
            size = len((button.data or "").encode())
            if size > CALLBACK_DATA_MAX:
                problems.append(f"{name}: {button.data!r} is {size} bytes")
            if not button.text.strip():
                problems.append(f"{name}: empty label for {button.data!r}")
            if button.data is None and button.url is None:
                problems.append(f"{name}: {button.text!r} has neither data nor url")
    assert not problems, f"{t.language}:\n" + "\n".join(problems)


def test_the_keyboards_are_built(t: Translator) -> None:
    """The check above looked at real keyboards: the card offers the client's claim."""
    order = order_with(t, Status.NOT_HIRED, client=False)
    labels = [button.text for button in buttons(card_keyboard(order, t))]
    assert t._("I am the client") in labels and t._("Update") in labels


# --- message length --------------------------------------------------------------------------


def test_the_longest_rating_request_fits(t: Translator) -> None:
    order = order_with(t, Status.DONE)
    note = "n" * POLICY.note_max_length
    text = request_text(order, request_for(order, note), t)
    assert note in text and len(text) <= MESSAGE_MAX


def test_the_longest_thank_you_fits(t: Translator) -> None:
    order = order_with(t, Status.DONE)
    rating = full_rating(order)
    text = thank_you(order, rating, t)
    assert rating.comment is not None and rating.comment in text
    assert len(text) <= MESSAGE_MAX


@pytest.mark.parametrize("status", list(Status))
def test_the_longest_card_fits(t: Translator, status: Status) -> None:
    order = order_with(t, status)
    request = request_for(order)
    for rating in (None, full_rating(order)):
        text = card_text(order, t, request, rating)
        assert len(text) <= MESSAGE_MAX, f"{t.language} {status}: {len(text)}"
        assert status_name(t, status) in text


# --- placeholders and alerts -----------------------------------------------------------------

PROMPT_PLACEHOLDERS = ("Your personal note", "Your comment", "Your reply",
                       "What should be changed?", "The reason for the dispute", "Your check-in")


def test_force_reply_placeholders_fit(t: Translator) -> None:
    too_long = [t._(text) for text in PROMPT_PLACEHOLDERS if len(t._(text)) > PLACEHOLDER_MAX]
    assert not too_long, f"{t.language}: {too_long}"


def domain_errors() -> list[Refused]:
    return [NotAllowed("x"), InvalidTransition("x"), WindowClosed("x"), AlreadyDone("x"),
            Exhausted("x"), NotFound("x"), Frozen("x"), ConcurrentChange("x"), BadCallback("x"),
            InvalidInput("x", field="note", limit=1000),
            InvalidInput("x", field="date"), InvalidInput("x", field="note"),
            InvalidInput("x")]


def test_error_alerts_fit_in_a_callback_answer(t: Translator) -> None:
    for error in domain_errors():
        for tap in (True, False):
            text = error_text(t, error, tap)
            assert text and len(text) <= ALERT_MAX, f"{t.language}: {text!r}"


# --- every catalog text formats ---------------------------------------------------------------


def read_catalog(language: str) -> Catalog:
    with catalog_path(default_locales_dir(), language).open("rb") as po_file:
        return read_po(po_file)


def fields(text: str) -> set[str]:
    return {field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("language", [code for code in SUPPORTED if code != "en"])
def test_every_catalog_text_formats(language: str) -> None:
    problems = []
    for message in read_catalog(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        dummy = {name: "X" for text in ids for name in fields(text)}
        texts = [message.string] if isinstance(message.string, str) else list(message.string or ())
        for text in texts:
            try:
                text.format(**dummy)
            except (KeyError, IndexError, ValueError) as error:
                problems.append(f"{message.id!r}: {text!r}: {error!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)
