"""No user-visible text bypasses gettext (issue 7): the literal lint on the code, and on samples.

How the lint decides is in tests/unit/literal_lint.py. When it flags your line, wrap the text
in ``t._(...)`` (or ``N_(...)`` for a constant translated later).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.literal_lint_scan import lint, lint_files

ROOT = Path(__file__).resolve().parents[2]
LINTED_DIRS = ("handlers", "bot/services", "scheduler", "bot/delivery", "bot/frameworks",
               "bot/demo")
# Texts shown as they are, on purpose (name -> why).
UNTRANSLATED = {
    "NATIVE_NAMES": "/lang shows each language's name in itself, so anyone finds their own",
}


def test_no_untranslated_literals_are_shown() -> None:
    problems = lint_files(ROOT, LINTED_DIRS, UNTRANSLATED)
    assert not problems, "wrap texts in t._(...):\n" + "\n".join(problems)


def test_every_linted_directory_exists() -> None:
    assert all((ROOT / directory).is_dir() for directory in LINTED_DIRS)


BAD = {
    "constant": 'SendMessage(1, "Hello")',
    "f-string": 'SendMessage(chat_id=1, text=f"Order {n}")',
    "concatenation": 'effects.EditMessage(1, "Done " + name)',
    "alert": 'AnswerCallback("id", text="Not allowed", alert=True)',
    "button": 'Button("Rate")',
    "placeholder": 'ForceReply(placeholder="Your note")',
    "format": 'Button(text="Order {n}".format(n=1))',
    "caption keyword": 'SendDocument(1, "orders.csv", data, caption="Your export")',
    "caption position": 'SendDocument(1, "orders.csv", data, "Your export")',
    "variable": 'def f():\n    text = "Hello"\n    return SendMessage(1, text)',
    "module constant": 'HELP = "Use /neworder"\ndef f():\n    return SendMessage(1, HELP)',
    "dict of texts": 'TEXTS = {"a": "Hello"}\ndef f(k):\n    return SendMessage(1, TEXTS[k])',
    "helper's return": 'def title():\n    return "Orders"\ndef f():\n'
                       '    return SendMessage(1, title())',
    "join of literals": 'SendMessage(1, "\\n".join(["Orders:", t._("x")]))',
    "join of a list": 'def f(t):\n    lines = [t._("x")]\n    lines.append("Total")\n'
                      '    return SendMessage(1, "\\n".join(lines))',
    "default with or": 'def f(order):\n    return SendMessage(1, order.name or "Client")',
    "loop": 'def f():\n    for word in ("Yes", "No"):\n        yield Button(word)',
    "forwarding helper": 'def reply(event, text):\n    return SendMessage(event.chat_id, text)\n'
                         'def f(event):\n    return reply(event, "Done")',
    "helper of a helper": 'def fit(text):\n    return text[:10]\n'
                          'def reply(event, text):\n    return SendMessage(1, fit(text))\n'
                          'def f(event):\n    return reply(event, "Done")',
    "list of messages": 'def many(event, messages):\n'
                        '    return [SendMessage(event.chat_id, text) for text, _ in messages]\n'
                        'def f(event):\n    return many(event, [("Sent", None)])',
    "framework call": 'async def f(bot):\n    await bot.send_message(chat_id=1, text="Oops")',
    "framework button": 'InlineKeyboardButton("Open", url=u)',
    "marked, not translated": 'STATUS = {1: N_("Done")}\ndef f(s):\n    return Button(STATUS[s])',
    "marked with a context, not translated":
        'STATUS = {1: NC_("status", "Done")}\ndef f(s):\n    return Button(STATUS[s])',
}

GOOD = {
    "translated": 'SendMessage(1, t._("Hello"))',
    "symbols": 'Button("⭐")\nButton("«")\nButton("1")\nButton(text=f"{n} ⭐")',
    "no text": 'AnswerCallback("callback-id")\nAnswerCallback("id", text="")',
    "translated placeholder": 'ForceReply(placeholder=t._("Your note"))',
    "formatted": 'EditMessage(1, t._("Order {order}").format(order=t.isolate(7)))',
    "join of translated": 'SendMessage(1, "\\n".join([t._("a"), t._("b")]))',
    "translated helper": 'def title(t):\n    return t._("Orders")\n'
                         'def f(t):\n    return SendMessage(1, title(t))',
    "translated variable": 'def f(t, name):\n    text = t._("Hi {name}").format(name=name)\n'
                           '    return SendMessage(1, text)',
    "marked constant": 'STATUS = N_("pending")\ndef f(t):\n    return SendMessage(1, t._(STATUS))',
    "with a context": 'Button(t.pgettext("status button", "Not hired yet"))',
    "plural with a context": 'SendMessage(1, t.npgettext("stats", "{n} order", "{n} orders", n))',
    "marked with a context": 'STATUS = {1: NC_("status", "Done")}\n'
                             'def f(t, s):\n    return Button(t.pgettext("status", STATUS[s]))',
    "file name, not caption": 'SendDocument(1, "orders.csv", data, caption=t._("Export"))',
    "parameter shadows a constant": 'text = "Hello"\ndef f(text):\n    return SendMessage(1, text)',
    "callback data": 'Button(t._("Rate"), cb("rate", 1, "five"))',
    "deliberate": 'NATIVE_NAMES = {"es": "Español"}\nButton(NATIVE_NAMES["es"])',
    "mention and translated": 'def f(t, user):\n    mention = f"@{user} "\n'
                              '    return SendMessage(1, mention + t._("Hi"))',
}


@pytest.mark.parametrize("name", BAD)
def test_the_lint_catches(name: str) -> None:
    problems = lint({"bad.py": BAD[name]}, UNTRANSLATED)
    assert len(problems) == 1, problems
    assert problems[0].startswith("bad.py:")


@pytest.mark.parametrize("name", GOOD)
def test_the_lint_allows(name: str) -> None:
    assert lint({"good.py": GOOD[name]}, UNTRANSLATED) == []


def test_a_private_helper_is_a_sink_only_in_its_own_file() -> None:
    sources = {
        "a.py": 'def _edit(chat, text):\n    return EditMessage(chat, text)\n'
                'def f():\n    return _edit(1, "Saved")',
        "b.py": 'def g(entry, t):\n    return _edit(entry, "raw", t)',
    }
    assert lint(sources) == ["a.py:4: _edit(...) shows an untranslated literal"]


def test_a_public_helper_is_a_sink_in_every_file() -> None:
    sources = {
        "a.py": 'def reply(event, text):\n    return SendMessage(event.chat_id, text)',
        "b.py": 'def g(event):\n    return reply(event, "Saved")',
    }
    assert lint(sources) == ["b.py:2: reply(...) shows an untranslated literal"]
