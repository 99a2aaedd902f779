"""The technique taxonomy and its SemEval-2021 mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.taxonomy import (
    PTC_TECHNIQUES,
    SEMEVAL2021_TO_UNSPIN,
    TECHNIQUES,
    UnknownTechniqueError,
    display_name,
    from_semeval2021,
    get_technique,
    resolve_technique,
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
    extra = {t.name for t in TECHNIQUES if not t.in_ptc}
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
    assert resolve_technique(given).name == name


def test_every_corpus_and_display_name_resolves_to_itself() -> None:
    for technique in TECHNIQUES:
        assert resolve_technique(technique.name) is technique
        assert resolve_technique(technique.display_name.upper()) is technique


def test_resolve_unknown_name_says_so_and_suggests() -> None:
    with pytest.raises(UnknownTechniqueError) as foo:
        resolve_technique("Foo")
    assert foo.value.args[0] == "unknown technique 'Foo'"
    with pytest.raises(UnknownTechniqueError) as typo:
        resolve_technique("Loaded Languag")
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
