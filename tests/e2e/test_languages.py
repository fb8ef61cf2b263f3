"""The same short story in Spanish, Portuguese and Arabic through each framework: /neworder, the
claim, Update -> Done -> Yes, now -> Use this text, the client's 5 stars; the chat shows that
language's texts and Babel's formats, Arabic keeps names and ids in bidi isolates, and /lang changes
one person's alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n import FIRST_STRONG_ISOLATE as FSI
from bot.i18n import POP_DIRECTIONAL_ISOLATE as PDI
from bot.i18n import Translations, Translator
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
TITLE = "Kitchen tap"
# The products' own words, written out: a catalog that lost them fails here.
DONE = {"es": "Realizado", "pt": "Concluído", "ar": "مكتمل"}
CLAIM = {"es": "Soy el cliente", "pt": "Sou cliente", "ar": "أنا العميل"}
# "Not hired yet" in its two roles: a fact on the card, the professional's own answer on the
# status button.
NOT_HIRED = {"es": "Sin contratar aún", "pt": "Ainda não contratado", "ar": "لم يتم التعاقد بعد"}
NOT_HIRED_BUTTON = {"es": "Aún no me han contratado", "pt": "Ainda não me contrataram",
                    "ar": "لم يتم التعاقد بعد"}
# The calendar's weekday row starts on the region's first day: Monday in es_ES, Sunday in
# pt_BR and ar_SA.
FIRST_WEEKDAY = {"es": "L", "pt": "D", "ar": "ح"}
NOT_FOR_YOU = "This button is not for you."


@pytest.fixture(scope="module")
def translations() -> Translations:
    return Translations(default="en")


async def _step(world: World, chat: int, user: int, button: str, expect: str) -> Entry:
    seen = await world.mark(chat)
    await world.tap(chat, user, button)
    return await world.wait_text(chat, expect, after=seen)


async def _alert(world: World, chat: int, user: int, button: str) -> str:
    answer = await world.wait_answer(await world.tap(chat, user, button))
    assert answer["show_alert"] is True
    return str(answer["text"])


async def _story(world: World, t: Translator) -> tuple[int, int, int]:
    """The pro and the client speak `t.language`; returns (pro, client, group)."""
    ana = await world.user("Ana", t.language, username="ana")
    luis = await world.user("Luis", t.language, username="luis")
    group = await world.group(TITLE, [ana, luis])
    await world.say(group, ana, f"/neworder {TITLE}")
    card = await world.wait_text(group, TITLE)
    labels = [b["text"] for row in card["buttons"] for b in row]
    assert CLAIM[t.language] in labels and t._("I am the client") in labels
    assert t._("Status: {status}").format(status=NOT_HIRED[t.language]) in card["text"]
    await _step(world, group, luis, t._("I am the client"),
                t._("Client: {name}").format(name=t.isolate("Luis")))
    stage = t._("Order #{id} «{title}»: at what stage is the job?").split("»")[-1]
    await _step(world, group, ana, t._("Update"), stage)
    await _step(world, group, ana, DONE[t.language],
                t._("When should we ask the client for the review?"))
    await _step(world, group, ana, t._("Yes, now"), t._(
        "This is the text the client will see with the stars. Send it as it is, or write your "
        "own personal note:"))
    request = await _step(world, group, ana, t._("Use this text"),
                          t._("{client}, how would you rate the service? Tap the stars.")
                          .format(client=t.isolate("Luis")))
    assert t._("Hello! Thank you for trusting me with this job. Your opinion helps me improve "
               "and helps other clients choose. Could you rate the service?") in request["text"]
    await _step(world, group, luis, "5 ⭐",
                t._("{client} rated: {stars}").format(client=t.isolate("Luis"), stars="★★★★★"))
    return ana, luis, group


@pytest.mark.parametrize("language", ["es", "pt", "ar"])
async def test_the_story_in_each_language(world: World, translations: Translations,
                                          language: str) -> None:
    t = translations.get(language)
    ana, _luis, group = await _story(world, t)
    card = await world.wait_text(group, t._("Status: {status}").format(status=DONE[language]))
    assert t._("Client: {name}").format(name=t.isolate("Luis")) in card["text"]
    english = translations.get("en")
    assert english._("Status: {status}").format(status="Done") not in card["text"]
    # the professional's own voice on the status panel, never on the card
    panel = await _step(world, group, ana, t._("Update"), t._(
        "Order #{id} «{title}»: at what stage is the job?").split("»")[-1])
    assert [NOT_HIRED_BUTTON[language]] in [[b["text"] for b in row] for row in panel["buttons"]]
    # a date formatted by Babel for the locale, in the card
    day = (world.clock.now() + timedelta(days=20)).date()
    seen = await world.mark(group)
    await world.say(group, ana, f"/delivery {day.isoformat()}")
    shown = t._("Delivery date: {date}").format(date=t.date(day))
    await world.wait_text(group, shown, after=seen)
    assert t.date(day) != english.date(day)
    if language == "ar":
        # names and ids keep their place in right-to-left text
        assert f"{FSI}Luis{PDI}" in card["text"] and f"{FSI}Ana{PDI}" in card["text"]
        assert f"{FSI}{TITLE}{PDI}" in card["text"]
        assert any(f"{FSI}{digit}" in card["text"] for digit in "0123456789٠١٢٣٤٥٦٧٨٩")


async def test_lang_changes_one_persons_alerts(world: World, translations: Translations) -> None:
    t = translations.get("es")
    ana = await world.user("Ana", "es", username="ana")
    luis = await world.user("Luis", "pt", username="luis")
    group = await world.group(TITLE, [ana, luis])
    await world.say(group, ana, f"/neworder {TITLE}")
    await world.wait_text(group, TITLE)
    await world.tap(group, luis, t._("I am the client"))
    # Luis's alerts follow his Telegram language, the chat stays in the pro's language
    assert await _alert(world, group, luis, t._("Update")) == \
        translations.get("pt")._(NOT_FOR_YOU)
    await world.say(luis, luis, "/lang")
    await world.wait_text(luis, translations.get("pt")._("Choose your language:"))
    query = await world.tap(luis, luis, "العربية")
    answer = await world.wait_answer(query)
    assert answer["text"] == translations.get("ar")._(
        "From now on I will write to you in {language}.").format(language="العربية")
    assert await _alert(world, group, luis, t._("Update")) == \
        translations.get("ar")._(NOT_FOR_YOU)
    # someone else's alerts did not change; the card is still in Spanish
    eve = await world.user("Eve", "es")
    assert await _alert(world, group, eve, t._("Update")) == t._(NOT_FOR_YOU)
    await world.wait_text(group, t._("Status: {status}").format(status=NOT_HIRED["es"]))


@pytest.mark.parametrize("language", ["es", "pt", "ar"])
async def test_the_calendar_starts_the_week_on_the_regions_first_day(
        world: World, translations: Translations, language: str) -> None:
    t = translations.get(language)
    ana = await world.user("Ana", language, username="ana")
    luis = await world.user("Luis", language, username="luis")
    group = await world.group(TITLE, [ana, luis])
    await world.say(group, ana, f"/neworder {TITLE}")
    await world.wait_text(group, TITLE)
    await _step(world, group, luis, t._("I am the client"),
                t._("Client: {name}").format(name=t.isolate("Luis")))
    await _step(world, group, ana, t._("Update"), t._(
        "Order #{id} «{title}»: at what stage is the job?").split("»")[-1])
    await _step(world, group, ana, DONE[language],
                t._("When should we ask the client for the review?"))
    calendar = await _step(world, group, ana, t._("Yes, on a date"), t._(
        "Choose the day to ask for the review (until {last}):").split("{")[0].strip())
    weekdays = [b["text"] for b in calendar["buttons"][1]]
    # Arabic rows are given mirrored (the week starts on the right): read them in order.
    in_order = weekdays[::-1] if language == "ar" else weekdays
    assert in_order[0] == FIRST_WEEKDAY[language]
    assert len(in_order) == 7
