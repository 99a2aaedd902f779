"""Settings of the web app and the runner that analyses texts off the event loop."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import anyio

from unspin.errors import UnspinError
from unspin.schema import Analysis, Document, ModelInfo

T = TypeVar("T")


class AnalyzerLike(Protocol):
    """What the web app needs from ``unspin.inference.Analyzer``."""

    def analyze(self, item: str | Document, /, threshold: float | None = None) -> Analysis: ...

    def analyze_batch(
        self, items: Iterable[str | Document], /, threshold: float | None = None
    ) -> list[Analysis]: ...

    @property
    def info(self) -> ModelInfo: ...


DEFAULT_WORKERS_CAP = 4
"""The most analyses run at once by default, however many CPUs there are (``unspin serve
--help`` says so too)."""


@dataclass(frozen=True)
class WebSettings:
    """Limits and options of the web app; every field has a safe default."""

    model: str | None = None
    """Model directory to load when no analyzer is given (``None``: the shipped model)."""
    max_chars: int = 100_000
    """Longest text accepted, in characters (longer gives HTTP 413)."""
    max_batch: int = 64
    """Most documents in one batch request (more gives HTTP 413)."""
    request_timeout: float = 60.0
    """Seconds an analysis may take, queueing included (longer gives HTTP 504)."""
    allow_private_urls: bool = False
    """Let URL input reach private, loopback and link-local addresses (never on a shared host)."""
    fetch_timeout: float = 10.0
    fetch_max_bytes: int = 5_000_000
    max_upload_bytes: int = 2_000_000
    page_floor: float | None = None
    """Threshold the analysis page analyses at, the slider's lowest value (``None``: the
    analyzer's own threshold, so the page shows what the API returns). Lower lets the slider
    reveal less confident spans, decoded at that lower threshold (so they can be longer)."""
    workers: int = field(
        default_factory=lambda: max(1, min(DEFAULT_WORKERS_CAP, os.cpu_count() or 1))
    )
    """Analyses run at the same time; further requests wait their turn (default: the number of
    CPUs, at most :data:`DEFAULT_WORKERS_CAP`)."""

    @property
    def max_body_bytes(self) -> int:
        """Largest request body accepted before parsing (UTF-8 worst case plus JSON overhead)."""
        return 4 * self.max_chars * max(1, self.max_batch) + 1_000_000


class AnalysisTimeout(UnspinError):
    """An analysis did not finish within the request timeout."""


class Runner:
    """Runs a shared analyzer in worker threads, a few at a time, with a time limit."""

    def __init__(self, analyzer: AnalyzerLike, settings: WebSettings) -> None:
        self.analyzer = analyzer
        self.settings = settings
        self._limiter = anyio.CapacityLimiter(settings.workers)

    @property
    def default_threshold(self) -> float:
        """The analyzer's own threshold (0.5 when it does not say)."""
        value = getattr(self.analyzer, "threshold", None)
        return float(value) if isinstance(value, int | float) else 0.5

    async def analyze(self, document: Document, threshold: float | None = None) -> Analysis:
        """Analyse one document in a worker thread."""
        return await self._run(lambda: self.analyzer.analyze(document, threshold=threshold))

    async def analyze_batch(
        self, documents: list[Document], threshold: float | None = None
    ) -> list[Analysis]:
        """Analyse several documents in one go, results in the same order."""
        return await self._run(lambda: self.analyzer.analyze_batch(documents, threshold=threshold))

    async def _run(self, work: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(self.settings.request_timeout):
                return await anyio.to_thread.run_sync(
                    work, abandon_on_cancel=True, limiter=self._limiter
                )
        except TimeoutError:
            raise AnalysisTimeout(
                f"the analysis took longer than {self.settings.request_timeout:g} s"
            ) from None
