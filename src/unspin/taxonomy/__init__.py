"""Persuasion technique taxonomy: PTC's 14 techniques, the SemEval-2021 mapping, and the
23-technique scheme of SemEval-2023 and ArAIEval as a refinement of PTC's."""

from unspin.taxonomy.names import (
    ALIASES,
    SEMEVAL2021_TO_UNSPIN,
    UnknownTechniqueError,
    display_name,
    from_semeval2021,
    get_technique,
    semeval2021_names,
    technique_names,
    techniques_as_json,
)
from unspin.taxonomy.scheme23 import (
    ARAIEVAL_TO_UNSPIN,
    coarse,
    from_araieval,
    members,
    scheme23_techniques,
    to_araieval,
)
from unspin.taxonomy.techniques import PTC_TECHNIQUES, TECHNIQUES, Technique

__all__ = [
    "ALIASES",
    "ARAIEVAL_TO_UNSPIN",
    "PTC_TECHNIQUES",
    "SEMEVAL2021_TO_UNSPIN",
    "TECHNIQUES",
    "Technique",
    "UnknownTechniqueError",
    "coarse",
    "display_name",
    "from_araieval",
    "from_semeval2021",
    "get_technique",
    "members",
    "scheme23_techniques",
    "semeval2021_names",
    "technique_names",
    "techniques_as_json",
    "to_araieval",
]
