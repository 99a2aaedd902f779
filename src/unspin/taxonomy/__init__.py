"""Persuasion technique taxonomy: PTC's 14 techniques and the SemEval-2021 mapping."""

from unspin.taxonomy.techniques import (
    ALIASES,
    PTC_TECHNIQUES,
    SEMEVAL2021_TO_UNSPIN,
    TECHNIQUES,
    Technique,
    UnknownTechniqueError,
    display_name,
    from_semeval2021,
    get_technique,
    semeval2021_names,
    technique_names,
    techniques_as_json,
)

__all__ = [
    "ALIASES",
    "PTC_TECHNIQUES",
    "SEMEVAL2021_TO_UNSPIN",
    "TECHNIQUES",
    "Technique",
    "UnknownTechniqueError",
    "display_name",
    "from_semeval2021",
    "get_technique",
    "semeval2021_names",
    "technique_names",
    "techniques_as_json",
]
