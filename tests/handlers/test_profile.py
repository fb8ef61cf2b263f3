"""/profile: the numbers checked against the stored ratings; hidden reviews left out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.callback_data import ReplyToReview
from bot.core.events import Ref, SendMessage
from bot.domain.reviews import Rating
from bot.services.profiles import summarize
from handlers.profile import MAX_TEXT
from tests.bench import Bench, make_bench
from tests.handlers.test_ratings_support import prompt_of, rate, requested

PRO = 1
# stars, aspects (0 = skipped), comment
REVIEWS = [(5, (5, 5, 5), "Perfect"), (4, (3, 0, 4), None), (5, (0, 0, 0), "Again great"),
           (2, (1, 2, 0), "Late"), (1, (1, 1, 1), "Abusive words")]


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _profile(bench: Bench, chat: int, user_id: int, args: str = "") -> str:
    person = bench.person(user_id, "Ana" if user_id == PRO else "Someone", "en")
    effects = await bench.send(bench.command(chat, person, ("/profile " + args).strip()))
    sent = [e for e in effects if isinstance(e, SendMessage)]
    assert len(sent) == 1
    return sent[0].text


async def _five_orders(bench: Bench) -> list[Rating]:
    for n, (stars, aspects, comment) in enumerate(REVIEWS):
        th = await requested(bench, group=-100 - n, pro_id=PRO, client_id=10 + n,
                             title=f"Job {n}")
        await rate(bench, th, stars, aspects, comment)
        bench.advance(timedelta(hours=1))
    async with bench.uow_factory() as uow:
        hidden = await uow.ratings.for_order(5)
        assert hidden is not None and hidden.stars == 1
        hidden.hide(99, "abusive")
        await uow.ratings.save(hidden)
        await uow.commit()
        return await uow.ratings.for_pro(PRO, include_hidden=True)


async def test_profile_numbers_match_the_stored_ratings(bench: Bench) -> None:
    stored = await _five_orders(bench)
    visible = [r for r in stored if not r.hidden]
    assert len(stored) == 5 and len(visible) == 4
    text = await _profile(bench, PRO, PRO)  # in private: yourself
    average = sum(r.stars for r in visible) / len(visible)  # (5 + 4 + 5 + 2) / 4 = 4.0
    assert "Profile of Ana" in text
    assert f"Average: {average:.1f} out of 5 (4 reviews)" in text
    lines = text.splitlines()
    for stars in range(5, 0, -1):
        n = sum(1 for r in visible if r.stars == stars)
        line = [x for x in lines if x.startswith(f"{stars} ★")]
        assert len(line) == 1 and line[0].endswith(f" {n}"), line
    assert "5 ★ ▓▓▓▓▓▓▓▓▓▓ 2" in lines and "1 ★ 0" in lines
    on_time = [r.on_time for r in visible if r.on_time]
    assert f"On time: {sum(on_time) / len(on_time):.1f}" in text  # (5 + 3 + 1) / 3 = 3.0
    assert "Quality of the work: 3.5" in text and "Communication: 4.5" in text
    assert "Abusive words" not in text and "Job 4" not in text
    latest = text.split("Latest reviews:")[1]
    assert latest.index("Job 3") < latest.index("Job 2") < latest.index("Job 0")
    assert "Comment: Late" in latest and "Comment: Perfect" in latest


async def test_summarize_leaves_hidden_and_other_pros_out() -> None:
    def rating(stars: int, **kw: object) -> Rating:
        now = __import__("datetime").datetime(2025, 1, 1)
        return Rating(1, 2, kw.pop("pro", PRO), stars, now, now, **kw)  # type: ignore[arg-type]

    summary = summarize(PRO, [rating(5, on_time=4), rating(3), rating(1, hidden=True),
                              rating(2, pro=7)])
    assert summary.count == 2 and summary.average == 4.0
    assert summary.distribution == {5: 1, 4: 0, 3: 1, 2: 0, 1: 0}
    assert summary.aspects == {"on_time": 4.0, "quality": None, "communication": None}


async def test_profile_in_the_order_chat_is_the_pros_and_shows_the_reply(bench: Bench) -> None:
    th = await requested(bench, group=-5)
    await rate(bench, th, 4, (0, 0, 0), "Nice")
    review = await bench.message_id_of(Ref("review", 1))
    effects = await bench.send(bench.tap(th.group, th.pro, ReplyToReview(1), review))
    prompt_id = await bench.message_id_of(prompt_of(effects).ref or Ref("x", 0))
    await bench.send(bench.text(th.group, th.pro, "Thanks!", prompt_id))
    text = await _profile(bench, th.group, 2)  # the client asks: the pro's profile
    assert "Profile of Ana" in text and "Average: 4.0 out of 5 (1 review)" in text
    assert "Comment: Nice\nReply from Ana: Thanks!" in text


async def test_profile_of_another_user_by_id_and_no_reviews(bench: Bench) -> None:
    th = await requested(bench, group=-5)
    await rate(bench, th, 5)
    assert "(1 review)" in await _profile(bench, 42, 42, str(PRO))
    text = await _profile(bench, 42, 42)
    assert "has no reviews yet" in text
    text = await _profile(bench, 42, 42, "abc")
    assert text == "That input is not valid."


async def test_profile_stays_under_telegram_limit(bench: Bench) -> None:
    for n in range(5):
        th = await requested(bench, group=-100 - n, client_id=10 + n, title="T" * 120)
        await rate(bench, th, 5, (5, 5, 5), "é" * 1000)
    async with bench.uow_factory() as uow:
        for rating in await uow.ratings.for_pro(PRO):
            order = await uow.orders.get(rating.order_id)
            assert order is not None
            rating.add_reply(PRO, "r" * 1000, bench.clock.now(), bench.settings.policy(), order)
            await uow.ratings.save(rating)
        await uow.commit()
    text = await _profile(bench, PRO, PRO)
    assert len(text) <= MAX_TEXT and "(5 reviews)" in text
    assert "Reply from Ana: " + "r" * 200 in text and "…" in text
