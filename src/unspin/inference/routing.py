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

``model`` (``--model``) overrides all of this, and :meth:`Router.named` gives a router that sends
every text to one installed model (the HTTP API's ``model`` field). Each analysis names the
model that read the text, and its warnings say when that model was not evaluated on the text's
language, or does not read it at all.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from unspin.inference.analyzer import DEFAULT_THRESHOLD, MAX_TEXT_CHARS, Analyzer, as_document
from unspin.inference.model_folder import (
    DEFAULT_MODEL_DIR,
    ModelConfig,
    ModelError,
    installed_models,
    model_names,
    resolve_model_dir,
)
from unspin.language import UNDETERMINED, detect_language, language_shares
from unspin.schema import Analysis, Document, ModelInfo

ENGLISH = "en"
MIXED_SHARE = 0.2
"""Share of an English text in another language from which it counts as mixed."""


class Router:
    """Analyses texts like an :class:`Analyzer`, each with the model chosen for its language.

    >>> router = Router()
    >>> router.model_for("هؤلاء الخونة يكذبون على الشعب")  # doctest: +SKIP
    PosixPath('.../unspin_e5_multilingual/model')
    """

    threshold = DEFAULT_THRESHOLD
    """The default threshold: every model's scores put its operating point at 0.5."""

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
        self._infos: dict[Path, ModelInfo] = {}
        self._loading = threading.Lock()

    @property
    def info(self) -> ModelInfo:
        """The fixed model, else the default one (for a text no language chooses for)."""
        return self.info_of(self.fixed or DEFAULT_MODEL_DIR)

    def info_for(self, text: str) -> ModelInfo:
        """The model that reads ``text``, as its analysis will name it."""
        return self.info_of(self.model_for(text))

    def info_of(self, folder: Path) -> ModelInfo:
        """The ModelInfo of the model in ``folder`` (without loading the model)."""
        if folder not in self._infos:
            config = self.models.get(folder) or ModelConfig.load(folder)
            self._infos[folder] = config.info(folder)
        return self._infos[folder]

    def infos(self) -> list[ModelInfo]:
        """The models a text may go to, the default first."""
        if self.fixed is not None:
            return [self.info]
        others = [folder for folder in self.models if folder != DEFAULT_MODEL_DIR]
        return [self.info_of(folder) for folder in [DEFAULT_MODEL_DIR, *others]]

    @cached_property
    def _names(self) -> dict[str, Path]:
        names = {n: folder for n, folder in model_names().items() if folder in self.models}
        names.update({config.name: folder for folder, config in self.models.items()})
        return names

    def named(self, name: str) -> Router:
        """This router with every text sent to the model called ``name`` (its own name,
        ``fast`` or a model package's name; never a folder), sharing the models loaded.

        ModelError when no candidate model goes by ``name``, or when this router's model is
        fixed and ``name`` is another.
        """
        folder = self._names.get(name)
        if self.fixed is not None:
            if folder != self.fixed and name != self.info.name:
                raise ModelError(
                    f"every text is read by {self.info.name} here (its model is fixed), "
                    f"not by {name!r}"
                )
            return self
        if folder is None:
            known = ", ".join(sorted(self._names))
            raise ModelError(f"no installed model is called {name!r} (installed: {known})")
        chosen = copy.copy(self)
        chosen.fixed = folder
        return chosen

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

    def load(self) -> Router:
        """Load the fixed model, else the default one, now rather than for the first text (so
        that a broken model fails at once); the others load when a text first needs them."""
        self.analyzer(self.fixed or DEFAULT_MODEL_DIR)
        return self

    def analyzer(self, folder: Path) -> Analyzer:
        """The Analyzer of ``folder``, loaded on first use (once, however many threads ask:
        the web app analyses in several)."""
        loaded = self._analyzers.get(folder)
        if loaded is None:
            with self._loading:
                loaded = self._analyzers.get(folder)
                if loaded is None:
                    loaded = Analyzer(folder, threads=self.threads, max_chars=self.max_chars)
                    self._analyzers[folder] = loaded
        return loaded

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
