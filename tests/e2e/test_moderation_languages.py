"""A moderator runs every moderator command in Spanish, Portuguese and Arabic, through each
framework against the sandbox (issue 8's acceptance): the answers, the usage, the refusal to
others, /order's history labels and the export's captions are in the moderator's language."""

from __future__ import annotations

import pytest

from bot.i18n import Translations, Translator
from tests.e2e.moderation_steps import WAIT, ask, moderator, open_order
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
# Written out: a catalog that lost them fails here.
REFUSED = {"es": "Solo los moderadores pueden usar este comando.",
           "pt": "Só moderadores podem usar este comando.",
           "ar": "هذا الأمر للمشرفين فقط."}
CREATED = {"es": "creó el pedido", "pt": "criou o pedido", "ar": "أنشأ الطلب"}
CLAIM = {"es": "Soy el cliente", "pt": "Sou cliente", "ar": "أنا العميل"}
# The status as a fact, in nobody's voice (the professional's button says «me»).
NOT_HIRED = {"es": "Sin contratar aún", "pt": "Ainda não contratado", "ar": "لم يتم التعاقد بعد"}


@pytest.fixture(scope="module")
def translations() -> Translations:
    return Translations(default="en")


def _ref(t: Translator) -> str:
    return t._("order #{id} «{title}»").format(id=t.isolate(1), title=t.isolate("Kitchen tap"))


async def _views(world: World, t: Translator, mona: int) -> None:
    """/orders, /order, /stats, /disputes."""
    listing = await ask(world, mona, mona, "/orders",
                        t.ngettext("{n} order", "{n} orders", 1).format(n=t.number(1)))
    assert _ref(t) in listing["text"] and NOT_HIRED[t.language] in listing["text"]
    none = await ask(world, mona, mona, "/orders disputed", t.ngettext(
        "{n} order with status {status}", "{n} orders with status {status}", 0).format(
        n=t.number(0), status=t.pgettext("status", "In dispute")))
    assert none["text"].count("\n") == 0
    details = await ask(world, mona, mona, "/order 1", t._("History:"))
    assert CREATED[t.language] in details["text"] and t._("became the client") in details["text"]
    assert "order created" not in details["text"]
    stats = await ask(world, mona, mona, "/stats",
                      t.ngettext("Orders: {n}", "Orders: {n}", 1).format(n=t.number(1)))
    assert t._("Disputes: {opened} opened, {open} open").format(
        opened=t.number(0), open=t.number(0)) in stats["text"]
    await ask(world, mona, mona, "/disputes", t._("No open disputes."))


async def _actions(world: World, t: Translator, mona: int) -> None:
    """/remind, /hide_review, /restore_review, /refund, /cancel; a bad argument."""
    ref = _ref(t)
    await ask(world, mona, mona, "/remind 1", t._(
        "{order}: no review request has been posted yet, so there is nothing to remind "
        "of.").format(order=ref))
    await ask(world, mona, mona, "/hide_review 1 spam",
              t._("{order} has no review.").format(order=ref))
    await ask(world, mona, mona, "/restore_review 1",
              t._("{order} has no review.").format(order=ref))
    await ask(world, mona, mona, "/refund 1", t._(
        "{order} is not eligible for the credit refund (only orders not going ahead because "
        "the client did not answer are).").format(order=ref))
    usage = await ask(world, mona, mona, "/cancel 1", t._("Please give a reason."))
    assert usage["text"].endswith(t._("Usage: /cancel <order id> <reason>"))
    await ask(world, mona, mona, "/cancel 1 duplicate", t._(
        "{order} is cancelled; the chat was told.").format(order=ref))
    details = await ask(world, mona, mona, "/order 1", t._("History:"))
    assert t._("cancelled the order") + " (duplicate)" in details["text"]


async def _admin(world: World, t: Translator, mona: int, eve: int) -> None:
    """/mod_add, /mod_remove, /export."""
    eve_id = t.isolate(eve)
    await ask(world, mona, mona, f"/mod_add {eve}",
              t._("{id} is now a moderator.").format(id=eve_id))
    await ask(world, eve, eve, "/disputes", t._("No open disputes."))
    await ask(world, mona, mona, f"/mod_remove {eve}",
              t._("{id} is no longer a moderator.").format(id=eve_id))
    await ask(world, eve, eve, "/disputes", REFUSED[t.language])
    seen = await world.mark(mona)
    await world.say(mona, mona, "/export")
    await world.wait_text(mona, t._("Audit trail"), after=seen, timeout=WAIT)
    captions = [e.get("text") for e in await world.entries(mona, after=seen,
                                                          kinds=("document",))]
    assert captions == [t._("Orders"), t._("Reviews"), t._("Audit trail")]


@pytest.mark.parametrize("language", ["es", "pt", "ar"])
async def test_every_command_in_each_language(world: World, translations: Translations,
                                              language: str) -> None:
    t = translations.get(language)
    mona = await moderator(world, "Mona", language)
    eve = await world.user("Eve", language)
    await ask(world, eve, eve, "/stats", REFUSED[language])
    await open_order(world, language=language, claim=CLAIM[language])
    await _views(world, t, mona)
    await _actions(world, t, mona)
    await _admin(world, t, mona, eve)
