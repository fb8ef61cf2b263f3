"""Guards of the real catalogs (locales/): complete, consistent, up to date with the code.

When one fails after adding texts: `scripts/i18n.sh extract && scripts/i18n.sh update`,
translate the new entries in es, pt and ar, then `scripts/i18n.sh check`.
"""

from __future__ import annotations

import os
import shutil
import string
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from bot import i18n
from bot.i18n import Translations, Translator, load_catalog
from tests.unit.bidi_reading import bidi_problems

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
POT = LOCALES / "bot.pot"
TRANSLATED = ("es", "pt", "ar")
KEYWORDS = {  # as in scripts/i18n.sh
    "_": None, "N_": None, "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "NC_": ((1, "c"), 2),
}
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}
MsgKey = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file)


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "bot.po"


def key_of(msgid: str | Sequence[str], context: str | None = None) -> MsgKey:
    if isinstance(msgid, str):
        return (context, msgid, None)
    return (context, msgid[0], msgid[1] if len(msgid) > 1 else None)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def placeholders(text: str) -> set[str]:
    """The `{named}` fields of a str.format text (attribute/index access reduced to the name)."""
    fields = (field for _, field, _, _ in string.Formatter().parse(text) if field is not None)
    return {field.split(".")[0].split("[")[0] for field in fields}


def forms(message: Message) -> list[str]:
    if isinstance(message.string, str):
        return [message.string]
    return [text or "" for text in message.string or ()]


def source_placeholders(message: Message) -> set[str]:
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    return set().union(*(placeholders(text) for text in ids))


@pytest.fixture(scope="module")
def template() -> Catalog:
    return read_catalog(POT)


@pytest.fixture(scope="module", params=TRANSLATED)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return read_catalog(po_path(request.param))


def test_headers(catalog: Catalog) -> None:
    language = str(catalog.locale)
    assert language in TRANSLATED
    assert catalog.plural_forms == PLURAL_FORMS[language]
    assert catalog.charset.lower() == "utf-8"


