"""The shipped fast model on short textbook sentences, one per technique, written for this test
(not the taxonomy's own examples), and on words that are persuasive only in company."""

from __future__ import annotations

import pytest

from unspin import Analyzer

TEXTBOOK = {
    "Loaded_Language": "The senator's vile, poisonous plan will wreck our schools.",
    "Name_Calling,Labeling": "Those brainwashed leftist snowflakes are protesting again.",
    "Repetition": "Build the wall! Build the wall! We must build the wall!",
    "Doubt": "Is this so-called scientist really qualified to tell us anything?",
    "Exaggeration,Minimisation": "This is the worst disaster in the history of the world.",
    "Appeal_to_fear-prejudice": (
        "If we let them in, our children will not be safe in their own beds."
    ),
    "Flag-Waving": "Every proud American must stand up for our great nation.",
    "Causal_Oversimplification": "Immigrants are the only reason our wages are falling.",
    "Appeal_to_Authority": (
        "The world's leading scientists say this drug is safe, so it must be true."
    ),
    "Slogans": "Lock them up!",
    "Whataboutism,Straw_Men,Red_Herring": (
        "Why complain about our corruption when their party is far worse?"
    ),
    "Black-and-White_Fallacy": "You are either with us or you are with the terrorists.",
    "Thought-terminating_Cliches": "It is common sense, end of story.",
    "Bandwagon,Reductio_ad_hitlerum": (
        "Everyone is already joining the movement, so you should too."
    ),
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _named(analyzer: Analyzer) -> dict[str, bool]:
    return {
        technique: any(s.technique == technique for s in analyzer.analyze(sentence).spans)
        for technique, sentence in TEXTBOOK.items()
    }


@pytest.mark.xfail(
    strict=True,
    reason="issue 12: the fast model names 8 of these 14 today; the misses are spans it does "
    "not find at all (Appeal to Authority, Thought-terminating Cliché, Bandwagon), finds in "
    "part (Causal Oversimplification, Black-and-White Fallacy: one loaded word) or as one "
    "stretch named a Slogan (Repetition): detection, which a better technique classifier "
    "cannot repair. Remove this mark when a model passes.",
)
def test_the_fast_model_names_most_textbook_sentences(analyzer: Analyzer) -> None:
    named = _named(analyzer)
    missed = [t for t, ok in named.items() if not ok]
    assert sum(named.values()) >= 10, f"missed: {missed}"


@pytest.mark.parametrize(
    "sentence",
    [
        "Any true patriot will support the new border wall.",
        "Only a real patriot would stand with the workers tonight.",
        "A true friend tells you the truth, and a real expert admits doubt.",
    ],
)
def test_true_and_real_are_not_techniques_on_their_own(analyzer: Analyzer, sentence: str) -> None:
    for span in analyzer.analyze(sentence).spans:
        assert sentence[span.start : span.end].strip().lower() not in {"true", "real"}, span
