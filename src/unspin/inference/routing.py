"""Send each text to the model for its language.

- A text in English goes to the fast English model (the shipped default).
- A text in another language goes to an installed model that reads it and was evaluated on
  it; failing that, to one that reads it (the multilingual model reads the ~100 languages of
  its encoder, evaluated on Arabic and English only); failing that, to the default model,
  whose analysis then warns that it does not read the language.
- A mixed text goes where its main language goes, except that an English text with a sizeable
  share (``MIXED_SHARE``) of another language the multilingual model reads goes to that model:
  statements often quote Arabic inside English, and the English model would not read the
  quotation, while the multilingual model reads both (and was evaluated on both).
- A text whose language cannot be told goes to the default model.

``model`` (``--model``) overrides all of this. Each analysis names the model that read the
text, and its warnings say when that model was not evaluated on the text's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from unspin.inference.analyzer import MAX_TEXT_CHARS, Analyzer, as_document
from unspin.inference.model_folder import (
    DEFAULT_MODEL_DIR,
    ModelConfig,
    installed_models,
    resolve_model_dir,
)
from unspin.language import UNDETERMINED, detect_language, language_shares
from unspin.schema import Analysis, Document

ENGLISH = "en"
MIXED_SHARE = 0.2
"""Share of an English text in another language from which it counts as mixed."""


class Router:
    """Analyses texts like an :class:`Analyzer`, each with the model chosen for its language.

    >>> router = Router()
    >>> router.model_for("هؤلاء الخونة يكذبون على الشعب")  # doctest: +SKIP
    PosixPath('.../unspin_e5_multilingual/model')
    """

    def __init__(
        self,
        model: str | Path | None = None,
        threads: int | None = None,
        models: dict[Path, ModelConfig] | None = None,
        max_chars: int = MAX_TEXT_CHARS,
    ) -> None:
        """``model`` fixes the model for every text; ``models`` are the candidates (default:
        the installed models)."""
        self.fixed = resolve_model_dir(model) if model is not None else None
        self.models = models if models is not None else installed_models()
        self.threads = threads
        self.max_chars = max_chars
        self._analyzers: dict[Path, Analyzer] = {}

    def model_for(self, text: str) -> Path:
        """The model folder that should read ``text``."""
        if self.fixed is not None:
            return self.fixed
        language = detect_language(text).code
        if language == ENGLISH:
            others = [code for code in language_shares(text) if code != ENGLISH]
            mixed = [c for c in others if language_shares(text)[c] >= MIXED_SHARE]
            reader = self._reader(mixed[0], also=ENGLISH) if mixed else None
            return reader or DEFAULT_MODEL_DIR
        if language == UNDETERMINED:
            return DEFAULT_MODEL_DIR
        return self._reader(language) or DEFAULT_MODEL_DIR

    def _reader(self, language: str, also: str | None = None) -> Path | None:
        """The model that reads ``language`` (and ``also``), evaluated ones first."""
        readers = [
            (folder, config)
            for folder, config in self.models.items()
            if language in config.languages and (also is None or also in config.languages)
        ]
        evaluated = [
            folder
            for folder, config in readers
            if config.evaluated_languages is None or language in config.evaluated_languages
        ]
        candidates = evaluated or [folder for folder, _ in readers]
        return candidates[0] if candidates else None

    def analyzer(self, folder: Path) -> Analyzer:
        """The Analyzer of ``folder``, loaded on first use."""
        if folder not in self._analyzers:
            self._analyzers[folder] = Analyzer(folder, threads=self.threads)
        return self._analyzers[folder]

    def analyze(self, item: str | Document, threshold: float | None = None) -> Analysis:
        """Analyse one text or Document."""
        return self.analyze_batch([item], threshold=threshold)[0]

    def analyze_batch(
        self, items: Iterable[str | Document], threshold: float | None = None
    ) -> list[Analysis]:
        """Analyse many texts, each with its model; results in the order of ``items``."""
        documents = [as_document(item, n) for n, item in enumerate(items)]
        groups: dict[Path, list[int]] = {}
        for index, document in enumerate(documents):
            groups.setdefault(self.model_for(document.text), []).append(index)
        results: list[Analysis | None] = [None] * len(documents)
        for folder, indices in groups.items():
            chosen: Sequence[Document] = [documents[i] for i in indices]
            analyses = self.analyzer(folder).analyze_batch(chosen, threshold=threshold)
            for index, analysis in zip(indices, analyses, strict=True):
                results[index] = analysis
        return [a for a in results if a is not None]
