"""unspin as a spaCy pipeline component: ``nlp.add_pipe("unspin")`` (needs ``unspin[spacy]``).

The factory is registered through spaCy's ``spacy_factories`` entry point, so any pipeline
finds it once unspin is installed, ``spacy.blank("en")`` included::

    nlp = spacy.blank("en")
    nlp.add_pipe("unspin", config={"model": "fast", "threshold": 0.5})
    doc = nlp("Only a traitor would vote against this glorious plan.")
    for span in doc.spans["unspin"]:
        print(span.text, span.label_, span._.unspin_score)

Each technique span of the :class:`~unspin.Analyzer` becomes a spaCy ``Span`` in
``doc.spans[spans_key]``, labelled with the technique's corpus name. Its score is
``span._.unspin_score``; the group also keeps the scores in span order in
``doc.spans[spans_key].attrs["scores"]`` (where spaCy's span categorizer keeps its own).

Token alignment: spaCy spans are whole tokens, unspin's are characters. With
``alignment_mode="expand"`` (the default) a span edge inside a token takes in the whole token,
so the spaCy span covers at least unspin's characters; ``"contract"`` drops the partial tokens
instead (a span inside one token is then left out), ``"strict"`` leaves out every span whose
edges are not token edges. Either way ``span._.unspin_chars`` keeps unspin's own ``(start,
end)`` character offsets, and ``attrs["unaligned"]`` counts the spans left out.

A span's ``id_`` is ``"<spans_key>:<position in the group>"``: unspin often finds two
techniques on the same stretch of text, and spaCy keys ``Span._`` values by offsets alone, so
the two extensions read the group's ``attrs`` through it rather than store a value per span.

``nlp.pipe`` analyses its documents together with ``Analyzer.analyze_batch``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.tokens import Span as SpacySpan

from unspin.inference import Analyzer
from unspin.schema import Span
from unspin.taxonomy import TECHNIQUES

SCORE = "unspin_score"
CHARS = "unspin_chars"
ALIGNMENT_MODES = ("expand", "contract", "strict")


def _group_value(span: SpacySpan, name: str) -> Any:
    """The group attribute ``name`` at this span's position (None for other spans)."""
    key, _, position = span.id_.rpartition(":")
    group = span.doc.spans.get(key) if key else None
    if group is None or name not in group.attrs or not position.isdigit():
        return None
    return group.attrs[name][int(position)]


if not SpacySpan.has_extension(SCORE):
    SpacySpan.set_extension(SCORE, getter=lambda span: _group_value(span, "scores"))
if not SpacySpan.has_extension(CHARS):
    SpacySpan.set_extension(CHARS, getter=lambda span: _group_value(span, "char_offsets"))


class UnspinComponent:
    """Finds technique spans in each Doc and puts them in ``doc.spans[spans_key]``."""

    def __init__(
        self,
        analyzer: Analyzer,
        spans_key: str = "unspin",
        alignment_mode: str = "expand",
    ) -> None:
        if alignment_mode not in ALIGNMENT_MODES:
            raise ValueError(
                f"alignment_mode must be one of {', '.join(ALIGNMENT_MODES)}, "
                f"got {alignment_mode!r}"
            )
        self.analyzer = analyzer
        self.spans_key = spans_key
        self.alignment_mode = alignment_mode

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate([doc])[0]

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Annotate ``stream`` a batch at a time (``nlp.pipe``'s ``batch_size``), one
        ``analyze_batch`` call per batch."""
        docs = iter(stream)
        while batch := list(itertools.islice(docs, batch_size)):
            yield from self._annotate(batch)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        """Analyse the docs that hold text (the Analyzer refuses blank ones) in one batch; a
        blank doc gets an empty group."""
        texts = [doc for doc in docs if doc.text.strip()]
        analyses = self.analyzer.analyze_batch([doc.text for doc in texts])
        found = {id(doc): analysis.spans for doc, analysis in zip(texts, analyses, strict=True)}
        for doc in docs:
            self._set_spans(doc, found.get(id(doc), []))
        return docs

    def _set_spans(self, doc: Doc, found: list[Span]) -> None:
        spans: list[SpacySpan] = []
        scores: list[float] = []
        offsets: list[tuple[int, int]] = []
        for span_found in found:
            span = doc.char_span(
                span_found.start,
                span_found.end,
                label=span_found.technique,
                alignment_mode=self.alignment_mode,
                span_id=f"{self.spans_key}:{len(spans)}",
            )
            if span is not None:
                spans.append(span)
                scores.append(span_found.score)
                offsets.append((span_found.start, span_found.end))
        group = SpanGroup(doc, name=self.spans_key, spans=spans)
        group.attrs.update(scores=scores, char_offsets=offsets, unaligned=len(found) - len(spans))
        doc.spans[self.spans_key] = group


@Language.factory(
    "unspin",
    default_config={
        "model": "fast",
        "threshold": 0.5,
        "spans_key": "unspin",
        "alignment_mode": "expand",
    },
)
def make_unspin(
    nlp: Language,
    name: str,
    model: str,
    threshold: float,
    spans_key: str,
    alignment_mode: str,
) -> UnspinComponent:
    """spaCy's factory for the ``unspin`` component (``model``: a folder or a shipped name)."""
    return UnspinComponent(Analyzer(model, threshold=threshold), spans_key, alignment_mode)


def displacy_options(spans_key: str = "unspin") -> dict[str, Any]:
    """Options for ``displacy.render(doc, style="span", options=...)``: unspin's colours."""
    return {"spans_key": spans_key, "colors": {t.name: t.color for t in TECHNIQUES}}