def test_every_msgid_is_translated(template: Catalog, catalog: Catalog) -> None:
    translated = {key_of(m.id, m.context): m for m in entries(catalog)}
    problems = []
    for message in entries(template):
        found = translated.get(key_of(message.id, message.context))
        if found is None:
            problems.append(f"missing: {message.id!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(forms(found)):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, f"{catalog.locale}:\n" + "\n".join(problems)


def plural_form_counts(path: Path) -> dict[str, int]:
    """msgstr[i] lines per plural entry, read from the file itself (Babel pads missing forms)."""
    counts = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.splitlines()
        plural = [line for line in lines if line.startswith("msgid_plural ")]
        if plural:
            counts[plural[0]] = sum(line.startswith("msgstr[") for line in lines)
    return counts


def test_plural_entries_have_every_form(catalog: Catalog) -> None:
    counts = plural_form_counts(po_path(str(catalog.locale)))
    wrong = {entry: n for entry, n in counts.items() if n != catalog.num_plurals}
    assert not wrong, f"{catalog.locale}: not {catalog.num_plurals} forms: {wrong}"
    empty = [m.id for m in entries(catalog) if m.pluralizable and not all(forms(m))]
    assert not empty, f"{catalog.locale}: empty plural forms: {empty}"


COUNT_NAMES = frozenset({"n", "count"})  # the placeholder that shows the number itself
WORDED_FORMS = {"ar": (0, 1, 2)}  # zero/one/two: "تقييم واحد", "تقييمان", no numeral needed


def omissible(language: str, message: Message, index: int) -> set[str]:
    """Placeholders the form ``index`` of ``message`` may leave out.

    A plural form for exactly one may drop what the English singular drops ("the newest"
    / "the {n} newest"); Arabic's zero, one and two forms may also drop the number itself,
    since the words say it ("يومين", "تقييم واحد").
    """
    if not message.pluralizable:
        return set()
    singular, plural = (placeholders(text) for text in message.id[:2])
    allowed = set()
    one = 1 if language == "ar" else 0
    if index == one or (language == "ar" and index == 0):
        allowed |= plural - singular
    if index in WORDED_FORMS.get(language, ()):
        allowed |= source_placeholders(message) & COUNT_NAMES
    return allowed


def placeholder_problems(language: str, message: Message) -> list[str]:
    expected = source_placeholders(message)
    problems = []
    for index, text in enumerate(forms(message)):
        got = placeholders(text)
        if text and (not got <= expected or not expected - got <= omissible(
                language, message, index)):
            problems.append(f"{message.id!r} [{index}]: {sorted(got)} != {sorted(expected)}")
    return problems


def test_same_placeholders_in_every_form(catalog: Catalog) -> None:
    problems = [p for m in entries(catalog) for p in placeholder_problems(str(catalog.locale), m)]
    assert not problems, f"{catalog.locale}:\n" + "\n".join(problems)


def test_the_placeholder_check_allows_worded_arabic_forms_only() -> None:
    def plural(*texts: str) -> Message:
        return Message(("{n} review of {name}", "{n} reviews of {name}"), texts)

    arabic = ["لا تقييمات لـ{name}", "تقييم واحد لـ{name}", "تقييمان لـ{name}",
              "{n} تقييمات لـ{name}", "{n} تقييمًا لـ{name}", "{n} تقييم لـ{name}"]
    assert placeholder_problems("ar", plural(*arabic)) == []
    wrong_name = [arabic[0].replace("{name}", "{nme}"), *arabic[1:]]
    assert len(placeholder_problems("ar", plural(*wrong_name))) == 1
    no_name = [arabic[0], "تقييم واحد", *arabic[2:]]
    assert len(placeholder_problems("ar", plural(*no_name))) == 1
    few_without_n = [*arabic[:3], "تقييمات لـ{name}", *arabic[4:]]
    assert len(placeholder_problems("ar", plural(*few_without_n))) == 1
    assert len(placeholder_problems("es", plural("una valoración de {name}",
                                                 "{n} valoraciones de {name}"))) == 1
    newest = Message(("the newest", "the {n} newest"), ("la más reciente", "las {n} más recientes"))
    assert placeholder_problems("es", newest) == []
    assert len(placeholder_problems("es", Message(("the newest", "the {n} newest"),
                                                  ("la más reciente", "las más recientes")))) == 1


def test_msgids_use_named_placeholders(template: Catalog) -> None:
    positional = [
        m.id
        for m in entries(template)
        if any(p == "" or p.isdigit() for p in source_placeholders(m))
    ]
    assert not positional, f"use {{named}} placeholders: {positional}"


def msgfmt_or_skip() -> str:
    """GNU msgfmt; missing, it fails the test in CI (CI=true) and skips it elsewhere."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is not None:
        return msgfmt
    reason = "GNU gettext's msgfmt is not installed: catalogs not checked by msgfmt"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must install gettext, see .ci/run)")
    pytest.skip(f"{reason} (install gettext to run this check)")


def test_msgfmt_missing_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must install gettext"):
        msgfmt_or_skip()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="install gettext"):
        msgfmt_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        msgfmt_or_skip()


@pytest.mark.parametrize("language", TRANSLATED)
def test_msgfmt_check(language: str) -> None:
    msgfmt = msgfmt_or_skip()
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- the template is up to date with the code ---------------------------------------------------


def extracted_from_code() -> set[MsgKey]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS)
    return {key_of(message, context) for _, _, message, _, context in found
            if message and key_of(message)[1]}


@pytest.fixture(scope="module")
def code_msgids() -> set[MsgKey]:
    return extracted_from_code()


def test_every_msgid_in_code_is_in_the_template(
    template: Catalog, code_msgids: set[MsgKey]
) -> None:
    missing = code_msgids - {key_of(m.id, m.context) for m in entries(template)}
    assert not missing, f"run scripts/i18n.sh extract && update; missing: {sorted(missing)}"


def test_template_has_no_stale_msgids(template: Catalog, code_msgids: set[MsgKey]) -> None:
    stale = {key_of(m.id, m.context) for m in entries(template)} - code_msgids
    assert not stale, f"run scripts/i18n.sh extract && update; stale: {sorted(stale)}"


def test_extraction_finds_attribute_calls(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "sample.py").write_text(
        "def f(t, n):\n"
        '    t._("Order {order}").format(order=1)\n'
        '    t.ngettext("{count} star", "{count} stars", n)\n'
        '    N_("pending")\n'
        '    t.pgettext("status", "Done")\n'
        '    t.npgettext("stats", "{n} order", "{n} orders", n)\n'
        '    NC_("status button", "Done")\n',
        encoding="utf-8",
    )
    found = extract_from_dir(tmp_path, [("bot/**.py", "python")], keywords=KEYWORDS)
    assert {key_of(message, context) for _, _, message, _, context in found} == {
        (None, "Order {order}", None),
        (None, "{count} star", "{count} stars"),
        (None, "pending", None),
        ("status", "Done", None),
        ("stats", "{n} order", "{n} orders"),
        ("status button", "Done", None),
    }


# --- bidi: Arabic text keeps commands, mentions and values in logical order ---------------------


def test_arabic_entries_keep_their_bidi_order() -> None:
    """No hand-placed marks; every placeholder isolated by the code; no command or @mention
    reordered by the Unicode bidi algorithm (tests/unit/bidi_reading.py)."""
    arabic = Translations(default="en").get("ar")
    problems = [p for m in entries(read_catalog(po_path("ar"))) for p in bidi_problems(arabic, m)]
    assert not problems, "\n".join(problems)


def test_the_bidi_lint_catches_seeded_violations(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = Catalog(locale="ar")
    seeded.add("Chat {chat}", "المحادثة \u2066{chat}\u2069", flags=["python-brace-format"])
    seeded.add("Use the command /profile now", "استخدم الأمر/profile الآن")
    seeded.add("Client: {name}", "العميل: {name}", flags=["python-brace-format"])
    po = tmp_path / "bot.po"
    with po.open("wb") as po_file:
        write_po(po_file, seeded)
    arabic = Translator(language="ar", locale=Locale.parse("ar"), catalog=load_catalog(po))

    def problems(msgid: str) -> list[str]:
        """The kinds of problem found, without the text quoted after them."""
        return [p.split(": ", 1)[0] for p in bidi_problems(arabic, seeded[msgid])]

    assert problems("Chat {chat}") == ["hand-placed bidi mark"]
    assert problems("Use the command /profile now") == ["/profile reordered"]
    assert problems("Client: {name}") == []
    monkeypatch.setattr(i18n, "rtl_text", lambda text: text)  # as if the code did not isolate
    assert problems("Client: {name}") == ["placeholder not isolated by the code",
                                          "@luis_k reordered"]
