"""Arabic texts as a reader sees them: each line through the Unicode bidi algorithm
(python-bidi 0.5 or later knows the isolates FSI, LRI, RLI and PDI)."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping

from babel.messages.catalog import Message
from bidi import get_display

from bot.i18n import Translator

# Any "/word" or "@word" a reader would type back: looser than Telegram's entity rule on
# purpose, so a command glued to a word is found too.
TYPED_TOKEN = re.compile(r"[/@][A-Za-z_][A-Za-z0-9_]*(?:@[A-Za-z0-9_]+)?")
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PLURAL_SAMPLES = (0, 1, 2, 3, 11, 100)
LATIN_NAME = "Ana López"
MENTION = "@luis_k"
COMMAND = "/profile"


def sample_values(t: Translator) -> dict[str, object]:
    """Realistic values for the placeholders of the catalog, by name; unknown names get a
    Latin name."""
    when = t.datetime(dt.datetime(2027, 3, 28, 9, 30, tzinfo=dt.UTC), "Africa/Cairo", "short")
    return {
        "order": t.order_ref(12, "Kitchen tap"), "id": 12, "title": "Kitchen tap",
        "client": MENTION, "pro": LATIN_NAME, "name": MENTION, "person": LATIN_NAME,
        "who": MENTION, "when": when, "since": when, "date": t.date(dt.date(2027, 3, 28)),
        "day": "2027-03-28", "example": "2027-03-28", "chat": -1001234567890,
        "n": 3, "count": 3, "total": 12, "page": 2, "pages": 5, "used": 1, "low": 1,
        "value": "/export now", "text": "Thanks @ana_k, great job", "reason": "Paid via PayPal",
        "fragment": "5 stars please", "description": "Add the SKU list", "error": "TimeoutError",
        "what": "message", "language": "العربية", "stars": "★★★★☆", "average": "4.5",
        "statuses": "new, disputed, done",
    }


def fill(text: str, values: Mapping[str, object], default: object = LATIN_NAME) -> str:
    """`text` with every placeholder filled (through the text's own `.format`)."""
    names = {field.split(".")[0].split("[")[0]
             for _, field, _, _ in string.Formatter().parse(text) if field}
    return text.format(**{name: values.get(name, default) for name in names})


def templates(t: Translator, message: Message) -> list[tuple[int | None, str]]:
    """Every text of an entry as the Translator hands it out, with the count it was got for."""
    context = message.context
    if isinstance(message.id, str):
        return [(None, t._(message.id) if context is None else t.pgettext(context, message.id))]
    singular, plural = message.id[0], message.id[1]
    if context is None:
        return [(n, t.ngettext(singular, plural, n)) for n in PLURAL_SAMPLES]
    return [(n, t.npgettext(context, singular, plural, n)) for n in PLURAL_SAMPLES]


def shown_texts(t: Translator, message: Message) -> list[str]:
    """Every text an entry can show, placeholders filled with realistic values."""
    values = sample_values(t)
    return [fill(text, values if n is None else values | {"n": t.number(n)})
            for n, text in templates(t, message)]


def reversed_tokens(text: str, extra: Iterable[str] = ()) -> list[str]:
    """The commands, @usernames and `extra` strings of `text` that a reader does not see in
    their logical order, line by line (each line is a bidi paragraph)."""
    wrong = []
    for line in text.split("\n"):
        visual = BIDI_CONTROLS.sub("", get_display(line))
        plain = BIDI_CONTROLS.sub("", line)
        tokens = TYPED_TOKEN.findall(plain)
        tokens += [item for item in extra if item in plain and item not in tokens]
        wrong += [token for token in tokens if token not in visual]
    return wrong


# --- the catalog lint: what the code must do for every Arabic entry ---------------------------

PROBE = "Probe 7"  # a left-to-right value that needs isolating in Arabic text


def bidi_problems(t: Translator, message: Message) -> list[str]:
    """What keeps an Arabic entry from holding its order: bidi marks placed by hand (the code
    places them), a placeholder the code leaves without an isolate, a command or @mention that
    the bidi algorithm would reorder."""
    texts = [message.string] if isinstance(message.string, str) else list(message.string)
    problems = [f"hand-placed bidi mark: {text!r}" for text in texts
                if BIDI_CONTROLS.search(text)]
    for shown in shown_with_probes(t, message):
        problems += [f"placeholder not isolated by the code: {shown!r}"
                     for _ in range(shown.count(PROBE) - shown.count(f"\u2068{PROBE}\u2069"))]
    for shown in shown_texts(t, message):
        problems += [f"{token} reordered: {shown!r}" for token in reversed_tokens(shown)]
    return problems


def shown_with_probes(t: Translator, message: Message) -> list[str]:
    """The entry's texts with every placeholder filled with the same left-to-right probe."""
    return [fill(text, {}, default=PROBE) for _, text in templates(t, message)]
