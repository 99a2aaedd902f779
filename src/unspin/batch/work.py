"""The unit of work of a batch run: a shard of records, and the worker that analyses one.

The input records of a run (every document or unreadable record of its inputs, in order) are
numbered from 0 (their *position*) and cut into shards of ``shard_size`` records: shard ``k``
holds positions ``[k * shard_size, (k + 1) * shard_size)``. The same inputs always give the same
shards, which is what lets a re-run skip the finished ones and write each document exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from unspin.batch.manifest import BadRecord
from unspin.formats.documents import iter_documents
from unspin.formats.errors import FormatError
from unspin.language import LanguageGuess
from unspin.schema import Document, ModelInfo, Span

DEFAULT_SHARD_SIZE = 1000

Found = tuple[list[Span], LanguageGuess | None, ModelInfo]
"""What the model found in a document: its spans, the language detected in it, and the model
that read it."""
FoundOrError = Found | str
"""What was found in a document, or why it could not be analysed."""


@dataclass
class Shard:
    """The records of one shard: documents to analyse (with their positions) and bad ones."""

    index: int
    records: int = 0
    documents: list[Document] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)


def iter_shards(paths: Sequence[Path], shard_size: int, skip: set[int]) -> Iterator[Shard]:
    """The shards of the records in ``paths``, except those whose index is in ``skip``.

    Skipped shards are still read through (a record's position depends on all before it), but
    their documents are not kept.
    """
    shard = Shard(0)
    for position, item in enumerate(_records(paths)):
        index = position // shard_size
        if index != shard.index:
            if shard.index not in skip:
                yield shard
            shard = Shard(index)
        shard.records += 1
        if shard.index not in skip:
            if isinstance(item, FormatError):
                where = item.path if item.line is None else f"{item.path}:{item.line}"
                shard.bad.append(BadRecord(position, where, item.reason))
            else:
                shard.documents.append(item)
                shard.positions.append(position)
    if shard.records and shard.index not in skip:
        yield shard


def _records(paths: Sequence[Path]) -> Iterator[Document | FormatError]:
    for path in paths:
        if not path.exists():
            yield FormatError(path, "no such file or folder")
        else:
            yield from iter_documents(path)


class ShardWorker:
    """Analyses shards, each document with the model for its language as ``unspin analyze``
    chooses (a Router), or every one with ``model``; each model loads once, on first use. An
    engine runs one worker per worker process.

    Runs the models on one thread: an engine runs as many workers as there are cores.
    """

    def __init__(self, model: str | None, threshold: float | None) -> None:
        from unspin.inference import Router

        self.analyzer = Router(model, threads=1).load()
        self.threshold = threshold

    def models(self) -> list[ModelInfo]:
        """The models this worker may analyse with, the default first."""
        return self.analyzer.infos()

    def analyze(self, documents: list[Document]) -> list[FoundOrError]:
        """What ``unspin analyze`` finds in each document, or why it could not be analysed.

        A document the model fails on (too long, say) fails the whole batch call, so then each
        document is analysed on its own and only the failing ones are reported.
        """
        try:
            analyses = self.analyzer.analyze_batch(documents, threshold=self.threshold)
            return [(analysis.spans, analysis.language, analysis.model) for analysis in analyses]
        except Exception:  # noqa: S110 - retried one by one just below, where it is reported
            pass
        results: list[FoundOrError] = []
        for document in documents:
            try:
                analysis = self.analyzer.analyze(document, threshold=self.threshold)
                results.append((analysis.spans, analysis.language, analysis.model))
            except Exception as error:
                message = " ".join(str(error).split()) or type(error).__name__
                results.append(f"not analysed: {message}")
        return results


__all__ = ["DEFAULT_SHARD_SIZE", "Found", "FoundOrError", "Shard", "ShardWorker", "iter_shards"]
