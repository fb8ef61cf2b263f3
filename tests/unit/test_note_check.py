"""The personal-note check (PRODUCT.md section 10): real phrasings per language."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.note_check import (
    NoteChecker,
    NoteFinding,
    NoteProblem,
    PatternFileError,
    normalise,
    parse_pattern_file,
)

ASK = NoteProblem.ASKS_FOR_RATING
GIFT = NoteProblem.OFFERS_INCENTIVE
STEER = NoteProblem.STEERS_UNHAPPY


@pytest.fixture(scope="module")
def checker() -> NoteChecker:
    return NoteChecker()


# ------------------------------------------------------------------------- refused notes

REFUSED: dict[str, list[tuple[str, NoteProblem]]] = {
    "en": [
        ("Please give me 5 stars!", ASK),
        ("GIVE ME FIVE STARS PLEASE", ASK),
        ("Rate me five, it would mean a lot", ASK),
        ("A 5-star review would make my day", ASK),
        ("Hope you can leave 5⭐", ASK),
        ("★★★★★ please!", ASK),
        ("Was it a 10/10 for you? Then rate it that way 😉", ASK),
        ("I only accept 5 stars, thanks", ASK),
        ("Full marks would really help me", ASK),
        ("Please leave a positive review", ASK),
        ("Rate us 5 out of 5 if you can", ASK),
        ("Anything less than 5 hurts my business, please", ASK),
        ("Please give me a perfect rating", ASK),
        ("Please don't rate me less than five", ASK),
        ("I'll refund you if you leave a review", GIFT),
        ("Leave a review and get 10% off your next order", GIFT),
        ("You'll get a free revision if you rate me today", GIFT),
        ("I’ll send you a $10 gift card for a review", GIFT),
        ("In exchange for your honest review I'll add a bonus logo", GIFT),
        ("If you rate me I can give you a discount next time", GIFT),
        ("If you were happy, rate me; if not, write to me first", STEER),
        ("Only leave a review if you're happy", STEER),
        ("If you're not satisfied, message me before rating", STEER),
        ("If you are unhappy with anything, talk to me first instead of reviewing", STEER),
        ("Please contact me before leaving a negative review", STEER),
        ("Don't leave a bad review, just tell me and I'll fix it", STEER),
        ("Rate me only if you loved it", STEER),
        ("If anything went wrong, let me know before you rate", STEER),
    ],
    "es": [
        ("Dame 5 estrellas por favor", ASK),
        ("¿Me das cinco estrellas? 🙏", ASK),
        ("Valórame con 5 estrellas, porfa", ASK),
        ("Dame la máxima puntuación, ¡gracias!", ASK),
        ("Solo acepto 5", ASK),
        ("Sólo acepto un diez", ASK),
        ("Ponme un 10, porfa", ASK),
        ("Nota máxima, por favor", ASK),
        ("Espero tu valoración de 5 estrellas ⭐⭐⭐⭐⭐", ASK),
        ("Califícame con la máxima nota", ASK),
        ("Déjame una buena reseña por favor", ASK),
        ("Te pido que no me pongas menos de cinco", ASK),
        ("Puntúame 10 de 10 😊", ASK),
        ("CINCO ESTRELLAS Y ME HACES EL DIA", ASK),
        ("Te hago un 10% de descuento si me valoras", GIFT),
        ("Si me calificas te regalo una revisión extra", GIFT),
        ("Te devuelvo 5 € por tu reseña", GIFT),
        ("Un cupón de descuento para quien deje su valoración", GIFT),
        ("Valórame y te mando un regalo", GIFT),
        ("A cambio de tu reseña te hago el próximo diseño gratis", GIFT),
        ("Si dejas tu opinión te doy crédito para el siguiente pedido", GIFT),
        ("Si no quedaste satisfecho, escríbeme antes de valorar", STEER),
        ("si no quedaste satisfecho escribeme antes de valorar", STEER),
        ("Si estás contento, valórame; si no, háblame primero", STEER),
        ("Solo valora si quedaste satisfecho", STEER),
        ("Antes de calificar, contáctame si algo no te gustó", STEER),
        ("No me pongas una mala reseña, avísame y lo arreglo", STEER),
        ("Si algo no salió bien, dímelo antes de dejar tu valoración", STEER),
        ("Por favor, antes de dejar una mala valoración escríbeme", STEER),
        ("Califica solo si te gustó el trabajo", STEER),
    ],
    "pt": [
        ("Me dá 5 estrelas, por favor!", ASK),
        ("Dê cinco estrelas se puder 🙏", ASK),
        ("Avaliação máxima, por favor", ASK),
        ("avaliacao maxima por favor", ASK),
        ("Me avalie com nota 10!", ASK),
        ("Avalie com nota máxima, por favor", ASK),
        ("Só aceito 5 estrelas", ASK),
        ("Deixa uma boa avaliação pra mim", ASK),
        ("Conto com as suas 5 estrelinhas ⭐", ASK),
        ("Coloca um 10 aí pra mim", ASK),
        ("Nada menos que 5, hein!", ASK),
        ("Dá 10 de 10 pra gente 😄", ASK),
        ("Classifique-me com cinco estrelas, obrigado", ASK),
        ("Desconto na próxima se avaliar", GIFT),
        ("Te dou 10% de desconto se me avaliar com 5 estrelas", GIFT),
        ("Se me avaliar hoje, ganha um brinde", GIFT),
        ("Faço a próxima revisão grátis em troca da sua avaliação", GIFT),
        ("Quem avaliar ganha um cupom de 15%", GIFT),
        ("Mando um pix de R$ 10 por cada avaliação", GIFT),
        ("Devolvo o valor do frete se deixar um comentário", GIFT),
        ("Se não gostou, fale comigo antes de avaliar", STEER),
        ("se nao gostou fale comigo antes de avaliar", STEER),
        ("Caso não tenha ficado satisfeito, entre em contato antes de avaliar", STEER),
        ("Se ficou satisfeito, avalie; se não, me chame primeiro", STEER),
        ("Só avalie se tiver gostado", STEER),
        ("Avalie apenas se ficou satisfeito", STEER),
        ("Não me deixe uma avaliação negativa, fale comigo", STEER),
        ("Se não ficou satisfeito, contacte-me antes de avaliar", STEER),
        ("Antes de avaliar, fala comigo se algo não correu bem", STEER),
        ("Se algo não ficou bom, me avise primeiro em vez de avaliar", STEER),
    ],
    "ar": [
        ("أرجو أن تعطيني خمس نجوم", ASK),
        ("اعطني ٥ نجوم من فضلك", ASK),
        ("قيمني بخمس نجوم 🌟", ASK),
        ("خمـــس نجـــوم لو سمحت", ASK),
        ("خَمْسُ نُجُومٍ مِنْ فَضْلِكَ", ASK),
        ("أتمنى تقييماً كاملاً", ASK),
        ("تقييم كامل لو سمحت", ASK),
        ("لا تنسَ العلامة الكاملة", ASK),
        ("قيمني ۵ من ۵", ASK),
        ("ابغى تقييم ممتاز وخمس نجوم", ASK),
        ("عايز منك ٥ نجوم يا باشا", ASK),
        ("أعطني أعلى تقييم", ASK),
        ("١٠/١٠ من فضلك", ASK),
        ("لا أقبل بأقل من خمس نجوم", ASK),
        ("هدية مقابل التقييم", GIFT),
        ("خصم ١٠٪ إذا قيمتني", GIFT),
        ("إذا قيمتني سأعطيك خصما على الطلب القادم", GIFT),
        ("سأرجع لك جزءا من المبلغ مقابل تقييمك", GIFT),
        ("تعديلات مجانية لكل من يقيم الخدمة", GIFT),
        ("قيمني واحصل على كوبون خصم", GIFT),
        ("لو قيمتني هديتك توصلك بكرة", GIFT),
        ("إذا لم تكن راضيا تواصل معي قبل التقييم", STEER),
        ("إذا لم تكن راضيًا تواصل معي قبل التقييم", STEER),
        ("لو مش عاجبك الشغل كلمني قبل ما تقيم", STEER),
        ("اذا ما عجبك شي كلمني قبل لا تقيم", STEER),
        ("إذا كنت راضيا قيمني، وإلا راسلني أولا", STEER),
        ("لا تقيمني إلا إذا كنت راضيا تماما", STEER),
        ("قيم الخدمة فقط إذا كنت سعيدا بها", STEER),
        ("لا تترك تقييما سلبيا، تواصل معي وسأحل المشكلة", STEER),
        ("إذا كنت غير راض عن العمل راسلني بدلا من التقييم", STEER),
    ],
}

# ------------------------------------------------------------------------ accepted notes

ACCEPTED: dict[str, list[str]] = {
    "en": [
        "Thanks for trusting me",
        "Tell me if anything needs fixing",
        "Your opinion helps me improve",
        "If you need a revision, just ask",
        "Would you rate the service?",
        "The 5 windows are installed",
        "Delivered in five days, as promised",
        "It was great working with you! A review would help other clients find me.",
        "Give me 5 minutes and I'll send the invoice",
        "Your honest feedback, good or bad, is welcome",
        "Thanks for the great feedback during the project",
        "Installed 3 star-shaped lamps in the hall",
        "If anything is off, tell me and I'll fix it.",
        "Please rate the order whenever you have a moment",
        "Is everything ok? If not, let me know.",
        "Thanks! If not already done, please confirm the delivery first",
        "Would you rate this one?",
        "No one else could have done it faster",
        "Happy new year! 🎉",
    ],
    "es": [
        "Gracias por confiar en mí",
        "gracias por confiar en mi",
        "Dime si hay que corregir algo",
        "Tu opinión me ayuda a mejorar",
        "Si necesitas una revisión, solo pídela",
        "¿Podrías valorar el servicio?",
        "Entregado en cinco días, como acordamos",
        "Instalé las 5 ventanas del salón",
        "Dame 5 minutos y te envío la factura",
        "Fue un placer trabajar contigo. Tu valoración, sea cual sea, me ayuda",
        "Hotel de cinco estrellas",
        "Cualquier duda, escríbeme cuando quieras",
        "Tienes 2 revisiones incluidas en el precio",
        "Valora el servicio con total sinceridad, por favor",
        "Tengo 5 años de experiencia en reformas",
        "Deja una reseña cuando puedas, ¡gracias!",
    ],
    "pt": [
        "Obrigado pela confiança",
        "obrigado pela confianca",
        "Entregue em 5 dias",
        "Entregue em cinco dias úteis",
        "Sua opinião me ajuda a melhorar",
        "Se precisar de alguma revisão, é só pedir",
        "Poderia avaliar o serviço?",
        "Foi um prazer trabalhar com você! Sua avaliação sincera ajuda muito",
        "Cliente nota 10! Obrigado pela parceria",
        "Me dá 5 minutos que envio a nota fiscal",
        "A opinião dos clientes é importante para mim",
        "Qualquer problema, fale comigo",
        "Instalei as 5 janelas da sala",
        "Obrigada! Avalie quando puder, com sinceridade 🙂",
        "Deixe uma avaliação quando puder",
        "Obrigado! Dá uma nota quando puder",
    ],
    "ar": [
        "شكرا لثقتك",
        "شكراً لثقتك 🙏",
        "رأيك يساعدني على التحسن",
        "أخبرني إذا كان هناك أي شيء يحتاج إلى تعديل",
        "إذا احتجت إلى أي تعديل فقط اطلب",
        "هل يمكنك تقييم الخدمة؟",
        "تم تسليم العمل خلال ٥ أيام",
        "تم تركيب النوافذ الخمس",
        "أعطني ٥ دقائق وسأرسل الفاتورة",
        "تقييمك الصادق يهمني مهما كان",
        "سعدت بالعمل معك على خمسات",
        "فندق خمس نجوم",
        "لست متأكدا من الموعد، سأخبرك غدا",
        "أتمنى أن يكون العمل قد نال إعجابك",
        "أرجو أن تقيم الخدمة بصراحة",
        "لو احتجت أي تعديل كلمني",
    ],
}


def _refused_cases() -> list[tuple[str, str, NoteProblem]]:
    return [(lang, text, problem) for lang, rows in REFUSED.items() for text, problem in rows]


def _accepted_cases() -> list[tuple[str, str]]:
    return [(lang, text) for lang, rows in ACCEPTED.items() for text in rows]


@pytest.mark.parametrize(("language", "note", "problem"), _refused_cases())
def test_refused_notes(checker: NoteChecker, language: str, note: str,
                       problem: NoteProblem) -> None:
    found = checker.findings(note)
    assert problem in {f.problem for f in found}, (language, note, normalise(note), found)
    assert checker.check(note) is not None


@pytest.mark.parametrize(("language", "note"), _accepted_cases())
def test_accepted_notes(checker: NoteChecker, language: str, note: str) -> None:
    assert checker.findings(note) == [], (language, note, normalise(note))
    assert checker.check(note) is None


@pytest.mark.parametrize("language", ["en", "es", "pt", "ar"])
def test_at_least_thirty_phrasings_per_language(language: str) -> None:
    assert len(REFUSED[language]) + len(ACCEPTED[language]) >= 30
    assert {p for _, p in REFUSED[language]} == set(NoteProblem)


# ------------------------------------------------------------------------------ findings


def test_finding_reports_language_and_original_fragment(checker: NoteChecker) -> None:
    finding = checker.check("¡Hola! Espero CINCO estrellas, porfa")
    assert finding == NoteFinding(ASK, "es", "CINCO estrellas")


def test_matched_fragment_keeps_arabic_diacritics_and_tatweel(checker: NoteChecker) -> None:
    finding = checker.check("أرجو خَمْسُ نُجـــومٍ")
    assert finding is not None
    assert finding.problem is ASK
    assert finding.language == "ar"
    assert finding.matched == "خَمْسُ نُجـــوم"


def test_findings_are_ordered_by_position(checker: NoteChecker) -> None:
    note = "Te hago un 10% de descuento si me valoras con cinco estrellas"
    problems = [f.problem for f in checker.findings(note)]
    assert problems[0] is GIFT
    assert ASK in problems


def test_empty_and_blank_notes_pass(checker: NoteChecker) -> None:
    assert checker.check("") is None
    assert checker.check("   \n\t ") is None


def test_every_language_file_is_loaded(checker: NoteChecker) -> None:
    assert set(checker.languages) == {"en", "es", "pt", "ar"}
    for language in checker.languages:
        problems = {p.problem for p in checker.patterns if p.language == language}
        assert problems == set(NoteProblem), language


# ------------------------------------------------------------------------- pattern files


def test_custom_patterns_dir(tmp_path: Path) -> None:
    (tmp_path / "xx.txt").write_text(
        "# test rules\n\nasks_for_rating: \\bgimme 5\\b\n"
        "offers_incentive: cadeau   # trailing text is part of the regex\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text("not a pattern file", encoding="utf-8")
    checker = NoteChecker(tmp_path)
    assert checker.check("GIMME FIVE") == NoteFinding(ASK, "xx", "GIMME FIVE")
    assert checker.check("thanks") is None


def test_patterns_may_be_written_with_accents_and_arabic_variants() -> None:
    [rule] = parse_pattern_file("asks_for_rating: avaliação máxima|تقييمٌ كاملة", "pt")
    assert rule.regex.search(normalise("AVALIAÇÃO MÁXIMA"))
    assert rule.regex.search(normalise("تقييم كاملة"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("asks_for_rating (5 stars)", "expected 'category: regex'"),
        ("wants_money: cash", "unknown category"),
        ("asks_for_rating: (5", "bad regex"),
        ("asks_for_rating:   ", "empty regex"),
        ("asks_for_rating: x?", "matches empty text"),
    ],
)
def test_bad_pattern_lines_are_reported(line: str, message: str) -> None:
    with pytest.raises(PatternFileError, match=r"xx\.txt:2") as error:
        parse_pattern_file(f"# header\n{line}\n", "xx")
    assert message in str(error.value)


def test_bad_file_fails_on_first_use_not_on_construction(tmp_path: Path) -> None:
    (tmp_path / "xx.txt").write_text("nonsense\n", encoding="utf-8")
    checker = NoteChecker(tmp_path)
    with pytest.raises(PatternFileError):
        checker.check("hello")


# ----------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dame CINCO Estrellas", "dame 5 estrellas"),
        ("avaliação máxima", "avaliacao maxima"),
        ("Sólo acepto un diez", "solo acepto un 10"),
        ("rate me five", "rate me 5"),
        ("one two three four five six seven eight nine ten", "1 2 3 4 5 6 7 8 9 10"),
        ("uno una dos tres cuatro seis siete ocho nueve diez", "1 1 2 3 4 6 7 8 9 10"),
        ("um uma dois duas três quatro oito nove dez", "1 1 2 2 3 4 8 9 10"),
        ("someone tenth fivefold dezembro", "someone tenth fivefold dezembro"),
        ("أعطني ٥ نجوم", "اعطني 5 نجوم"),
        ("۵ ستاره", "5 ستاره"),
        ("خَمْسُ نُجُومٍ", "5 نجوم"),
        ("خمـــس نجـــوم", "5 نجوم"),
        ("بخمسة نجوم", "ب 5 نجوم"),
        ("الخمس نجوم", "ال 5 نجوم"),
        ("واحد اثنين ثلاثة أربعة ستة سبعة ثمانية تسعة عشرة", "1 2 3 4 6 7 8 9 10"),
        ("لست راضيا", "لست راضيا"),
        ("خمسات", "خمسات"),
        ("إسلام آمن ٱلله مدرسة على", "اسلام امن الله مدرسه علي"),
        ("١٠/١٠", "10/10"),
        ("5⭐️", "5★"),
        ("☆☆☆🌟", "★★★★"),
        ("5️⃣ stars", "5 stars"),
        ("5stars", "5 stars"),
        ("خصم ١٠٪ ، شكرا؟", "خصم 10% , شكرا?"),
        ("I’ll  do\tit —\n now", "i'll do it - now"),
        ("ＦＩＶＥ", "5"),
        ("  Hello   World  ", "hello world"),
        ("Straße", "strasse"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1000))
def test_check_never_raises(text: str) -> None:
    checker = _SHARED
    result = checker.check(text)
    assert result is None or isinstance(result, NoteFinding)
    if result is not None:
        assert result.matched


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["5", "★", "٥", "خمس", "five", "cinco", "dez", "stars", "estrelas", "نجوم", " ",
             "\u0640", "\u064e", "é", "if not", "antes de", "قبل", "%", "/", "10", "rate me"]
        ),
        max_size=40,
    ).map("".join)
)
def test_check_never_raises_on_vocabulary_soup(text: str) -> None:
    _SHARED.findings(text)
    assert normalise(normalise(text)) == normalise(text)


_SHARED = NoteChecker()
