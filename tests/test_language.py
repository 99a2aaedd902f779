"""unspin.language: the offline language guess, on texts written for these tests."""

from __future__ import annotations

import pytest

from unspin.language import UNDETERMINED, LanguageGuess, detect_language, language_name

STATEMENTS = {
    "ar": "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب ويكذبون على الشعب كل يوم.",
    "fa": "این خائنان در دولت وطن را به بیگانگان فروختند و هر روز به مردم دروغ می‌گویند.",
    "ur": "حکومت میں بیٹھے یہ غدار وطن کو غیروں کے ہاتھ بیچ چکے ہیں اور عوام سے جھوٹ بولتے ہیں۔",
    "ru": "Эти предатели в правительстве продали родину иностранцам и каждый день лгут народу.",
    "tr": "Hükümetteki bu hainler vatanı yabancılara sattı ve her gün halka yalan söylüyor.",
    "fr": "Ces traîtres au gouvernement ont vendu la patrie aux étrangers et mentent chaque jour.",
    "en": "These traitors in the government sold the homeland to foreigners and lie every day.",
}


@pytest.mark.parametrize("code", sorted(STATEMENTS))
def test_a_one_sentence_statement_gets_its_language(code: str) -> None:
    guess = detect_language(STATEMENTS[code])
    assert guess.code == code
    assert guess.sure


@pytest.mark.parametrize("code", sorted(STATEMENTS))
def test_a_long_text_gets_its_language(code: str) -> None:
    text = "\n\n".join([STATEMENTS[code]] * 300)
    assert detect_language(text).code == code


def test_an_english_report_quoting_arabic_is_english() -> None:
    text = (
        "The group's leader told supporters that «هؤلاء الخونة في الحكومة باعوا الوطن للأجانب» "
        "before the rally ended, according to a transcript seen by reporters."
    )
    assert detect_language(text).code == "en"


def test_a_slogan_gets_an_unsure_guess() -> None:
    guess = detect_language("هذه مؤامرة!")
    assert guess.code == "ar"
    assert not guess.sure
    assert 0 < guess.confidence < 0.5


@pytest.mark.parametrize("text", ["", "   \n", "12 345 6789", "😀😀 👍", "---"])
def test_no_letters_no_language(text: str) -> None:
    assert detect_language(text) == LanguageGuess(UNDETERMINED, 0.0)


def test_control_characters_and_noncharacters_do_not_stop_it() -> None:
    text = "a\x00b \x85 \ufffe \U0010ffff " + STATEMENTS["fr"] + "\x1b[31m"
    assert detect_language(text).code == "fr"


def test_the_same_text_always_gets_the_same_guess() -> None:
    guesses = {detect_language(STATEMENTS["ur"]) for _ in range(5)}
    assert len(guesses) == 1


def test_names_and_round_trip() -> None:
    guess = detect_language(STATEMENTS["fa"])
    assert guess.name == "Persian" == language_name("fa")
    assert language_name(UNDETERMINED) == "an unknown language"
    assert LanguageGuess.from_dict(guess.to_dict()) == guess
