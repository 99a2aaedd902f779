"""unspin's data model: a document, the technique spans found in it, and their analysis.

Offsets are half-open ``[start, end)`` indices into ``Document.text`` as a Python ``str``, i.e.
Unicode code points. JSON carries the same indices, so a span survives any round trip unchanged.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from unspin.errors import UnspinError
from unspin.language import UNDETERMINED, LanguageGuess, language_name
from unspin.schema.sentences import sentence_spans

SCHEMA_VERSION = "unspin.analysis/1"
"""Version tag written into every serialised analysis; bumped on any incompatible change."""


class SchemaError(UnspinError, ValueError):
    """Raised when data does not fit unspin's data model (bad offsets, wrong types, ...)."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_unicode(value: str, what: str) -> None:
    """Raise SchemaError when ``value`` holds a lone UTF-16 surrogate.

    JSON's ``"\\ud800"`` escapes produce such strings: they are not valid Unicode, cannot be
    written as UTF-8, and the tokenizer refuses them.
    """
    found = _SURROGATE.search(value)
    if found:
        raise SchemaError(
            f"{what} has an unpaired UTF-16 surrogate at character {found.start()}: "
            "not valid Unicode"
        )


def _check_nested_unicode(value: Any, what: str) -> None:
    """``check_unicode`` on a string, or on every key and string inside dicts and lists."""
    if isinstance(value, str):
        check_unicode(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_nested_unicode(key, what)
            _check_nested_unicode(item, what)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_nested_unicode(item, what)


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of text ``[start, end)`` that uses ``technique``, with a confidence ``score``."""

    start: int
    end: int
    technique: str
    score: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.start, int) or not isinstance(self.end, int):
            raise SchemaError(f"span offsets must be integers, got {self.start!r}, {self.end!r}")
        if not 0 <= self.start < self.end:
            raise SchemaError(f"span needs 0 <= start < end, got [{self.start}, {self.end})")
        if not self.technique:
            raise SchemaError("span technique must not be empty")
        if not 0.0 <= self.score <= 1.0:
            raise SchemaError(f"span score must lie in [0, 1], got {self.score}")

    def text_in(self, text: str) -> str:
        """The characters of ``text`` this span covers."""
        return text[self.start : self.end]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "technique": self.technique,
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        try:
            return cls(
                start=data["start"],
                end=data["end"],
                technique=data["technique"],
                score=float(data.get("score", 1.0)),
            )
        except KeyError as missing:
            raise SchemaError(f"span is missing field {missing}") from None
        except TypeError as error:
            raise SchemaError(f"span has a field of the wrong type: {error}") from None


def in_reading_order(spans: Iterable[Span]) -> list[Span]:
    """``spans`` by start, the longer first where two start together, then by technique.

    The order of an analysis's spans everywhere: JSON, the terminal's numbers, the web page.
    """
    return sorted(spans, key=lambda s: (s.start, -s.end, s.technique))


@dataclass
class Document:
    """A text to analyse, with optional metadata about where it came from."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    language: str | None = None
    author: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise SchemaError(f"document {self.id!r}: text must be a string")
        if not isinstance(self.id, str) or not self.id:
            raise SchemaError("document id must be a non-empty string")
        check_unicode(self.id, "document id")
        check_unicode(self.text, f"document {self.id!r}: text")
        for name in ("title", "source", "url", "language", "author", "metadata"):
            _check_nested_unicode(getattr(self, name), f"document {self.id!r}: {name}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
            "author": self.author,
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        if not isinstance(data, dict):
            raise SchemaError(f"a document must be a JSON object, got {type(data).__name__}")
        if "text" not in data:
            raise SchemaError("document is missing field 'text'")
        published = data.get("published")
        return cls(
            id=str(data.get("id") or ""),
            text=data["text"],
            title=data.get("title"),
            source=data.get("source"),
            url=data.get("url"),
            published=parse_date(published) if published else None,
            language=data.get("language"),
            author=data.get("author"),
            metadata=dict(data.get("metadata") or {}),
        )


def parse_date(value: str | date) -> date:
    """Parse an ISO date (``2020-03-01``) or timestamp (``2020-03-01T12:00:00Z``) to a date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise SchemaError(f"not an ISO date: {value!r}") from None


@dataclass(frozen=True)
class ModelInfo:
    """Which model produced an analysis."""

    name: str
    version: str
    fingerprint: str | None = None
    """Digest of the weights, tokenizer and decoding settings: it tells apart two models
    that carry the same name and version."""
    languages: tuple[str, ...] = ("en",)
    """ISO 639 codes of the languages the model reads."""
    evaluated: tuple[str, ...] | None = None
    """The languages among ``languages`` whose scores were measured (None: all of them)."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "version": self.version}
        if self.fingerprint:
            data["fingerprint"] = self.fingerprint
        data["languages"] = list(self.languages)
        if self.evaluated is not None:
            data["evaluated_languages"] = list(self.evaluated)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelInfo:
        """Read ``to_dict``'s form; an analysis saved before ``languages`` existed is English."""
        return cls(
            name=str(data["name"]),
            version=str(data["version"]),
            fingerprint=str(data["fingerprint"]) if data.get("fingerprint") else None,
            languages=tuple(str(code) for code in data.get("languages") or ("en",)),
            evaluated=(
                tuple(str(code) for code in data["evaluated_languages"])
                if data.get("evaluated_languages") is not None
                else None
            ),
        )

    def reads(self, language: str) -> bool:
        """Whether the model reads ``language`` (an ISO 639 code)."""
        return language in self.languages

    def evaluated_on(self, language: str) -> bool:
        """Whether the model's scores were measured on ``language``."""
        return self.reads(language) and (self.evaluated is None or language in self.evaluated)

    def languages_named(self, evaluated: bool = False) -> str:
        """The model's languages (``evaluated``: those measured) in words: ``"English"``,
        ``"Arabic and English"``."""
        codes = self.evaluated if evaluated and self.evaluated is not None else self.languages
        names = [language_name(code) for code in codes]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Summary:
    """Document-level figures derived from an analysis."""

    technique_counts: dict[str, int]
    sentences: int
    sentences_with_technique: int

    @property
    def sentence_share(self) -> float:
        """Share of sentences that overlap at least one span (0 for an empty document)."""
        return self.sentences_with_technique / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique_counts": self.technique_counts,
            "sentences": self.sentences,
            "sentences_with_technique": self.sentences_with_technique,
            "sentence_share": self.sentence_share,
        }


@dataclass
class Analysis:
    """The spans a model found in one document, and the language the document seems to be in.

    ``language`` is detected from the text (``Document.language`` is what its source said).
    """

    document: Document
    spans: list[Span]
    model: ModelInfo
    language: LanguageGuess | None = None

    def __post_init__(self) -> None:
        length = len(self.document.text)
        for span in self.spans:
            if span.end > length:
                raise SchemaError(
                    f"span [{span.start}, {span.end}) lies beyond the end of document "
                    f"{self.document.id!r} ({length} characters)"
                )

    def above(self, threshold: float) -> Analysis:
        """A copy keeping only spans scored at least ``threshold``."""
        kept = [s for s in self.spans if s.score >= threshold]
        return Analysis(self.document, kept, self.model, self.language)

    @property
    def unread_language(self) -> LanguageGuess | None:
        """The text's language when it is one the model does not read, else None."""
        guess = self.language
        if guess is None or guess.code == UNDETERMINED or self.model.reads(guess.code):
            return None
        return guess

    def warnings(self) -> list[str]:
        """What a reader must know before trusting this analysis (every interface shows it)."""
        guess = self.unread_language
        if guess is None:
            known = self.language
            if known is None or known.code == UNDETERMINED or self.model.evaluated_on(known.code):
                return []
            return [
                f"This text appears to be in {known.name}; the model {self.model.name} reads it "
                f"but was evaluated on {self.model.languages_named(evaluated=True)} only: how "
                "well it finds techniques in this language has not been measured."
            ]
        seems = (
            f"appears to be in {guess.name}"
            if guess.sure
            else f"may be in {guess.name} (too short to be sure)"
        )
        return [
            f"This text {seems}, and the model {self.model.name} reads only "
            f"{self.model.languages_named()}: finding no technique here does not mean "
            "the text has none."
        ]

    def summary(self) -> Summary:
        counts = Counter(span.technique for span in self.spans)
        sentences = sentence_spans(self.document.text)
        covered = sum(
            1
            for start, end in sentences
            if any(s.start < end and start < s.end for s in self.spans)
        )
        return Summary(dict(counts.most_common()), len(sentences), covered)

    def to_dict(self) -> dict[str, Any]:
        text = self.document.text
        return {
            "schema": SCHEMA_VERSION,
            "document": self.document.to_dict(),
            "model": self.model.to_dict(),
            "language": self._language_dict(),
            "warnings": self.warnings(),
            "spans": [{**s.to_dict(), "text": s.text_in(text)} for s in self.spans],
            "summary": self.summary().to_dict(),
        }

    def _language_dict(self) -> dict[str, Any] | None:
        if self.language is None:
            return None
        return {**self.language.to_dict(), "read_by_model": self.unread_language is None}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        schema = data.get("schema")
        if schema != SCHEMA_VERSION:
            raise SchemaError(
                f"unsupported analysis schema {schema!r}; expected {SCHEMA_VERSION!r}"
            )
        try:
            language = data.get("language")
            return cls(
                document=Document.from_dict(data["document"]),
                spans=[Span.from_dict(s) for s in data["spans"]],
                model=ModelInfo.from_dict(data["model"]),
                language=LanguageGuess.from_dict(language) if language else None,
            )
        except KeyError as missing:
            raise SchemaError(f"analysis is missing field {missing}") from None

    @classmethod
    def from_json(cls, text: str) -> Analysis:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SchemaError(f"not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise SchemaError("an analysis must be a JSON object")
        return cls.from_dict(data)
