"""Catalog lint: no msgid in two roles without a context, no button label too long for its
row in any language. The rules are defined in tests/unit/catalog_lint.py; each is shown
once catching a seeded violation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.unit.catalog_lint import Key, row_limits, too_long, two_roles

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("handlers", "bot/services", "scheduler", "bot/demo")
TRANSLATED = ("es", "pt", "ar")


def code() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for directory in CODE_DIRS for path in sorted((ROOT / directory).rglob("*.py"))}


def texts(catalog: Catalog) -> dict[Key, str]:
    return {(m.context, m.id): m.string for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)}


def catalog_texts(language: str) -> dict[Key, str]:
    with (ROOT / "locales" / language / "LC_MESSAGES" / "bot.po").open("rb") as po:
        return texts(read_po(po))


def test_no_msgid_has_two_roles_without_a_context() -> None:
    assert two_roles(code()) == []


def test_the_status_names_have_a_context_per_role() -> None:
    limits = row_limits(code())
    assert ("status", "Done") in limits  # the moderator's dispute buttons, two in a row
    assert all(context is not None for context, msgid in limits if msgid == "Done")


SEEDED_LABELS = '''
STATUS = {1: N_("Not hired yet"), 2: N_("Done")}

def status_name(t, status):
    return t._(STATUS[status])
'''
SEEDED_USES = '''
def status_menu(t):
    return ((Button(status_name(t, 1), "s:1"),),)

def card(t, order):
    return SendMessage(order.chat_id, t._("Status: {status}").format(
        status=status_name(t, order.status)))

def help_text(t):
    return ((Button(t._("Skip"), "x"),), t._("Use /neworder"))
'''


def test_two_roles_rule_catches_a_seeded_violation() -> None:
    problems = two_roles({"labels.py": SEEDED_LABELS, "uses.py": SEEDED_USES})
    assert problems == [
        "'Done' is a button label and a text: give each role a context (t.pgettext)",
        "'Not hired yet' is a button label and a text: give each role a context (t.pgettext)",
    ]


def test_two_roles_rule_accepts_contexts() -> None:
    labels = SEEDED_LABELS.replace('N_("', 'NC_("status", "')
    labels = labels.replace("t._(STATUS[status])", 't.pgettext("status", STATUS[status])')
    assert two_roles({"labels.py": labels, "uses.py": SEEDED_USES}) == []


def test_every_button_label_fits_its_row_in_every_language() -> None:
    limits = row_limits(code())
    assert (None, "Reply to the review") in limits  # the rows are found
    problems = too_long(limits, {language: catalog_texts(language) for language in TRANSLATED})
    assert problems == []


SEEDED_ROWS = '''
def answer_menu(t):
    return ((Button(t._("Yes"), "y"), Button(t._("No"), "n"), Button(t._("Later"), "l")),)

def comment_menu(t):
    buttons = [Button(t._("Write a comment"), "w")]
    buttons.append(Button(t._("Skip"), "s"))
    return (tuple(buttons),)

def note_menu(t):
    return ((Button(t._("Write my own note, with all the details"), "o"),),)
'''
SEEDED_PO = '''
msgid ""
msgstr ""
"Language: es\\n"

msgid "Yes"
msgstr "Sí"

msgid "No"
msgstr "No"

msgid "Later"
msgstr "Más tarde, en otro momento"

msgid "Write a comment"
msgstr "Escribir un comentario sobre el trabajo"

msgid "Skip"
msgstr "Omitir"

msgid "Write my own note, with all the details"
msgstr "Escribir mi propia nota personal, con todos los detalles del trabajo"
'''


def test_length_rule_catches_a_seeded_catalog(tmp_path: Path) -> None:
    limits = row_limits({"keyboards.py": SEEDED_ROWS})
    assert limits == {(None, "Yes"): 20, (None, "No"): 20, (None, "Later"): 20,
                      (None, "Write a comment"): 30, (None, "Skip"): 30}
    po = tmp_path / "bot.po"
    po.write_text(SEEDED_PO, encoding="utf-8")
    with po.open("rb") as po_file:
        seeded = texts(read_po(po_file))
    assert too_long(limits, {"es": seeded}) == [
        "es: 'Más tarde, en otro momento' (26 characters; 20 in its row)",
        "es: 'Escribir un comentario sobre el trabajo' (39 characters; 30 in its row)",
    ]
