"""bot/i18n.py: language resolution, catalogs compiled in memory, plural forms, CLDR formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import get_day_names
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import (
    N_,
    SUPPORTED,
    Translations,
    default_locales_dir,
    normalise_language,
    region_of,
    resolve_language,
    resolve_locale,
)
from bot.sandbox.entities import bot_command_entities

AR_PLURALS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
)
TWO_PLURALS = "nplurals=2; plural=(n != 1);"
FSI, PDI = "\u2068", "\u2069"


def write_catalog(locales_dir: Path, language: str, plural_forms: str, body: str) -> None:
    path = locales_dir / language / "LC_MESSAGES" / "bot.po"
    path.parent.mkdir(parents=True)
    header = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {language}\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    )
    path.write_text(header + body, encoding="utf-8")


AR_BODY = """\
msgid "{count} order"
msgid_plural "{count} orders"
msgstr[0] "zero {count}"
msgstr[1] "one {count}"
msgstr[2] "two {count}"
msgstr[3] "few {count}"
msgstr[4] "many {count}"
msgstr[5] "other {count}"

msgid "Hello"
msgstr "مرحبا"

#, fuzzy
msgid "Goodbye"
msgstr "مع السلامة"
"""


@pytest.fixture
def small_translations(tmp_path: Path) -> Translations:
    write_catalog(tmp_path, "ar", AR_PLURALS, AR_BODY)
    write_catalog(tmp_path, "es", TWO_PLURALS, 'msgid "Hello"\nmsgstr "Hola"\n')
    write_catalog(tmp_path, "pt", TWO_PLURALS, "")
    return Translations(tmp_path, default="pt")


@pytest.fixture(scope="module")
def translations() -> Translations:
    return Translations()


# --- language codes and resolution -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("pt-BR", "pt"),
        ("es_419", "es"),
        ("AR", "ar"),
        ("ar-SA", "ar"),
        (" en-US ", "en"),
        ("es", "es"),
        ("de", None),
        ("zh-hans", None),
        ("", None),
        (None, None),
        ("-", None),
    ],
)
def test_normalise_language(code: str | None, expected: str | None) -> None:
    assert normalise_language(code) == expected


def test_resolution_prefers_the_persons_choice() -> None:
    assert resolve_language("ar", "pt-br", "es", "en") == "ar"


def test_resolution_then_telegram_then_order_then_default() -> None:
    assert resolve_language(None, "pt-br", "es", "en") == "pt"
    assert resolve_language(None, None, "es", "en") == "es"
    assert resolve_language(None, None, None, "ar") == "ar"


def test_unknown_codes_fall_through() -> None:
    assert resolve_language("klingon", "de", "es-MX", "en") == "es"
    assert resolve_language("xx", "fr", "it", "pt") == "pt"


def test_unknown_default_falls_back_to_the_source_language() -> None:
    assert resolve_language(None, "de", None, "fr") == "en"


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=4, max_size=4))
def test_resolution_always_gives_a_supported_language(codes: list[str | None]) -> None:
    chosen, telegram, order, default = codes
    assert resolve_language(chosen, telegram, order, default or "") in SUPPORTED


# --- Translations and catalogs -----------------------------------------------------------------


def test_default_locales_dir_is_the_repository_folder() -> None:
    expected = Path(__file__).resolve().parents[2] / "locales"
    assert default_locales_dir() == expected
    assert (expected / "bot.pot").is_file()


def test_loads_every_supported_language(translations: Translations) -> None:
    assert translations.languages == SUPPORTED
    assert [translations.get(code).language for code in SUPPORTED] == list(SUPPORTED)


def test_unknown_or_missing_language_gets_the_default(translations: Translations) -> None:
    assert translations.default == "es"
    assert translations.get("de").language == "es"
    assert translations.get(None).language == "es"
    assert translations.get("pt-BR").language == "pt"


def test_unsupported_default_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported default"):
        Translations(tmp_path, default="fr")


def test_missing_catalog_fails_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Translations(tmp_path)


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "zero"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (10, "few"),
        (11, "many"),
        (99, "many"),
        (100, "other"),
        (102, "other"),
        (103, "few"),
        (111, "many"),
    ],
)
def test_arabic_has_six_plural_forms(small_translations: Translations, n: int, form: str) -> None:
    text = small_translations.get("ar").ngettext("{count} order", "{count} orders", n)
    assert text == f"{form} {{count}}"


def test_translated_and_untranslated_and_fuzzy(small_translations: Translations) -> None:
    ar = small_translations.get("ar")
    assert ar._("Hello") == "مرحبا"
    assert ar._("Goodbye") == "Goodbye"  # fuzzy entries are not used
    assert ar._("Not in the catalog") == "Not in the catalog"
    assert small_translations.get("es")._("Hello") == "Hola"
    assert small_translations.get("de")._("Hello") == "Hello"  # default pt: empty catalog


def test_english_is_the_source_with_the_english_plural_rule(
    small_translations: Translations,
) -> None:
    en = small_translations.get("en")
    assert en._("Hello") == "Hello"
    assert en.ngettext("{count} order", "{count} orders", 1) == "{count} order"
    assert en.ngettext("{count} order", "{count} orders", 0) == "{count} orders"


def test_n_marker_returns_its_argument() -> None:
    assert N_("pending") == "pending"


@pytest.mark.parametrize("n", [0, 1, 2, 3, 100])
def test_arabic_says_one_and_two_in_words(translations: Translations, n: int) -> None:
    ar = translations.get("ar")
    reviews = ar.ngettext("{n} review", "{n} reviews", n).format(n=ar.number(n))
    assert reviews.count(ar.number(n)) == (0 if n <= 2 else 1), reviews


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "plain", "two_decimals"),
    [
        ("en", "1,234,567.891", "1,234.50"),
        ("es", "1.234.567,891", "1.234,50"),
        ("pt", "1.234.567,891", "1.234,50"),
        ("ar", "1,234,567.891", "1,234.50"),  # CLDR's default numbering system for "ar": latn
    ],
)
def test_numbers(translations: Translations, language: str, plain: str, two_decimals: str) -> None:
    t = translations.get(language)
    assert t.number(1234567.891) == plain
    assert t.number(1234.5, decimals=2) == two_decimals
    assert t.number(7, decimals=0) == "7"


def test_arabic_keeps_latin_digits_even_where_cldr_prefers_arabic_indic() -> None:
    saudi = Translations().get("ar")
    assert str(saudi.locale) == "ar_SA"
    assert Locale.parse("ar_SA").default_numbering_system == "arab"  # CLDR's choice, not ours
    assert saudi.number(1234.5) == "1,234.5"
    assert saudi.month_year(2027, 3) == "مارس 2027"
    assert saudi.date(dt.date(2027, 3, 12), "short").count("12") == 1


# --- dates ------------------------------------------------------------------------------------

MARCH_12 = dt.date(2027, 3, 12)
# 2027-03-28 is the last Sunday of March: Madrid goes from CET (+1) to CEST (+2) at 01:00 UTC.
BEFORE_DST = dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC)
AFTER_DST = dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "medium", "month_year"),
    [
        ("en", "Mar 12, 2027", "March 2027"),
        ("es", "12 mar 2027", "marzo de 2027"),
        ("pt", "12 de mar. de 2027", "março de 2027"),
        ("ar", "12/03/2027", "مارس 2027"),
    ],
)
def test_dates(
    translations: Translations, language: str, medium: str, month_year: str
) -> None:
    t = translations.get(language)
    assert t.date(MARCH_12) == medium
    assert t.month_year(2027, 3) == month_year


def test_madrid_daylight_saving_change(translations: Translations) -> None:
    es = translations.get("es")
    assert es.datetime(BEFORE_DST, "Europe/Madrid", "short") == "28/3/27, 1:30"
    assert es.datetime(AFTER_DST, "Europe/Madrid", "short") == "28/3/27, 3:30"


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("pt", "America/Sao_Paulo", "27/03/2027 22:30"),
        ("ar", "Asia/Riyadh", "28/3/2027، 4:30 ص"),
        ("en", "UTC", "3/28/27, 1:30\u202fAM"),
        ("es", ZoneInfo("Europe/Madrid"), "28/3/27, 3:30"),
    ],
)
def test_datetimes_in_the_orders_time_zone(
    translations: Translations, language: str, zone: str | ZoneInfo, expected: str
) -> None:
    assert translations.get(language).datetime(AFTER_DST, zone, "short") == expected


def test_naive_datetimes_are_refused(translations: Translations) -> None:
    with pytest.raises(ValueError, match="aware"):
        translations.get("es").datetime(dt.datetime(2027, 3, 28, 12), "Europe/Madrid")


# --- calendar -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "locale"),
                         [("en", "en"), ("es", "es_ES"), ("pt", "pt_BR"), ("ar", "ar_SA")])
def test_first_weekday_is_what_cldr_says_for_the_default_region(
        translations: Translations, language: str, locale: str) -> None:
    t = translations.get(language)
    assert str(t.locale) == locale
    first = Locale.parse(locale).first_week_day
    assert t.first_weekday() == first
    names = get_day_names("narrow", "stand-alone", locale=locale)
    assert t.weekday_initials() == [names[(first + i) % 7] for i in range(7)]


def test_weekday_initials_of_the_default_regions(translations: Translations) -> None:
    assert translations.get("es").weekday_initials() == ["L", "M", "X", "J", "V", "S", "D"]
    assert translations.get("pt").weekday_initials() == ["D", "S", "T", "Q", "Q", "S", "S"]
    assert translations.get("en").first_weekday() == 0  # no region: the world default, Monday
    assert translations.get("ar").weekday_initials()[0] == "ح"  # Sunday in Saudi Arabia


def test_bare_languages_without_regions() -> None:
    bare = Translations(regions={})
    assert bare.get("pt").weekday_initials() == ["S", "T", "Q", "Q", "S", "S", "D"]
    assert bare.get("ar").weekday_initials()[0] == "ن"


def test_the_territory_comes_from_the_code_the_region_or_the_default() -> None:
    translations = Translations(regions={"es": "es_MX"})
    assert str(translations.get("es").locale) == "es_MX"
    assert str(translations.get("es", "AR").locale) == "es_AR"
    assert str(translations.get("pt-pt").locale) == "pt_PT"
    assert str(Translations().get("pt", "XX").locale) == "pt_BR"  # unknown: the default
    assert str(Translations().get("pt", "ZZ").locale) == "pt_BR"  # CLDR's "unknown region"
    assert translations.get("es-es").date(dt.date(2027, 3, 12), "short") == "12/3/27"
    assert translations.get("es", "MX").number(1234.5) == "1,234.5"
    assert translations.get("es", "ES").number(1234.5) == "1.234,5"


def test_a_persons_locale_takes_the_territory_of_their_telegram_code() -> None:
    assert resolve_locale(None, "pt-br", None, "es") == "pt_BR"
    assert resolve_locale(None, "es-MX", "es_ES", "es") == "es_MX"
    assert resolve_locale("es", "pt-br", "es_AR", "pt") == "es_AR"  # chose es: the order's
    assert resolve_locale(None, "de", "ar_EG", "es") == "ar_EG"
    assert resolve_locale(None, "en", None, "es") == "en"
    assert region_of("zh-Hant-TW") == "TW" and region_of("es_419") == "419"


def test_weekday_order_with_regions() -> None:
    regional = Translations(regions={"en": "en_US", "ar": "ar_EG", "pt": "pt_BR"})
    assert regional.get("en").first_weekday() == 6  # Sunday
    assert regional.get("en").weekday_initials() == ["S", "M", "T", "W", "T", "F", "S"]
    assert regional.get("ar").first_weekday() == 5  # Saturday
    assert regional.get("ar").weekday_initials()[0] == "س"
    assert regional.get("pt").first_weekday() == 6
    assert regional.get("es").first_weekday() == 0  # no region: Monday


# --- bidi isolation ---------------------------------------------------------------------------


def test_isolation_only_in_arabic(translations: Translations) -> None:
    assert translations.get("ar").rtl
    assert translations.get("ar").isolate("Ana #7") == f"{FSI}Ana #7{PDI}"
    assert translations.get("ar").isolate(42) == f"{FSI}42{PDI}"
    for language in ("en", "es", "pt"):
        t = translations.get(language)
        assert not t.rtl
        assert t.isolate("Ana #7") == "Ana #7"


@pytest.mark.parametrize("code", ["ar", "ar_SA", "ar_EG"])
def test_arabic_dates_make_no_bot_command(translations: Translations, code: str) -> None:
    """CLDR's Arabic numeric dates carry U+200F before each "/", where Telegram would read
    "/03" as a command; the bot's dates carry none, in every format."""
    t = translations.get(code)
    moment = dt.datetime(2027, 3, 10, 9, 5, tzinfo=ZoneInfo("UTC"))
    shown = [t.date(moment.date(), "short"), t.date(moment.date()),
             t.datetime(moment, "Asia/Riyadh", "short"), t.datetime(moment, "Asia/Riyadh")]
    assert all("2027" in text for text in shown)
    for text in shown:
        assert bot_command_entities(f"موعد التسليم: {text}") == [], text
