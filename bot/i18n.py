"""Languages: gettext catalogs compiled in memory, and CLDR formatting through Babel.

English msgids are the source language. At start-up the composition root builds one
`Translations` (it reads `locales/<lang>/LC_MESSAGES/bot.po`, compiles each in memory and
loads it as `gettext.GNUTranslations`) and passes it around; `Translations.get(language)`
gives the `Translator` for one language. Nothing happens at import time.

Texts are written as `t._("Order {order} is now {status}").format(...)` and
`t.ngettext("...", "...", n)`; constants that are translated later are marked with `N_`.
An English text with two roles gets a context (`t.pgettext("status", "Not hired yet")`,
`t.npgettext(...)`, `NC_("status", ...)` for a constant), so each role is translated apart.

A translator is for a language and a territory (`es_ES`, `pt_BR`, `ar_SA`): the territory
decides the first day of the week, date and number formats; the texts are the language's.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.bidi import isolated, rtl_text

SOURCE = "en"
SUPPORTED = ("en", "es", "pt", "ar")
DOMAIN = "bot"
# The territory each language's formats follow unless the order or the person names another
# (ORDERBOT_DEFAULT_REGIONS overrides these).
DEFAULT_REGIONS = {"es": "ES", "pt": "BR", "ar": "SA"}
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
RIGHT_TO_LEFT_MARK = "\u200f"


def N_(msgid: str) -> str:
    """Mark a constant msgid for extraction; it is translated where it is shown."""
    return msgid


def NC_(context: str, msgid: str) -> str:
    """Mark a constant msgid of a context for extraction; shown with `t.pgettext(context, ...)`."""
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


def region_of(code: str | None) -> str | None:
    """The territory of a code like "pt-br", "es_419" or "ar_SA" ("BR", "419", "SA"); None if
    the code has none."""
    if not code:
        return None
    parts = code.strip().replace("_", "-").split("-")
    territory = next((part for part in parts[1:] if (part.isalpha() and len(part) == 2)
                      or (part.isdigit() and len(part) == 3)), None)
    return territory.upper() if territory else None


def resolve_locale(
    chosen: str | None, telegram: str | None, order: str | None, default: str
) -> str:
    """The person's language as in `resolve_language`, with a territory when one of the codes
    of that language names it: their Telegram code first ("pt-br"), then the order's locale.
    "pt_BR", or the bare language when none does."""
    language = resolve_language(chosen, telegram, order, default)
    for code in (telegram, order):
        territory = region_of(code)
        if territory and normalise_language(code) == language:
            return f"{language}_{territory}"
    return language


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
    # Counts, stars and averages repeat endlessly; Babel would parse their pattern every time.
    _numbers: dict[tuple[int | float, int | None, bool], str] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rtl", self.locale.text_direction == "rtl")

    def _(self, msgid: str) -> str:
        return self._in_direction(self.catalog.gettext(msgid))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._in_direction(self.catalog.ngettext(singular, plural, n))

    def _in_direction(self, text: str) -> str:
        """Right-to-left: commands and @usernames isolated, and `.format` isolates every
        value (see bot/bidi.py), so no translator places a mark by hand."""
        return rtl_text(text) if self.rtl else text

    def pgettext(self, context: str, msgid: str) -> str:
        """The text of `msgid` in one of its roles (msgctxt `context`)."""
        return self._in_direction(self.catalog.pgettext(context, msgid))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._in_direction(self.catalog.npgettext(context, singular, plural, n))

    def number(self, n: int | float, decimals: int | None = None) -> str:
        """A number with the locale's separators, always in Latin digits.

        Deliberately: CLDR gives "ar_SA" Arabic-Indic digits by default, but the bot has
        always shown Latin digits in Arabic, the marketplaces' own pages do, and people type
        dates and numbers back in Latin digits. One way everywhere: "latn"."""
        key = (n, decimals, type(n) is float)  # 1 == 1.0, but they may print apart
        text = self._numbers.get(key)
        if text is None:
            pattern = None if decimals is None else _decimal_pattern(decimals)
            text = format_decimal(n, pattern, locale=self.locale, numbering_system="latn")
            if len(self._numbers) >= NUMBERS_KEPT:
                self._numbers.clear()
            self._numbers[key] = text
        return text

    def date(self, d: dt.date, format: str = "medium") -> str:
        # Babel writes Latin digits
        return self._without_rlm(format_date(d, format, locale=self.locale))

    def datetime(self, moment: dt.datetime, tz: str | ZoneInfo, format: str = "medium") -> str:
        """An aware datetime shown in the given (the order's) time zone."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("datetime must be timezone-aware")
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        return self._without_rlm(format_datetime(moment, format, tzinfo=zone, locale=self.locale))

    def _without_rlm(self, text: str) -> str:
        """CLDR's Arabic numeric dates put U+200F before each "/" ("10\u200f/03\u200f/2027"),
        and after a non-word character Telegram reads "/03" as a bot command. Without the marks
        the date is one left-to-right run, and `.format` isolates it as every value."""
        return text.replace(RIGHT_TO_LEFT_MARK, "") if self.rtl else text

    def month_year(self, year: int, month: int) -> str:
        """A calendar header, like "marzo de 2027"."""
        first_day = dt.date(year, month, 1)
        return format_skeleton("yMMMM", first_day, locale=self.locale)

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
        """`regions` picks the territory whose formats a language follows when the order or
        the person names none, as "pt_BR" or "BR" per language; DEFAULT_REGIONS by default."""
        language = normalise_language(default)
        if language is None:
            raise ValueError(f"unsupported default language: {default!r}")
        self._default = language
        directory = locales_dir if locales_dir is not None else default_locales_dir()
        chosen = DEFAULT_REGIONS if regions is None else regions
        self._regions = {code: region_of(value) or value.strip().upper()
                         for code, value in chosen.items()}
        self._catalogs = {code: _load(directory, code) for code in SUPPORTED}
        # Built on first use: one per language and territory met.
        self._translators: dict[tuple[str, str], Translator] = {}

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._catalogs)

    @property
    def default(self) -> str:
        return self._default

    def region(self, language: str) -> str:
        """The territory a language follows by default ("" for none)."""
        return self._regions.get(language, "")

    def get(self, language: str | None, region: str | None = None) -> Translator:
        """The translator for a language code ("pt", "pt-br", "pt_BR"), in `region` or the
        code's own territory or the language's default one; unknown or missing languages get
        the default language, and a territory Babel does not know the language's default."""
        code = normalise_language(language) or self._default
        territory = (region or "").upper() or region_of(language) or self.region(code)
        if not known_locale(code, territory):
            territory = self.region(code)
        found = self._translators.get((code, territory))
        if found is None:
            found = Translator(language=code, locale=_locale(code, territory),
                               catalog=self._catalogs[code])
            self._translators[(code, territory)] = found
        return found


def known_locale(language: str, territory: str) -> bool:
    """Whether CLDR has data for `language` in `territory` ("es", "MX"); "" is the bare
    language."""
    if not territory:
        return True
    try:
        locale = Locale.parse(f"{language}_{territory}")
    except (UnknownLocaleError, ValueError):
        return False
    return locale.territory == territory  # "pt_ZZ" (unknown region) parses as pt_BR


def _locale(language: str, territory: str) -> Locale:
    if territory and known_locale(language, territory):
        return Locale.parse(f"{language}_{territory}")
    return Locale.parse(language)  # a default region Babel does not know


def _load(locales_dir: Path, language: str) -> gettext.NullTranslations:
    if language == SOURCE:
        return gettext.NullTranslations()
    path = catalog_path(locales_dir, language)
    return _compiled(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _compiled(po_path: Path, _mtime_ns: int) -> gettext.GNUTranslations:
    """A catalog is compiled once per process while its file is unchanged (the modification
    time is part of the key): every `Translations` of the process shares it, read only."""
    return load_catalog(po_path)
