"""The 23-technique scheme of SemEval-2023 Task 3 and ArAIEval, as a refinement of PTC's 14.

Each of the 23 techniques is an unspin technique: the 14 that mean what an existing technique
means carry that technique's name (ArAIEval's ``Name_Calling-Labeling`` is PTC's
``Name_Calling,Labeling``, ``Questioning_the_Reputation`` is SemEval-2021's ``Smears``), the
other nine are techniques of their own that name the PTC technique they refine
(``Technique.refines``): PTC's ``Whataboutism,Straw_Men,Red_Herring`` is split into
Whataboutism, Straw Man, Red Herring and Appeal to Hypocrisy (PTC's guidelines define
whataboutism as a charge of hypocrisy), its ``Bandwagon,Reductio_ad_hitlerum`` into Appeal to
Popularity and Guilt by Association, its thought-terminating clichés are the Conversation
Killer; Appeal to Time and Consequential Oversimplification have no PTC counterpart.

Training uses the hierarchy both ways: a PTC label supervises its members where no finer
label exists (:func:`members`), and a fine prediction scores against PTC data as its PTC
technique (:func:`coarse`).
"""

from __future__ import annotations

from unspin.taxonomy.names import UnknownTechniqueError
from unspin.taxonomy.techniques import TECHNIQUES

ARAIEVAL_TO_UNSPIN: dict[str, str] = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
    "Appeal_to_Hypocrisy": "Appeal_to_Hypocrisy",
    "Appeal_to_Popularity": "Appeal_to_Popularity",
    "Appeal_to_Time": "Appeal_to_Time",
    "Appeal_to_Values": "Glittering_Generalities",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Consequential_Oversimplification": "Consequential_Oversimplification",
    "Conversation_Killer": "Conversation_Killer",
    "Doubt": "Doubt",
    "Exaggeration-Minimisation": "Exaggeration,Minimisation",
    "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
    "Flag_Waving": "Flag-Waving",
    "Guilt_by_Association": "Guilt_by_Association",
    "Loaded_Language": "Loaded_Language",
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Obfuscation-Vagueness-Confusion": "Obfuscation,Intentional_Vagueness,Confusion",
    "Questioning_the_Reputation": "Smears",
    "Red_Herring": "Red_Herring",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Straw_Man": "Straw_Man",
    "Whataboutism": "Whataboutism",
}
"""ArAIEval's (and SemEval-2023 Task 3's) technique names -> unspin's."""

UNSPIN_TO_ARAIEVAL: dict[str, str] = {v: k for k, v in ARAIEVAL_TO_UNSPIN.items()}

NO_TECHNIQUE = "no_technique"
"""ArAIEval's document label for a text without any technique."""

_PARENT = {t.name: t.refines for t in TECHNIQUES if t.refines}


def scheme23_techniques() -> list[str]:
    """The 23 techniques under unspin's names, in ArAIEval's (alphabetical) order."""
    return [ARAIEVAL_TO_UNSPIN[name] for name in sorted(ARAIEVAL_TO_UNSPIN)]


def from_araieval(name: str) -> str:
    """unspin's name for ArAIEval technique ``name``."""
    try:
        return ARAIEVAL_TO_UNSPIN[name]
    except KeyError:
        raise UnknownTechniqueError(f"unknown ArAIEval technique {name!r}") from None


def to_araieval(name: str) -> str:
    """ArAIEval's name for unspin technique ``name`` (one of the 23)."""
    try:
        return UNSPIN_TO_ARAIEVAL[name]
    except KeyError:
        raise UnknownTechniqueError(f"{name!r} is not one of the 23 ArAIEval techniques") from None


def coarse(name: str) -> str:
    """The PTC technique that ``name`` refines, or ``name`` itself."""
    return _PARENT.get(name, name)


def members(name: str, techniques: list[str]) -> list[str]:
    """The techniques of ``techniques`` that a label ``name`` stands for: ``name`` itself when it
    is one of them, else those that refine it (PTC's ``Bandwagon,Reductio_ad_hitlerum`` stands
    for Appeal to Popularity and Guilt by Association); empty when none does."""
    if name in techniques:
        return [name]
    return [t for t in techniques if _PARENT.get(t) == name]
