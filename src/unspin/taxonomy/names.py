"""Technique names as people and other schemes write them: exact corpus names, display names,
SemEval-2021 names and aliases, matched ignoring case and punctuation, with a did-you-mean."""

from __future__ import annotations

import difflib
import re
import unicodedata

from unspin.errors import UnspinError
from unspin.taxonomy.techniques import PTC_TECHNIQUES, TECHNIQUES, Technique

_BY_NAME: dict[str, Technique] = {t.name: t for t in TECHNIQUES}

SEMEVAL2021_TO_UNSPIN: dict[str, str] = {
    "Appeal to authority": "Appeal_to_Authority",
    "Appeal to fear/prejudice": "Appeal_to_fear-prejudice",
    "Black-and-white Fallacy/Dictatorship": "Black-and-White_Fallacy",
    "Causal Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration/Minimisation": "Exaggeration,Minimisation",
    "Flag-waving": "Flag-Waving",
    "Loaded Language": "Loaded_Language",
    "Name calling/Labeling": "Name_Calling,Labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating cliché": "Thought-terminating_Cliches",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Misrepresentation of Someone's Position (Straw Man)": "Whataboutism,Straw_Men,Red_Herring",
    "Presenting Irrelevant Data (Red Herring)": "Whataboutism,Straw_Men,Red_Herring",
    "Bandwagon": "Bandwagon,Reductio_ad_hitlerum",
    "Reductio ad hitlerum": "Bandwagon,Reductio_ad_hitlerum",
    "Smears": "Smears",
    "Glittering generalities (Virtue)": "Glittering_Generalities",
    "Obfuscation, Intentional vagueness, Confusion": "Obfuscation,Intentional_Vagueness,Confusion",
}


class UnknownTechniqueError(UnspinError, KeyError):
    """Raised for a name that no technique goes by; ``args[0]`` is a message for people."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


ALIASES: dict[str, str] = {
    "loaded": "Loaded_Language",
    "emotional language": "Loaded_Language",
    "name calling": "Name_Calling,Labeling",
    "labeling": "Name_Calling,Labeling",
    "labelling": "Name_Calling,Labeling",
    "exaggeration": "Exaggeration,Minimisation",
    "minimisation": "Exaggeration,Minimisation",
    "minimization": "Exaggeration,Minimisation",
    "appeal to fear": "Appeal_to_fear-prejudice",
    "appeal to prejudice": "Appeal_to_fear-prejudice",
    "fear": "Appeal_to_fear-prejudice",
    "flag waving": "Flag-Waving",
    "oversimplification": "Causal_Oversimplification",
    "authority": "Appeal_to_Authority",
    "slogan": "Slogans",
    "straw men": "Whataboutism,Straw_Men,Red_Herring",
    "strawman": "Straw_Man",
    "black and white": "Black-and-White_Fallacy",
    "false dilemma": "Black-and-White_Fallacy",
    "false dichotomy": "Black-and-White_Fallacy",
    "dictatorship": "Black-and-White_Fallacy",
    "thought terminating cliche": "Thought-terminating_Cliches",
    "cliche": "Thought-terminating_Cliches",
    "bandwagon": "Bandwagon,Reductio_ad_hitlerum",
    "reductio ad hitlerum": "Bandwagon,Reductio_ad_hitlerum",
    "smear": "Smears",
    "glittering generalities": "Glittering_Generalities",
    "virtue words": "Glittering_Generalities",
    "obfuscation": "Obfuscation,Intentional_Vagueness,Confusion",
    "vagueness": "Obfuscation,Intentional_Vagueness,Confusion",
    "intentional vagueness": "Obfuscation,Intentional_Vagueness,Confusion",
}
"""Short and everyday names people use for a technique (compared after ``_folded``)."""


def _folded(name: str) -> str:
    """``name`` without case, accents and punctuation: ``Name_Calling,`` -> ``name calling``."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


_BY_ANY_NAME: dict[str, Technique] = {
    **{_folded(alias): _BY_NAME[target] for alias, target in ALIASES.items()},
    **{_folded(semeval): _BY_NAME[target] for semeval, target in SEMEVAL2021_TO_UNSPIN.items()},
    **{_folded(t.display_name): t for t in TECHNIQUES},
    **{_folded(t.name): t for t in TECHNIQUES},
}


def get_technique(name: str) -> Technique:
    """The technique a person or a corpus means by ``name``.

    ``name`` may be the corpus name (``Name_Calling,Labeling``), the display name, a
    SemEval-2021 name or a common alias (``name calling``, ``appeal to fear``, ``straw man``),
    in any letter case, with any punctuation. An unknown name raises
    :class:`UnknownTechniqueError`, whose message names the closest known technique, if any.
    """
    technique = _BY_NAME.get(name) or _BY_ANY_NAME.get(_folded(name))
    if technique is not None:
        return technique
    close = difflib.get_close_matches(_folded(name), list(_BY_ANY_NAME), n=1, cutoff=0.75)
    hint = f" (did you mean {_BY_ANY_NAME[close[0]].name!r}?)" if close else ""
    raise UnknownTechniqueError(f"unknown technique {name!r}{hint}")


def display_name(name: str) -> str:
    """How to show the technique with corpus name ``name`` to people (``Appeal to Fear or
    Prejudice``); a name outside the taxonomy is shown with its underscores as spaces."""
    technique = _BY_NAME.get(name)
    return technique.display_name if technique else name.replace("_", " ")


def from_semeval2021(name: str) -> str:
    """Map a SemEval-2021 Task 6 technique name onto unspin's technique name."""
    try:
        return SEMEVAL2021_TO_UNSPIN[name]
    except KeyError:
        raise UnknownTechniqueError(name) from None


def technique_names(ptc_only: bool = False) -> list[str]:
    """All technique names, in taxonomy order."""
    return [t.name for t in (PTC_TECHNIQUES if ptc_only else TECHNIQUES)]


def semeval2021_names(technique: Technique) -> list[str]:
    """The SemEval-2021 Task 6 techniques that map onto ``technique``."""
    return [name for name, target in SEMEVAL2021_TO_UNSPIN.items() if target == technique.name]


def techniques_as_json() -> list[dict[str, object]]:
    """The taxonomy as JSON-ready dicts (``unspin techniques --json``, ``/api/techniques``)."""
    from unspin.taxonomy.scheme23 import UNSPIN_TO_ARAIEVAL  # it builds on this module

    return [
        {
            "name": t.name,
            "display_name": t.display_name,
            "definition": t.definition,
            "example": t.example,
            "color": t.color,
            "in_ptc": t.in_ptc,
            "semeval2021": semeval2021_names(t),
            "araieval": UNSPIN_TO_ARAIEVAL.get(t.name),
            "refines": t.refines,
        }
        for t in TECHNIQUES
    ]
