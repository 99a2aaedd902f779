"""The 23-technique scheme (SemEval-2023, ArAIEval) as a refinement of PTC's 14."""

from __future__ import annotations

import pytest

from unspin.taxonomy import (
    ARAIEVAL_TO_UNSPIN,
    PTC_TECHNIQUES,
    TECHNIQUES,
    UnknownTechniqueError,
    coarse,
    from_araieval,
    members,
    scheme23_techniques,
    to_araieval,
)


def test_twenty_three_distinct_unspin_techniques() -> None:
    names = scheme23_techniques()
    assert len(set(names)) == 23
    assert set(names) <= {t.name for t in TECHNIQUES}
    assert all(to_araieval(from_araieval(a)) == a for a in ARAIEVAL_TO_UNSPIN)


def test_shared_techniques_keep_the_unspin_name() -> None:
    assert from_araieval("Name_Calling-Labeling") == "Name_Calling,Labeling"
    assert from_araieval("False_Dilemma-No_Choice") == "Black-and-White_Fallacy"
    assert from_araieval("Questioning_the_Reputation") == "Smears"
    with pytest.raises(UnknownTechniqueError):
        from_araieval("Name_Calling,Labeling")
    with pytest.raises(UnknownTechniqueError):
        to_araieval("Thought-terminating_Cliches")


def test_every_refinement_names_a_ptc_technique() -> None:
    ptc = {t.name for t in PTC_TECHNIQUES}
    refined = [t for t in TECHNIQUES if t.refines]
    assert refined
    assert all(t.refines in ptc for t in refined)
    assert coarse("Straw_Man") == "Whataboutism,Straw_Men,Red_Herring"
    assert coarse("Loaded_Language") == "Loaded_Language"


def test_a_ptc_label_stands_for_its_members_in_the_fine_scheme() -> None:
    fine = scheme23_techniques()
    assert members("Bandwagon,Reductio_ad_hitlerum", fine) == [
        "Appeal_to_Popularity",
        "Guilt_by_Association",
    ]
    assert set(members("Whataboutism,Straw_Men,Red_Herring", fine)) == {
        "Whataboutism",
        "Straw_Man",
        "Red_Herring",
        "Appeal_to_Hypocrisy",
    }
    assert members("Thought-terminating_Cliches", fine) == ["Conversation_Killer"]
    assert members("Doubt", fine) == ["Doubt"]
    # Every PTC technique supervises at least one of the 23.
    assert all(members(t.name, fine) for t in PTC_TECHNIQUES)
