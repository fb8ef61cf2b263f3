"""Languages: gettext catalogs compiled in memory, and CLDR formatting through Babel.

English msgids are the source language. At start-up the composition root builds one
`Translations` (it reads `locales/<lang>/LC_MESSAGES/bot.po`, compiles each in memory and
loads it as `gettext.GNUTranslations`) and passes it around; `Translations.get(language)`
gives the `Translator` for one language. Nothing happens at import time.

Texts are written as `t._("Order {order} is now {status}").format(...)` and
`t.ngettext("...", "...", n)`; constants that are translated later are marked with `N_`.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.bidi import isolated, rtl_text

SOURCE = "en"
SUPPORTED = ("en", "es", "pt", "ar")
DOMAIN = "bot"
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def N_(msgid: str) -> str:
    """Mark a constant msgid for extraction; it is translated where it is shown."""
    return msgid


def default_locales_dir() -> Path:
    """The project's `locales/` folder, at the repository root next to the `bot/` package."""
    return Path(__file__).resolve().parent.parent / "locales"


def normalise_language(code: str | None) -> str | None:
    """A supported language from a code like "pt-BR", "es_419" or "AR"; None if unknown."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED else None


def resolve_language(
    chosen: str | None, telegram: str | None, order: str | None, default: str
) -> str:
    """The first supported of: the person's /lang choice, their Telegram language, the
    order's language, the default (and the source language if even that is unknown)."""
    for code in (chosen, telegram, order, default):
        language = normalise_language(code)
        if language is not None:
            return language
    return SOURCE


def catalog_path(locales_dir: Path, language: str) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalog(po_path: Path) -> gettext.GNUTranslations:
    """Read a .po with Babel, compile it in memory (fuzzy entries left out) and load it."""
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def native_digits(numbering_system: str) -> str:
    """The digits of a CLDR numbering system (Babel formats with ASCII digits only)."""
    if numbering_system == "arab":
        return "٠١٢٣٤٥٦٧٨٩"
    if numbering_system == "arabext":
        return "۰۱۲۳۴۵۶۷۸۹"
    return "0123456789"


NUMBERS_KEPT = 4096  # formatted numbers each language keeps


def _decimal_pattern(decimals: int) -> str:
    return "#,##0." + "0" * decimals if decimals > 0 else "#,##0"


@dataclass(frozen=True, slots=True)
class Translator:
    """Texts and formats for one language."""

    language: str
    locale: Locale
    catalog: gettext.NullTranslations
    # Read from the locale once: Babel looks its data up again on every access.
    rtl: bool = field(init=False)
    _native: dict[int, int] = field(init=False, repr=False, compare=False)
    # Counts, stars and averages repeat endlessly; Babel would parse their pattern every time.
    _numbers: dict[tuple[int | float, int | None, bool], str] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rtl", self.locale.text_direction == "rtl")
        digits = native_digits(self.locale.default_numbering_system)
        object.__setattr__(self, "_native", str.maketrans("0123456789", digits))

    def _digits(self, text: str) -> str:
        return text.translate(self._native)

    def _(self, msgid: str) -> str:
        return self._in_direction(self.catalog.gettext(msgid))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._in_direction(self.catalog.ngettext(singular, plural, n))

    def _in_direction(self, text: str) -> str:
        """Right-to-left: commands and @usernames isolated, and `.format` isolates every
        value (see bot/bidi.py), so no translator places a mark by hand."""
        return rtl_text(text) if self.rtl else text

    def number(self, n: int | float, decimals: int | None = None) -> str:
        """A number with the locale's separators and its default CLDR numbering system
        ("ar": Latin digits; a region like "ar_SA": Arabic-Indic digits)."""
        key = (n, decimals, type(n) is float)  # 1 == 1.0, but they may print apart
        text = self._numbers.get(key)
        if text is None:
            pattern = None if decimals is None else _decimal_pattern(decimals)
            text = self._digits(format_decimal(n, pattern, locale=self.locale,
                                               numbering_system="default"))
            if len(self._numbers) >= NUMBERS_KEPT:
                self._numbers.clear()
            self._numbers[key] = text
        return text

    def date(self, d: dt.date, format: str = "medium") -> str:
        return self._digits(format_date(d, format, locale=self.locale))

    def datetime(self, moment: dt.datetime, tz: str | ZoneInfo, format: str = "medium") -> str:
        """An aware datetime shown in the given (the order's) time zone."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("datetime must be timezone-aware")
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        return self._digits(format_datetime(moment, format, tzinfo=zone, locale=self.locale))

    def month_year(self, year: int, month: int) -> str:
        """A calendar header, like "marzo de 2027"."""
        first_day = dt.date(year, month, 1)
        return self._digits(format_skeleton("yMMMM", first_day, locale=self.locale))

    def first_weekday(self) -> int:
        """The locale's first day of the week, 0 = Monday."""
        return int(self.locale.first_week_day)

    def weekday_initials(self) -> list[str]:
        """Seven narrow day names, from the locale's first day of the week."""
        names = get_day_names("narrow", "stand-alone", locale=self.locale)
        first = self.first_weekday()
        return [str(names[(first + offset) % 7]) for offset in range(7)]

    def isolate(self, value: object) -> str:
        """Wrap a name, number or id in FSI ... PDI so it keeps its place in RTL text (the
        same rule as the values `.format` fills in, bot/bidi.py)."""
        text = str(value)
        return isolated(text) if self.rtl else text

    def order_ref(self, order_id: int | None, title: str) -> str:
        """"order #12 «Kitchen tap»", kept in place inside right-to-left text."""
        return self._("order #{id} «{title}»").format(
            id=self.isolate(order_id), title=self.isolate(title))


class Translations:
    """All supported languages, loaded once at start-up; built by the composition root."""

    def __init__(
        self,
        locales_dir: Path | None = None,
        default: str = "es",
        *,
        regions: Mapping[str, str] | None = None,
    ) -> None:
        """`regions` optionally picks the CLDR locale used for formats per language
        (e.g. {"pt": "pt_BR"}); by default the bare language's CLDR data is used."""
        language = normalise_language(default)
        if language is None:
            raise ValueError(f"unsupported default language: {default!r}")
        self._default = language
        directory = locales_dir if locales_dir is not None else default_locales_dir()
        chosen_regions = regions or {}
        self._translators = {
            code: _build_translator(directory, code, chosen_regions.get(code, code))
            for code in SUPPORTED
        }

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._translators)

    @property
    def default(self) -> str:
        return self._default

    def get(self, language: str | None) -> Translator:
        """The translator for a language code; unknown or missing codes get the default."""
        code = normalise_language(language) or self._default
        return self._translators[code]


def _build_translator(locales_dir: Path, language: str, locale_code: str) -> Translator:
    catalog: gettext.NullTranslations
    if language == SOURCE:
        catalog = gettext.NullTranslations()
    else:
        catalog = load_catalog(catalog_path(locales_dir, language))
    return Translator(language=language, locale=Locale.parse(locale_code), catalog=catalog)
