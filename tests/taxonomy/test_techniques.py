"""The technique taxonomy and its SemEval-2021 mapping."""

from __future__ import annotations

import colorsys
from pathlib import Path

import pytest

from unspin.taxonomy import (
    ALIASES,
    PTC_TECHNIQUES,
    SEMEVAL2021_TO_UNSPIN,
    TECHNIQUES,
    UnknownTechniqueError,
    display_name,
    from_semeval2021,
    get_technique,
    scheme23_techniques,
    technique_names,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def test_fourteen_ptc_techniques_with_corpus_names() -> None:
    names = technique_names(ptc_only=True)
    assert len(names) == 14
    expected = {"Loaded_Language", "Name_Calling,Labeling", "Whataboutism,Straw_Men,Red_Herring"}
    assert expected <= set(names)


def test_every_technique_is_documented_and_coloured() -> None:
    assert len({t.name for t in TECHNIQUES}) == len(TECHNIQUES)
    assert len({t.color for t in TECHNIQUES}) == len(TECHNIQUES)
    for technique in TECHNIQUES:
        assert technique.display_name and technique.example
        assert len(technique.definition) > 60
        assert technique.color.startswith("#") and len(technique.color) == 7


def test_semeval2021_mapping_covers_twenty_techniques() -> None:
    assert len(SEMEVAL2021_TO_UNSPIN) == 20
    targets = set(SEMEVAL2021_TO_UNSPIN.values())
    assert targets <= {t.name for t in TECHNIQUES}
    scheme23_only = set(scheme23_techniques()) - targets
    extra = {t.name for t in TECHNIQUES if not t.in_ptc} - scheme23_only
    assert extra and extra <= targets
    assert from_semeval2021("Smears") == "Smears"
    assert get_technique("Flag-waving").name == "Flag-Waving"


def test_unknown_names() -> None:
    with pytest.raises(UnknownTechniqueError):
        get_technique("Nonsense")
    with pytest.raises(UnknownTechniqueError):
        from_semeval2021("Loaded_Language")


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("Loaded_Language", "Loaded_Language"),
        ("loaded language", "Loaded_Language"),
        ("Name_Calling,Labeling", "Name_Calling,Labeling"),
        ("name calling, labeling", "Name_Calling,Labeling"),
        ("NAME CALLING,LABELING", "Name_Calling,Labeling"),
        ("Appeal to Fear or Prejudice", "Appeal_to_fear-prejudice"),
        ("  Thought-Terminating   Cliché ", "Thought-terminating_Cliches"),
        ("Appeal to fear/prejudice", "Appeal_to_fear-prejudice"),
    ],
)
def test_resolve_any_name_in_any_case(given: str, name: str) -> None:
    assert get_technique(given).name == name


def test_every_corpus_and_display_name_resolves_to_itself() -> None:
    for technique in TECHNIQUES:
        assert get_technique(technique.name) is technique
        assert get_technique(technique.display_name.upper()) is technique


def test_resolve_unknown_name_says_so_and_suggests() -> None:
    with pytest.raises(UnknownTechniqueError) as foo:
        get_technique("Foo")
    assert foo.value.args[0] == "unknown technique 'Foo'"
    with pytest.raises(UnknownTechniqueError) as typo:
        get_technique("Loaded Languag")
    assert "did you mean 'Loaded_Language'?" in typo.value.args[0]


def test_display_names() -> None:
    assert display_name("Name_Calling,Labeling") == "Name Calling, Labeling"
    assert display_name("Appeal_to_fear-prejudice") == "Appeal to Fear or Prejudice"
    assert display_name("Not_In_Taxonomy") == "Not In Taxonomy"


@pytest.mark.skipif(not (DATA / "ptc").is_dir(), reason=f"PTC data not found under {DATA}")
def test_names_match_the_corpus_list() -> None:
    listed = (DATA / "ptc/train/propaganda-techniques-names-semeval2020task11.txt").read_text()
    assert set(listed.split()) == {t.name for t in PTC_TECHNIQUES}


@pytest.mark.skipif(not (DATA / "semeval2021t6").is_dir(), reason=f"no SemEval-2021 data in {DATA}")
def test_semeval2021_names_match_the_task_list() -> None:
    listed = (DATA / "semeval2021t6/techniques_list_task1-2.txt").read_text(encoding="utf-8")
    assert {line.strip() for line in listed.splitlines() if line.strip()} == set(
        SEMEVAL2021_TO_UNSPIN
    )


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("name calling", "Name_Calling,Labeling"),
        ("Name_Calling", "Name_Calling,Labeling"),
        ("appeal to fear", "Appeal_to_fear-prejudice"),
        ("Appeal-to-Fear!", "Appeal_to_fear-prejudice"),
        ("false dilemma", "Black-and-White_Fallacy"),
        ("black & white fallacy", "Black-and-White_Fallacy"),
        ("straw-man", "Straw_Man"),  # a technique of its own in the 23-technique scheme
        ("straw men", "Whataboutism,Straw_Men,Red_Herring"),
        ("flag waving", "Flag-Waving"),
        ("thought terminating cliche", "Thought-terminating_Cliches"),
    ],
)
def test_everyday_names_and_any_punctuation_resolve(given: str, name: str) -> None:
    assert get_technique(given).name == name


def test_a_near_miss_suggests_the_technique_and_reads_cleanly() -> None:
    with pytest.raises(UnknownTechniqueError) as typo:
        get_technique("apeal to fear")
    assert (
        str(typo.value)
        == "unknown technique 'apeal to fear' (did you mean 'Appeal_to_fear-prejudice'?)"
    )
    assert all(get_technique(target) for target in ALIASES.values())


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hue(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_every_colour_reads_on_the_card_and_in_a_dark_terminal() -> None:
    for technique in TECHNIQUES:
        assert _contrast(technique.color, "#ffffff") >= 3, technique.name
        assert _contrast(technique.color, "#000000") >= 3, technique.name
    assert len({t.color for t in TECHNIQUES}) == len(TECHNIQUES)


def test_no_two_techniques_are_a_red_green_pair() -> None:
    hues = [_hue(t.color) for t in TECHNIQUES]
    reds = [h for h in hues if h >= 330 or h <= 30]
    greens = [h for h in hues if 60 <= h <= 170]
    assert reds and not greens
